/**
 * OpenShift's service CA end to end, with the real kubectl and openssl: a ConfigMap asking
 * for the CA bundle gets `service-ca.crt` (and gets it back after an edit); a Service
 * annotated `serving-cert-secret-name` gets a TLS Secret that openssl verifies against
 * that bundle, with the Service's DNS names, and that serves TLS to a client checking the
 * Service's hostname; a deleted Secret comes back; a certificate near its expiry is
 * renewed in place; a new name in the annotation gets a new Secret and the garbage collector
 * removes them with the Service; a name taken by another Secret is an error annotation; the
 * signer survives a restart, and a deleted signer is replaced and everything re-signed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const run = promisify(execFile);
const NS = 'service-ca-e2e';
const SECRET_NAME = 'service.beta.openshift.io/serving-cert-secret-name';

interface SecretView {
  metadata: { uid: string; annotations?: Record<string, string>; ownerReferences?: Array<{ kind: string; name: string; uid: string }> };
  type: string;
  data: Record<string, string>;
}

describe('service CA (service-ca-operator)', () => {
  let t: TestSkiff;
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-service-ca-'));
  const files = mkdtempSync(join(tmpdir(), 'service-ca-files-'));
  const file = (name: string, text: string) => {
    const path = join(files, name);
    writeFileSync(path, text);
    return path;
  };
  const getJson = async <T>(...args: string[]): Promise<T | undefined> => {
    const r = await t.kubectl(['get', ...args, '-o', 'json']);
    return r.code === 0 ? (JSON.parse(r.stdout) as T) : undefined;
  };
  const secret = (name: string) => getJson<SecretView>('secret', '-n', NS, name);
  const service = (name: string) => getJson<{ metadata: { uid: string; annotations?: Record<string, string> } }>('service', '-n', NS, name);
  const annotatedService = (name: string, secretName: string, headless = false) => JSON.stringify({
    apiVersion: 'v1', kind: 'Service',
    metadata: { name, annotations: { [SECRET_NAME]: secretName } },
    spec: { ...(headless ? { clusterIP: 'None' } : {}), selector: { app: name }, ports: [{ name: 'https', port: 8444, targetPort: 8444 }] },
  });
  let caPem = '';

  before(async () => {
    t = await startTestSkiff({ dataDir });
    await t.kubectl.ok(['create', 'namespace', NS]);
  });
  after(async () => {
    await t?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  });

  it('keeps the signer in openshift-service-ca/signing-key and injects it into annotated ConfigMaps', async () => {
    const signing = await waitFor('the signing-key Secret', () => getJson<SecretView>('secret', '-n', 'openshift-service-ca', 'signing-key'));
    assert.equal(signing.type, 'kubernetes.io/tls');
    const subject = (await run('openssl', ['x509', '-noout', '-subject', '-in', file('signer.crt', Buffer.from(signing.data['tls.crt']!, 'base64').toString())])).stdout;
    assert.match(subject, /CN ?= ?openshift-service-serving-signer@\d+/);

    await t.kubectl.ok(['create', 'configmap', '-n', NS, 'service-ca-bundle']);
    await t.kubectl.ok(['annotate', 'configmap', '-n', NS, 'service-ca-bundle', 'service.beta.openshift.io/inject-cabundle=true']);
    caPem = await waitFor('service-ca.crt', async () => (await getJson<{ data?: Record<string, string> }>('configmap', '-n', NS, 'service-ca-bundle'))?.data?.['service-ca.crt']);
    assert.equal(caPem, Buffer.from(signing.data['tls.crt']!, 'base64').toString());

    await t.kubectl.ok(['patch', 'configmap', '-n', NS, 'service-ca-bundle', '--type=merge', '-p', '{"data":{"service-ca.crt":"tampered"}}']);
    await waitFor('the bundle to be put back', async () => (await getJson<{ data?: Record<string, string> }>('configmap', '-n', NS, 'service-ca-bundle'))?.data?.['service-ca.crt'] === caPem);
  });

  it('issues a serving certificate that openssl verifies with the bundle, for the Service\'s names', async () => {
    await t.kubectl.ok(['apply', '-n', NS, '-f', '-'], { stdin: annotatedService('metrics', 'metrics-tls') });
    const s = await waitFor('the serving Secret', () => secret('metrics-tls'));
    const svc = (await service('metrics'))!;
    assert.equal(s.type, 'kubernetes.io/tls');
    assert.equal(s.metadata.annotations?.['service.beta.openshift.io/originating-service-name'], 'metrics');
    assert.equal(s.metadata.annotations?.['service.beta.openshift.io/originating-service-uid'], svc.metadata.uid);
    assert.match(s.metadata.annotations?.['service.beta.openshift.io/expiry'] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(s.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.uid]), [['Service', 'metrics', svc.metadata.uid]]);
    const managed = JSON.parse(await t.kubectl.ok(['get', 'secret', '-n', NS, 'metrics-tls', '-o', 'json', '--show-managed-fields'])) as { metadata: { managedFields: Array<{ manager: string }> } };
    assert.deepEqual(managed.metadata.managedFields.map((m) => m.manager), ['service-ca-operator']);

    const crt = Buffer.from(s.data['tls.crt']!, 'base64').toString();
    const key = Buffer.from(s.data['tls.key']!, 'base64').toString();
    assert.equal(crt.match(/BEGIN CERTIFICATE/g)?.length, 2, 'the serving certificate, then the signer');
    const caFile = file('ca.crt', caPem);
    const crtFile = file('tls.crt', crt);
    assert.match((await run('openssl', ['verify', '-CAfile', caFile, crtFile])).stdout, /: OK/);
    const san = (await run('openssl', ['x509', '-noout', '-ext', 'subjectAltName', '-in', crtFile])).stdout;
    assert.match(san, /DNS:metrics\.service-ca-e2e\.svc, DNS:metrics\.service-ca-e2e\.svc\.cluster\.local/);

    const signedBy = await waitFor('signed-by on the Service', async () => (await service('metrics'))?.metadata.annotations?.['service.beta.openshift.io/serving-cert-signed-by']);
    assert.match((await run('openssl', ['x509', '-noout', '-subject', '-in', caFile])).stdout, new RegExp(signedBy.replace(/[.@]/g, '\\$&')));

    // The pair serves TLS that a client trusting only the bundle accepts for the Service's name.
    const server = createServer({ cert: crt, key }, (socket) => socket.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port, ca: caPem, servername: 'metrics.service-ca-e2e.svc' }, () => socket.once('data', (d) => { resolve(d.toString()); socket.end(); }));
        socket.on('error', reject);
      });
      assert.equal(reply, 'ok');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('gives headless Services the pods\' wildcard names', async () => {
    await t.kubectl.ok(['apply', '-n', NS, '-f', '-'], { stdin: annotatedService('pods', 'pods-tls', true) });
    const s = await waitFor('the headless Service\'s Secret', () => secret('pods-tls'));
    const san = (await run('openssl', ['x509', '-noout', '-ext', 'subjectAltName', '-in', file('pods.crt', Buffer.from(s.data['tls.crt']!, 'base64').toString())])).stdout;
    for (const name of ['*.pods.service-ca-e2e.svc', '*.pods.service-ca-e2e.svc.cluster.local', 'pods.service-ca-e2e.svc', 'pods.service-ca-e2e.svc.cluster.local']) assert.ok(san.includes(`DNS:${name}`), san);
  });

  it('brings a deleted Secret back with a new certificate', async () => {
    const first = (await secret('metrics-tls'))!;
    await t.kubectl.ok(['delete', 'secret', '-n', NS, 'metrics-tls']);
    const second = await waitFor('the Secret to come back', async () => {
      const s = await secret('metrics-tls');
      return s && s.metadata.uid !== first.metadata.uid ? s : undefined;
    });
    assert.notEqual(second.data['tls.crt'], first.data['tls.crt']);
    const crtFile = file('again.crt', Buffer.from(second.data['tls.crt']!, 'base64').toString());
    assert.match((await run('openssl', ['verify', '-CAfile', file('ca2.crt', caPem), crtFile])).stdout, /: OK/);
  });

  it('renews a certificate within an hour of its expiry, and drops extra data keys', async () => {
    const first = (await secret('metrics-tls'))!;
    const soon = new Date(Date.now() + 30 * 60 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await t.kubectl.ok(['annotate', '--overwrite', 'secret', '-n', NS, 'metrics-tls', `service.beta.openshift.io/expiry=${soon}`]);
    const renewed = await waitFor('a renewed certificate', async () => {
      const s = await secret('metrics-tls');
      return s && s.data['tls.crt'] !== first.data['tls.crt'] ? s : undefined;
    });
    assert.equal(renewed.metadata.uid, first.metadata.uid, 'renewed in place');
    assert.ok(new Date(renewed.metadata.annotations!['service.beta.openshift.io/expiry']!).getTime() > Date.now() + 700 * 24 * 3600 * 1000);

    await t.kubectl.ok(['patch', 'secret', '-n', NS, 'metrics-tls', '--type=merge', '-p', '{"data":{"extra":"eA=="}}']);
    const tidied = await waitFor('the extra key to go', async () => {
      const s = await secret('metrics-tls');
      return s && !('extra' in s.data) ? s : undefined;
    });
    assert.equal(tidied.data['tls.crt'], renewed.data['tls.crt'], 'the certificate is kept');
  });

  it('follows the annotation to a new Secret name, and the Secret goes with its Service', async () => {
    await t.kubectl.ok(['annotate', '--overwrite', 'service', '-n', NS, 'pods', `${SECRET_NAME}=pods-tls-2`]);
    await waitFor('the Secret under its new name', () => secret('pods-tls-2'));
    await t.kubectl.ok(['delete', 'service', '-n', NS, 'pods']);
    await waitFor('the garbage collector to delete the Secrets', async () => !(await secret('pods-tls')) && !(await secret('pods-tls-2')));
  });

  it('marks a Service whose Secret name is taken by another Secret', async () => {
    await t.kubectl.ok(['create', 'secret', 'generic', '-n', NS, 'taken', '--from-literal=password=hunter2']);
    await t.kubectl.ok(['apply', '-n', NS, '-f', '-'], { stdin: annotatedService('clash', 'taken') });
    const error = await waitFor('the generation error', async () => (await service('clash'))?.metadata.annotations?.['service.beta.openshift.io/serving-cert-generation-error']);
    const uid = (await service('clash'))!.metadata.uid;
    assert.equal(error, `secret ${NS}/taken does not have corresponding service UID ${uid}`);
    const taken = (await secret('taken'))!;
    assert.deepEqual(Object.keys(taken.data), ['password'], 'the other Secret is left as it was');
  });

  it('keeps the same signer across a restart', async () => {
    const before = (await getJson<SecretView>('secret', '-n', 'openshift-service-ca', 'signing-key'))!;
    await t.stop();
    t = await startTestSkiff({ dataDir });
    const afterRestart = (await getJson<SecretView>('secret', '-n', 'openshift-service-ca', 'signing-key'))!;
    assert.equal(afterRestart.data['tls.crt'], before.data['tls.crt']);
    assert.equal((await secret('metrics-tls'))?.metadata.uid !== undefined, true);
  });

  it('makes a new signer when signing-key is deleted, and re-issues and re-injects with it', async () => {
    const old = (await getJson<SecretView>('secret', '-n', 'openshift-service-ca', 'signing-key'))!;
    await t.kubectl.ok(['delete', 'secret', '-n', 'openshift-service-ca', 'signing-key']);
    const fresh = await waitFor('a new signing-key', async () => {
      const s = await getJson<SecretView>('secret', '-n', 'openshift-service-ca', 'signing-key');
      return s && s.data['tls.crt'] !== old.data['tls.crt'] ? s : undefined;
    });
    const newCa = Buffer.from(fresh.data['tls.crt']!, 'base64').toString();
    await waitFor('the new bundle in the ConfigMap', async () => (await getJson<{ data?: Record<string, string> }>('configmap', '-n', NS, 'service-ca-bundle'))?.data?.['service-ca.crt'] === newCa);
    const crt = await waitFor('a certificate from the new signer', async () => {
      const s = await secret('metrics-tls');
      const pem = s && Buffer.from(s.data['tls.crt']!, 'base64').toString();
      return pem?.endsWith(newCa) ? pem : undefined;
    });
    assert.match((await run('openssl', ['verify', '-CAfile', file('new-ca.crt', newCa), file('new.crt', crt)])).stdout, /: OK/);
  });
});
