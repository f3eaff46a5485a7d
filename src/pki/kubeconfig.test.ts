import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { authenticate } from './authenticate.ts';
import { ensureClusterPki } from './cluster-pki.ts';
import { buildKubeconfig, writeKubeconfig } from './kubeconfig.ts';

const run = promisify(execFile);
const roots: string[] = [];
after(() => Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true }))));
async function tempRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'skiff-kubeconfig-'));
  roots.push(root);
  return root;
}

const input = { server: 'https://127.0.0.1:6443', caPem: 'CA PEM\n', token: 'tok', clientCertPem: 'CERT PEM\n', clientKeyPem: 'KEY PEM\n' };

test('buildKubeconfig: cluster, user and context named skiff, namespace default, inline credentials', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  assert.deepEqual(buildKubeconfig(input), {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: 'skiff', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64('CA PEM\n') } }],
    users: [{ name: 'skiff', user: { token: 'tok', 'client-certificate-data': b64('CERT PEM\n'), 'client-key-data': b64('KEY PEM\n') } }],
    contexts: [{ name: 'skiff', context: { cluster: 'skiff', user: 'skiff', namespace: 'default' } }],
    'current-context': 'skiff',
  });
});

test('writeKubeconfig writes that document as YAML with mode 0600, replacing an existing file', async () => {
  const path = join(await tempRoot(), 'kubeconfig');
  await writeKubeconfig(path, { ...input, token: 'old' });
  await writeKubeconfig(path, input);
  assert.deepEqual(parse(await readFile(path, 'utf8')), buildKubeconfig(input));
  assert.equal((await stat(path)).mode & 0o777, 0o600);
});

test('kubectl accepts the kubeconfig and sends both the client certificate and the token', async () => {
  const root = await tempRoot();
  const pki = await ensureClusterPki(join(root, 'pki'));
  const seen: { token: boolean; certificate: boolean }[] = [];
  const server = createServer(pki.tlsServerOptions(), (req, res) => {
    const who = authenticate(req, pki);
    seen.push({ token: req.headers.authorization === `Bearer ${pki.adminToken}`, certificate: (req.socket as TLSSocket).authorized });
    res.writeHead(who === undefined ? 401 : 200, { 'content-type': 'application/json' });
    // Some kubectl distributions (the gcloud dispatcher) ask for /version before anything else.
    res.end(JSON.stringify(req.url?.startsWith('/version') ? { major: '1', minor: '32', gitVersion: 'v1.32.0' } : who));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const kubeconfig = join(root, 'kubeconfig');
    await writeKubeconfig(kubeconfig, {
      server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
      caPem: pki.caPem, token: pki.adminToken, clientCertPem: pki.adminCertPem, clientKeyPem: pki.adminKeyPem,
    });
    const env = { ...process.env, HOME: root, KUBECACHEDIR: join(root, 'cache'), KUBECONFIG: kubeconfig };
    const { stdout } = await run(process.env.KUBECTL ?? 'kubectl', ['get', '--raw', '/whoami'], { env });
    assert.deepEqual(JSON.parse(stdout), { user: 'skiff-admin', groups: ['system:masters', 'system:authenticated'] });
    assert.ok(seen.length > 0 && seen.every((s) => s.token && s.certificate), JSON.stringify(seen));
    const { stdout: namespace } = await run(process.env.KUBECTL ?? 'kubectl', ['config', 'view', '--minify', '-o', 'jsonpath={.contexts[0].context.namespace}'], { env });
    assert.equal(namespace, 'default');
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
