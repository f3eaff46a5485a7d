/**
 * WorkloadIdentities with a real mesh CA and real issuance, counted: one issuance for
 * concurrent first requests, renewal once due (and the listeners told), the "no CA" back-off
 * and its end on a CA change, and the old certificate kept while a renewal fails.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issueWorkloadCertificate, type IssueOptions, type MeshCa, type WorkloadIdentity } from '../../mesh/pki/index.ts';
import { CA_SECRET_NAME, createSelfSignedCaFiles, meshCaFromFiles } from '../../mesh/pki/mesh-ca.ts';
import { silentLogger } from '../../util/log.ts';
import { WorkloadIdentities } from './workload-identities.ts';

const HOUR = 3_600_000;
const ACTIVATOR = { namespace: 'knative-serving', serviceAccount: 'activator' };

async function meshCa(now: Date): Promise<MeshCa> {
  const files = await createSelfSignedCaFiles('cluster.local', now);
  return meshCaFromFiles(files, { meshNamespace: 'istio-system', trustDomain: 'cluster.local', source: 'self-signed', secretName: CA_SECRET_NAME }, now);
}

/** A WorkloadIdentities over `ca()` (undefined: no CA yet; throwing: a broken Secret), counting CA loads and issuances. */
function counted(ca: () => MeshCa | undefined, opts: { now?: () => Date; ttlMs?: number } = {}) {
  const counts = { loads: 0, issued: 0 };
  const identities = new WorkloadIdentities({
    log: silentLogger(),
    loadCa: () => {
      counts.loads++;
      return Promise.resolve().then(ca);
    },
    issue: (c: MeshCa, id: WorkloadIdentity, o: IssueOptions) => {
      counts.issued++;
      return issueWorkloadCertificate(c, id, o);
    },
    ...opts,
  });
  return { identities, counts };
}

test('concurrent first requests share one issuance; later ones get the cached certificate', async () => {
  const ca = await meshCa(new Date());
  const { identities, counts } = counted(() => ca);
  try {
    const [a, b] = await Promise.all([identities.certificate('istio-system', ACTIVATOR), identities.certificate('istio-system', ACTIVATOR)]);
    assert.ok(a);
    assert.equal(a, b, 'the same certificate object');
    assert.equal(counts.issued, 1);
    assert.equal(a.spiffeId, 'spiffe://cluster.local/ns/knative-serving/sa/activator');
    assert.equal(await identities.certificate('istio-system', ACTIVATOR), a);
    const other = await identities.certificate('istio-system', { namespace: 'default', serviceAccount: 'app' });
    assert.notEqual(other, a, 'another service account has its own certificate');
    assert.equal(counts.issued, 2);
  } finally {
    identities.stop();
  }
});

test('a certificate past its renewal time is issued again, once, and kept while the CA is unreachable', async () => {
  const start = new Date();
  let now = start;
  const ca = await meshCa(start);
  let available = true;
  const { identities, counts } = counted(() => (available ? ca : undefined), { now: () => now });
  try {
    const first = await identities.certificate('istio-system', ACTIVATOR);
    assert.ok(first);
    now = new Date(start.getTime() + 11 * HOUR);
    assert.equal(await identities.certificate('istio-system', ACTIVATOR), first, 'not due yet (24 h, renewed at half)');

    now = new Date(first.renewAt.getTime() + 1);
    available = false;
    assert.equal(await identities.certificate('istio-system', ACTIVATOR), first, 'renewal failed: the old one is still valid');
    assert.equal(counts.loads, 2);

    available = true;
    identities.caChanged('istio-system');
    const [renewed, again] = await Promise.all([identities.certificate('istio-system', ACTIVATOR), identities.certificate('istio-system', ACTIVATOR)]);
    assert.ok(renewed && renewed !== first);
    assert.equal(again, renewed);
    assert.equal(counts.issued, 2);
    assert.ok(renewed.renewAt > now);
  } finally {
    identities.stop();
  }
});

test('the renewal listeners are told when a certificate handed out is due', async () => {
  const ca = await meshCa(new Date());
  // Backdated 60 s, so a 60.1 s lifetime is due for renewal ~50 ms after issuance (waited 1 s at least).
  const { identities } = counted(() => ca, { ttlMs: 60_100 });
  try {
    const told = new Promise<void>((resolve) => identities.onRenewal(resolve));
    const cert = await identities.certificate('istio-system', ACTIVATOR);
    assert.ok(cert);
    // The renewal timer is unref'd (it must not hold skiff up): this deadline holds the test's loop.
    let deadline: NodeJS.Timeout | undefined;
    await Promise.race([told, new Promise((_, reject) => (deadline = setTimeout(() => reject(new Error('no renewal within 10 s')), 10_000)))]);
    clearTimeout(deadline);
    const renewed = await identities.certificate('istio-system', ACTIVATOR);
    assert.ok(renewed && renewed !== cert, 'asked after the renewal time: a fresh certificate');
  } finally {
    identities.stop();
  }
});

test('a mesh without a CA: undefined, not asked again before the back-off, asked at once after a CA change', async () => {
  const start = new Date();
  let now = start;
  let ca: MeshCa | undefined;
  const { identities, counts } = counted(() => ca, { now: () => now });
  try {
    assert.equal(await identities.certificate('istio-system', ACTIVATOR), undefined);
    assert.equal(await identities.certificate('istio-system', ACTIVATOR), undefined);
    assert.equal(counts.loads, 1, 'the back-off holds');

    now = new Date(start.getTime() + 1_000);
    assert.equal(await identities.certificate('istio-system', ACTIVATOR), undefined);
    assert.equal(counts.loads, 2, 'asked again after 1 s');
    now = new Date(start.getTime() + 2_500);
    assert.equal(await identities.certificate('istio-system', ACTIVATOR), undefined);
    assert.equal(counts.loads, 2, 'then the back-off doubled to 2 s');

    ca = await meshCa(start);
    identities.caChanged('other-mesh');
    assert.equal(await identities.certificate('istio-system', ACTIVATOR), undefined, 'another mesh\'s CA changed: still backing off');
    identities.caChanged('istio-system');
    const cert = await identities.certificate('istio-system', ACTIVATOR);
    assert.ok(cert, 'the CA appeared: issued at once');
    assert.equal(counts.loads, 3);
  } finally {
    identities.stop();
  }
});

test('a miss that raced a CA change is not believed: the next request asks again', async () => {
  let ca: MeshCa | undefined;
  const ready = await meshCa(new Date());
  const counts = { loads: 0 };
  const identities: WorkloadIdentities = new WorkloadIdentities({
    log: silentLogger(),
    loadCa: () => {
      counts.loads++;
      const found = ca;
      // The Secret is created (and its event heard) while this load is on its way back empty.
      ca = ready;
      identities.caChanged('istio-system');
      return Promise.resolve(found);
    },
  });
  try {
    assert.equal(await identities.certificate('istio-system', ACTIVATOR), undefined);
    assert.ok(await identities.certificate('istio-system', ACTIVATOR), 'no back-off: asked again and issued');
    assert.equal(counts.loads, 2);
  } finally {
    identities.stop();
  }
});

test('a broken CA Secret is logged and treated as no CA (never rejects)', async () => {
  const { identities, counts } = counted(() => {
    throw new Error('SKF_MESH_CA_INVALID');
  });
  try {
    assert.equal(await identities.certificate('istio-system', ACTIVATOR), undefined);
    assert.equal(await identities.certificate('istio-system', ACTIVATOR), undefined);
    assert.equal(counts.loads, 1);
  } finally {
    identities.stop();
  }
});
