/**
 * kube-rbac-proxy end to end on real sockets: a real HTTPS API server answering
 * TokenReviews and SubjectAccessReviews, a real upstream, real certificates. Built-in
 * images may not import skiff (lint), so the certificates are self-signed ones, each its
 * own trust anchor, from the knative-component image's helper.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, rename } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer, request } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, test } from 'node:test';
import { X509Certificate } from 'node:crypto';
import { selfSignedCertificate } from '../knative-component/self-signed.ts';
import type { ProgramIO, RunningProgram } from '../program.ts';
import { kubeRbacProxy } from './program.ts';

interface CertificateAndKey { certPem: string; keyPem: string }
/** The serving certificate clients currently trust (self-signed: its own CA). */
let servingCa: CertificateAndKey;
let dir: string;
let api: Server;
let upstream: Server;
const calls = { tokenreviews: 0, subjectaccessreviews: 0, apiAuth: new Set<string>() };

const readJson = (req: IncomingMessage) => new Promise<Record<string, unknown>>((resolve) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>));
});

const USERS: Record<string, { username: string; groups: string[] }> = { good: { username: 'alice', groups: ['devs'] }, denied: { username: 'bob', groups: [] } };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kube-rbac-proxy-'));
  const apiCert = selfSignedCertificate('kubernetes.default.svc');
  await writeFile(join(dir, 'token'), 'pod-token\n');
  await writeFile(join(dir, 'ca.crt'), apiCert.certPem);
  await writeServing();
  api = createHttpsServer({ cert: apiCert.certPem, key: apiCert.keyPem }, (req, res) => {
    calls.apiAuth.add(req.headers.authorization ?? '');
    void readJson(req).then((body) => {
      const spec = body.spec as Record<string, unknown>;
      let status: object;
      if (req.url === '/apis/authentication.k8s.io/v1/tokenreviews') {
        calls.tokenreviews++;
        const user = USERS[spec.token as string];
        status = user ? { authenticated: true, user } : { authenticated: false };
      } else {
        calls.subjectaccessreviews++;
        const attrs = spec.nonResourceAttributes as { path: string; verb: string };
        status = { allowed: spec.user === 'alice' && attrs.path.startsWith('/metrics') && attrs.verb === 'get', reason: 'test' };
      }
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ...body, status }));
    });
  });
  upstream = createHttpServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'X-Upstream': 'yes' });
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
  });
  await Promise.all([api, upstream].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
});

after(async () => {
  api.close();
  upstream.close();
  await rm(dir, { recursive: true, force: true });
});

/** A new serving pair on disk; returns its fingerprint. */
async function writeServing(): Promise<string> {
  const cert = selfSignedCertificate('metrics.test');
  servingCa = cert;
  // Written as the kubelet writes Secret volumes: each file replaced whole.
  await writeFile(join(dir, 'tls.key.tmp'), cert.keyPem);
  await writeFile(join(dir, 'tls.crt.tmp'), cert.certPem);
  await rename(join(dir, 'tls.key.tmp'), join(dir, 'tls.key'));
  await rename(join(dir, 'tls.crt.tmp'), join(dir, 'tls.crt'));
  return new X509Certificate(cert.certPem).fingerprint256;
}

const freePort = () => new Promise<number>((resolve) => {
  const s = createNetServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as AddressInfo;
    s.close(() => resolve(port));
  });
});

interface Started {
  port: number;
  stderr: string[];
  exit: Promise<number>;
  running: RunningProgram;
}

async function startProxy(extraArgs: string[], upstreamUrl = `http://localhost:${(upstream.address() as AddressInfo).port}/`): Promise<Started> {
  const port = await freePort();
  const stderr: string[] = [];
  let listening!: () => void;
  const ready = new Promise<void>((r) => { listening = r; });
  let exited!: (code: number) => void;
  const exit = new Promise<number>((r) => { exited = r; });
  const io: ProgramIO = {
    env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String((api.address() as AddressInfo).port), SKIFF_SERVICE_ACCOUNT_DIR: dir, SKIFF_LISTEN_ADDRESS: '127.0.0.1', SKIFF_APP_ADDRESS: '127.0.0.1' },
    args: [`--secure-listen-address=0.0.0.0:${port}`, `--upstream=${upstreamUrl}`, `--tls-cert-file=${join(dir, 'tls.crt')}`, `--tls-private-key-file=${join(dir, 'tls.key')}`, '--logtostderr=true', ...extraArgs],
    stdout: { write: () => undefined },
    stderr: {
      write: (t) => {
        stderr.push(t);
        if (t.includes('Listening securely')) listening();
      },
    },
    onSignal: () => undefined,
    exit: (code) => exited(code),
  };
  const running = kubeRbacProxy(io);
  await Promise.race([ready, exit]);
  return { port, stderr, exit, running };
}

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string; servedBy: string }

/** A GET over HTTPS trusting the current serving certificate (or, `verify` false, whatever is served). */
function get(port: number, path: string, headers: Record<string, string> = {}, client?: CertificateAndKey, verify = true): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, ca: servingCa.certPem, rejectUnauthorized: verify, servername: 'metrics.test', agent: false, ...(client ? { cert: client.certPem, key: client.keyPem } : {}) }, (res) => {
      const servedBy = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString(), servedBy }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('an authenticated, authorized caller reaches the upstream; its token does not', async () => {
  const p = await startProxy([]);
  try {
    const answer = await get(p.port, '/metrics?name=x', { Authorization: 'Bearer good', Host: 'activator-sm-service.knative-serving.svc:8444' });
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['x-upstream'], 'yes');
    const seen = JSON.parse(answer.body) as { method: string; url: string; headers: Record<string, string> };
    assert.equal(seen.url, '/metrics?name=x');
    assert.equal(seen.headers.authorization, undefined);
    assert.equal(seen.headers.host, 'activator-sm-service.knative-serving.svc:8444');
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.deepEqual([...calls.apiAuth], ['Bearer pod-token'], 'the proxy asks with its pod\'s token');
    const before = { ...calls };
    assert.equal((await get(p.port, '/metrics', { Authorization: 'Bearer good' })).status, 200);
    assert.equal(calls.tokenreviews, before.tokenreviews, 'the token review is cached');
    assert.equal(calls.subjectaccessreviews, before.subjectaccessreviews, 'the decision is cached');
  } finally {
    p.running.close();
  }
});

test('401 without a token or with a bad one, 403 for a user the review denies', async () => {
  const p = await startProxy([]);
  try {
    for (const headers of [{}, { Authorization: 'Bearer wrong' }, { Authorization: 'Basic Z29vZA==' }] as Array<Record<string, string>>) {
      const answer = await get(p.port, '/metrics', headers);
      assert.equal(answer.status, 401);
      assert.equal(answer.body, 'Unauthorized\n');
      assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(answer.headers['x-content-type-options'], 'nosniff');
    }
    const denied = await get(p.port, '/metrics', { Authorization: 'Bearer denied' });
    assert.equal(denied.status, 403);
    assert.equal(denied.body, 'Forbidden (user=bob, verb=get, resource=, subresource=)\n');
    const otherPath = await get(p.port, '/debug', { Authorization: 'Bearer good' });
    assert.equal(otherPath.status, 403);
  } finally {
    p.running.close();
  }
});

test('--allow-paths answers 404 elsewhere; --ignore-paths skips authentication', async () => {
  const allow = await startProxy(['--allow-paths=/metrics']);
  try {
    assert.equal((await get(allow.port, '/other', { Authorization: 'Bearer good' })).body, '404 page not found\n');
    assert.equal((await get(allow.port, '/metrics', { Authorization: 'Bearer good' })).status, 200);
  } finally {
    allow.running.close();
  }
  const ignore = await startProxy(['--ignore-paths=/healthz,/ready*']);
  try {
    assert.equal((await get(ignore.port, '/healthz')).status, 200);
    assert.equal((await get(ignore.port, '/readyz')).status, 200);
    assert.equal((await get(ignore.port, '/metrics')).status, 401);
  } finally {
    ignore.running.close();
  }
});

test('an unreachable upstream is a 502 with an empty body', async () => {
  const p = await startProxy([], `http://127.0.0.1:${await freePort()}`);
  try {
    const answer = await get(p.port, '/metrics', { Authorization: 'Bearer good' });
    assert.equal(answer.status, 502);
    assert.equal(answer.body, '');
    assert.ok(p.stderr.some((l) => l.includes('http: proxy error:')));
  } finally {
    p.running.close();
  }
});

test('a client certificate from --client-ca-file authenticates; auth headers name the user', async () => {
  const client = selfSignedCertificate('alice');
  await writeFile(join(dir, 'client-ca.crt'), client.certPem);
  const p = await startProxy([`--client-ca-file=${join(dir, 'client-ca.crt')}`, '--auth-header-fields-enabled']);
  try {
    const answer = await get(p.port, '/metrics', {}, client);
    assert.equal(answer.status, 200);
    const seen = JSON.parse(answer.body) as { headers: Record<string, string> };
    assert.equal(seen.headers['x-remote-user'], 'alice');
    assert.equal(seen.headers['x-remote-groups'], '', 'a certificate without O= has no groups');
    assert.equal((await get(p.port, '/metrics')).status, 401);
  } finally {
    p.running.close();
  }
});

test('a rotated serving certificate is served to new connections', async () => {
  const p = await startProxy(['--tls-reload-interval=20ms']);
  try {
    const first = new X509Certificate(servingCa.certPem).fingerprint256;
    assert.equal((await get(p.port, '/metrics', { Authorization: 'Bearer good' })).servedBy, first);
    const second = await writeServing();
    for (let i = 0; ; i++) {
      // Both certificates name metrics.test, so the client cannot trust both: it looks.
      const answer = await get(p.port, '/metrics', { Authorization: 'Bearer good' }, undefined, false);
      if (answer.servedBy === second) break;
      assert.ok(i < 500, 'the new certificate is never served');
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    p.running.close();
  }
});

test('a port another program holds ends the program with Go\'s bind error', async () => {
  const holder = createNetServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const port = (holder.address() as AddressInfo).port;
  const out: string[] = [];
  try {
    const code = await new Promise<number>((r) => kubeRbacProxy({
      env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '443', SKIFF_SERVICE_ACCOUNT_DIR: dir, SKIFF_LISTEN_ADDRESS: '127.0.0.1' },
      args: [`--secure-listen-address=0.0.0.0:${port}`, '--upstream=http://127.0.0.1:9090/'], stdout: { write: () => undefined },
      stderr: { write: (t) => void out.push(t) }, onSignal: () => undefined, exit: r,
    }));
    assert.equal(code, 1);
    assert.equal(out.at(-1), `Error: failed to run groups: failed to listen on secure address: listen tcp 0.0.0.0:${port}: bind: address already in use\n`);
    assert.ok(out.some((l) => l.includes('Generating self signed cert as no cert is provided')));
  } finally {
    holder.close();
  }
});

test('bad flags and a missing service account end the program as upstream does', async () => {
  const bad = await startProxy(['--nope']);
  assert.equal(await bad.exit, 1);
  assert.deepEqual(bad.stderr, ['Error: unknown flag: --nope\n']);
  const io = (env: Record<string, string>, out: string[], done: (c: number) => void): ProgramIO => ({
    env, args: ['--secure-listen-address=:8444', '--upstream=http://127.0.0.1:9090/'], stdout: { write: () => undefined },
    stderr: { write: (t) => void out.push(t) }, onSignal: () => undefined, exit: done,
  });
  const out: string[] = [];
  const code = await new Promise<number>((r) => kubeRbacProxy(io({ KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '443', SKIFF_SERVICE_ACCOUNT_DIR: join(dir, 'absent') }, out, r)));
  assert.equal(code, 1);
  assert.equal(out.at(-1), `Error: failed to load kubeconfig: cannot find Service Account in pod to build in-cluster rest config: open ${join(dir, 'absent', 'token')}: no such file or directory\n`);
});
