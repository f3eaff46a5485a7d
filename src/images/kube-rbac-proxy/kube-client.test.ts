import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { selfSignedCertificate } from '../knative-component/self-signed.ts';
import { inClusterConfig, kubeClient, type InClusterConfig } from './kube-client.ts';

let dir: string;
let server: Server;
let config: InClusterConfig;
const answers: Array<{ status: number; body: object }> = [];
const seen: Array<{ url: string; authorization: string; body: string }> = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'krp-client-'));
  const cert = selfSignedCertificate('kubernetes.default.svc');
  await writeFile(join(dir, 'token'), 'sa-token\n');
  await writeFile(join(dir, 'ca.crt'), cert.certPem);
  server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ url: req.url!, authorization: req.headers.authorization!, body });
      const answer = answers.shift() ?? { status: 201, body: { ok: true } };
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const made = inClusterConfig({ KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String((server.address() as AddressInfo).port), SKIFF_SERVICE_ACCOUNT_DIR: dir });
  assert.ok(!('error' in made));
  config = made;
});

after(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

test('in-cluster configuration needs the Service variables and the token', () => {
  assert.deepEqual(inClusterConfig({}), { error: 'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined' });
  assert.deepEqual(inClusterConfig({ KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '1', SKIFF_SERVICE_ACCOUNT_DIR: '/nonexistent' }), { error: 'open /nonexistent/token: no such file or directory' });
});

test('a POST with the pod\'s token, verified against ca.crt for kubernetes.default.svc', async () => {
  seen.length = 0;
  assert.deepEqual(await kubeClient(config).create('/apis/x/v1/things', { a: 1 }), { ok: true });
  assert.deepEqual(seen, [{ url: '/apis/x/v1/things', authorization: 'Bearer sa-token', body: '{"a":1}' }]);
});

test('a 503 is tried again; a 403 is final, with the Status message', async () => {
  seen.length = 0;
  answers.push({ status: 503, body: { message: 'busy' } });
  assert.deepEqual(await kubeClient(config).create('/x', {}), { ok: true });
  assert.equal(seen.length, 2);
  answers.push({ status: 403, body: { kind: 'Status', message: 'tokenreviews is forbidden' } });
  await assert.rejects(kubeClient(config).create('/x', {}), /tokenreviews is forbidden/);
  assert.equal(seen.length, 3);
});

test('an API server the CA does not vouch for is refused at once', async () => {
  const other = selfSignedCertificate('kubernetes.default.svc');
  await assert.rejects(kubeClient({ ...config, ca: other.certPem }).create('/x', {}), /self-signed|unable to verify|signature/i);
});
