import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { authenticate } from './authenticate.ts';
import { issueCertificate } from './certificates.ts';
import { type ClusterPki, ensureClusterPki } from './cluster-pki.ts';

const DAY = 86_400_000;

/** Runs curl; resolves with its exit code, HTTP status and body (curl's non-zero exits are results here). */
function curl(args: string[]): Promise<{ exitCode: number; status: number; body: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['--silent', '--show-error', '--write-out', '\n%{http_code}', ...args], (error, stdout) => {
      const at = stdout.lastIndexOf('\n');
      resolve({ exitCode: typeof error?.code === 'number' ? error.code : 0, status: Number(stdout.slice(at + 1)), body: stdout.slice(0, at) });
    });
  });
}

describe('authenticate over real TLS (curl as the client)', () => {
  let root: string;
  let pki: ClusterPki;
  let server: Server;
  let base: string;
  const file = (name: string) => join(root, name);

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'skiff-authn-'));
    pki = await ensureClusterPki(join(root, 'pki'));
    const ca = { certPem: pki.caPem, keyPem: pki.caKeyPem };
    const now = Date.now();
    const expired = await issueCertificate(ca, { commonName: 'old-admin', organizations: ['system:masters'], usages: ['clientAuth'], notBefore: new Date(now - 10 * DAY), notAfter: new Date(now - DAY) });
    const stranger = await ensureClusterPki(join(root, 'other-pki'));
    await Promise.all([
      writeFile(file('ca.crt'), pki.caPem),
      writeFile(file('admin.crt'), pki.adminCertPem), writeFile(file('admin.key'), pki.adminKeyPem),
      writeFile(file('expired.crt'), expired.certPem), writeFile(file('expired.key'), expired.keyPem),
      writeFile(file('stranger.crt'), stranger.adminCertPem), writeFile(file('stranger.key'), stranger.adminKeyPem),
      writeFile(file('serving.crt'), pki.servingCertPem), writeFile(file('serving.key'), pki.servingKeyPem),
    ]);
    server = createServer(pki.tlsServerOptions(), (req, res) => {
      const who = authenticate(req, pki);
      res.writeHead(who === undefined ? 401 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(who ?? { reason: 'Unauthorized' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  test('a client that trusts the cluster CA accepts the serving certificate by IP and by service name', async () => {
    const byIp = await curl(['--cacert', file('ca.crt'), `${base}/`]);
    assert.equal(byIp.exitCode, 0);
    const port = new URL(base).port;
    for (const name of ['localhost', 'kubernetes', 'kubernetes.default.svc.cluster.local']) {
      const byName = await curl(['--cacert', file('ca.crt'), '--resolve', `${name}:${port}:127.0.0.1`, `https://${name}:${port}/`]);
      assert.equal(byName.exitCode, 0, name);
    }
  });

  test('a client that does not trust the cluster CA refuses the connection', async () => {
    const result = await curl([`${base}/`]);
    assert.equal(result.exitCode, 60, 'curl: peer certificate cannot be authenticated');
  });

  test('the admin bearer token authenticates as skiff-admin in system:masters', async () => {
    const result = await curl(['--cacert', file('ca.crt'), '-H', `Authorization: Bearer ${pki.adminToken}`, `${base}/`]);
    assert.equal(result.status, 200);
    assert.deepEqual(JSON.parse(result.body), { user: 'skiff-admin', groups: ['system:masters', 'system:authenticated'] });
  });

  test('the admin client certificate authenticates as its CN with its O as groups', async () => {
    const result = await curl(['--cacert', file('ca.crt'), '--cert', file('admin.crt'), '--key', file('admin.key'), `${base}/`]);
    assert.equal(result.status, 200);
    assert.deepEqual(JSON.parse(result.body), { user: 'skiff-admin', groups: ['system:masters', 'system:authenticated'] });
  });

  test('no credentials, a wrong token, or another scheme → 401', async () => {
    for (const header of [[], ['-H', 'Authorization: Bearer nope'], ['-H', `Authorization: Bearer ${pki.adminToken}x`], ['-H', `Authorization: Basic ${pki.adminToken}`]]) {
      const result = await curl(['--cacert', file('ca.crt'), ...header, `${base}/`]);
      assert.equal(result.status, 401, header.join(' '));
    }
  });

  test('an expired client certificate from the cluster CA → 401', async () => {
    const result = await curl(['--cacert', file('ca.crt'), '--cert', file('expired.crt'), '--key', file('expired.key'), `${base}/`]);
    assert.equal(result.status, 401);
  });

  test('a certificate that expires while its connection stays open stops authenticating on that connection', async () => {
    const ca = { certPem: pki.caPem, keyPem: pki.caKeyPem };
    // X.509 times have whole seconds: valid until the second after next.
    const notAfter = new Date((Math.floor(Date.now() / 1000) + 2) * 1000);
    const brief = await issueCertificate(ca, { commonName: 'brief', usages: ['clientAuth'], notBefore: new Date(Date.now() - DAY), notAfter });
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: pki.caPem, cert: brief.certPem, key: brief.keyPem });
    const ports: number[] = [];
    const get = () => new Promise<number>((resolve, reject) => {
      const req = request(`${base}/`, { agent }, (res) => {
        ports.push(res.socket.localPort!);
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end();
    });
    try {
      assert.equal(await get(), 200);
      while (Date.now() <= notAfter.getTime()) await new Promise((r) => setTimeout(r, notAfter.getTime() - Date.now() + 1));
      assert.equal(await get(), 401);
      assert.equal(ports[0], ports[1], 'both requests went over one connection');
    } finally {
      agent.destroy();
    }
  });

  test('a client certificate from another CA → 401', async () => {
    const result = await curl(['--cacert', file('ca.crt'), '--cert', file('stranger.crt'), '--key', file('stranger.key'), `${base}/`]);
    assert.equal(result.status, 401);
  });

  test('a cluster certificate not meant for clients (serverAuth only) → 401', async () => {
    const result = await curl(['--cacert', file('ca.crt'), '--cert', file('serving.crt'), '--key', file('serving.key'), `${base}/`]);
    assert.equal(result.status, 401);
  });
});

describe('authenticate: bearer header parsing', () => {
  const pki = { adminToken: 'A'.repeat(43), caPem: '' };
  const request = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization }, socket: {} });

  test('accepts the scheme in any case and surrounding spaces', () => {
    for (const header of [`Bearer ${pki.adminToken}`, `bearer ${pki.adminToken}`, `  BEARER   ${pki.adminToken}  `]) {
      assert.equal(authenticate(request(header), pki)?.user, 'skiff-admin', header);
    }
  });

  test('rejects anything else', () => {
    for (const header of [undefined, '', 'Bearer', `Bearer ${pki.adminToken} extra`, `Token ${pki.adminToken}`, pki.adminToken]) {
      assert.equal(authenticate(request(header), pki), undefined, String(header));
    }
  });
});
