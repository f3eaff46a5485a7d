/**
 * The mesh CA's Secrets through a real in-process API (embedded store in a temp dir):
 * created once and reused, re-issued when due, a plug-in `cacerts` preferred, a broken one
 * refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import type { Client } from '../../client/types.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import { createCertificateAuthority, issueCertificateAuthority } from '../../pki/certificates.ts';
import { startInProcessApi, type InProcessApi } from '../../server/testing/in-process-api.ts';
import { ensureMeshCa, loadMeshCa } from './ca-secrets.ts';
import { CA_FILES, CA_SECRET_NAME, PLUGIN_SECRET_NAME } from './mesh-ca.ts';

const DAY = 86_400_000;
let api: InProcessApi;
let client: Client;

before(async () => {
  api = await startInProcessApi('mesh-ca');
  client = api.client;
  for (const name of ['mesh-a', 'mesh-b', 'mesh-c']) await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
});

after(async () => {
  await api.stop();
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('the mesh\'s own CA is created once, kept, and its intermediate re-issued under the same root when due', async () => {
  assert.equal(await loadMeshCa(client, 'mesh-a'), undefined, 'no CA before the control plane made one');
  const now = new Date();
  const first = await ensureMeshCa(client, 'mesh-a', 'cluster.local', now);
  assert.equal(first.change, 'created');
  assert.equal(first.ca.source, 'self-signed');
  const secret = await client.get<KubeObject & { type?: string; data: Record<string, string> }>({ apiVersion: 'v1', kind: 'Secret' }, 'mesh-a', CA_SECRET_NAME);
  assert.equal(secret?.type, 'istio.io/ca-root');
  assert.deepEqual(Object.keys(secret!.data).sort(), ['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem', 'root-cert.pem', 'root-key.pem']);
  const again = await ensureMeshCa(client, 'mesh-a', 'cluster.local', now);
  assert.equal(again.change, undefined);
  assert.equal(again.ca.rootCertPem, first.ca.rootCertPem);
  assert.equal(again.ca.issuer.certPem, first.ca.issuer.certPem);
  const loaded = await loadMeshCa(client, 'mesh-a');
  assert.equal(loaded?.rootCertPem, first.ca.rootCertPem);

  const later = new Date(now.getTime() + 300 * DAY);
  const renewed = await ensureMeshCa(client, 'mesh-a', 'cluster.local', later);
  assert.equal(renewed.change, 'renewed');
  assert.equal(renewed.ca.rootCertPem, first.ca.rootCertPem);
  assert.notEqual(renewed.ca.issuer.certPem, first.ca.issuer.certPem);
});

test('a plug-in cacerts Secret wins over the mesh\'s own CA, and a broken one is refused', async () => {
  const now = new Date();
  const root = await createCertificateAuthority({ commonName: 'Root CA', organizations: ['Istio'], notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 3650 * DAY) });
  const ca = await issueCertificateAuthority(root, { commonName: 'Intermediate CA', organizations: ['Istio'], notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY) });
  await ensureMeshCa(client, 'mesh-b', 'cluster.local', now);
  await client.create({
    apiVersion: 'v1', kind: 'Secret', metadata: { name: PLUGIN_SECRET_NAME, namespace: 'mesh-b' },
    data: { [CA_FILES.caCert]: b64(ca.certPem), [CA_FILES.caKey]: b64(ca.keyPem), [CA_FILES.rootCert]: b64(root.certPem), [CA_FILES.certChain]: b64(ca.certPem + root.certPem) },
  });
  const plugged = await ensureMeshCa(client, 'mesh-b', 'cluster.local', now);
  assert.equal(plugged.ca.source, 'plug-in');
  assert.equal(plugged.ca.rootCertPem, root.certPem);
  assert.equal((await loadMeshCa(client, 'mesh-b'))?.issuer.certPem, ca.certPem);

  await client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: PLUGIN_SECRET_NAME, namespace: 'mesh-c' }, data: { [CA_FILES.caCert]: b64(ca.certPem), [CA_FILES.rootCert]: b64(root.certPem) } });
  await assert.rejects(ensureMeshCa(client, 'mesh-c', 'cluster.local', now), (err: unknown) => isSkiffError(err, 'SKF_MESH_CA_INVALID') && /mesh-c\/cacerts: ca-key\.pem is missing or empty/.test(err.message));
  await assert.rejects(loadMeshCa(client, 'mesh-c'), (err: unknown) => isSkiffError(err, 'SKF_MESH_CA_INVALID'));
});
