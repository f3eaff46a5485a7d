/**
 * The engine against real curl: keep-alive reuse on both sides, chunked upload with
 * 100-continue, large bodies both ways, HEAD, the headers Envoy adds and the handler's
 * edits, local replies, TLS termination and mTLS origination.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { curl, listen, startProxy, startUpstream, type TestProxy } from './test-support.ts';
import type { IncomingMessage } from 'node:http';
import { ENVOY_REPLIES, envoyReplyDecision } from './local-reply.ts';

describe('HTTP/1.1 engine with curl', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let proxy: TestProxy;
  let dir: string;
  const seen: IncomingMessage[] = [];
  const bodies: Buffer[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'h1-curl-'));
    upstream = await startUpstream((req, res) => {
      seen.push(req);
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        const body = Buffer.concat(parts);
        bodies.push(body);
        if (req.url === '/big') {
          res.setHeader('content-length', String(10 * 1024 * 1024));
          res.end(Buffer.alloc(10 * 1024 * 1024, 'b'));
          return;
        }
        if (req.url === '/stream') {
          res.write('part1,');
          setImmediate(() => res.end('part2'));
          return;
        }
        res.setHeader('server', 'node');
        res.setHeader('x-upstream', 'yes');
        res.end(`${req.method} ${req.url} ${createHash('sha256').update(body).digest('hex')}`);
      });
    });
    proxy = await startProxy(
      (head) => {
        if (head.path === '/down') return { kind: 'forward', upstream: () => undefined };
        if (head.path === '/nowhere') return envoyReplyDecision(ENVOY_REPLIES.noRoute);
        if (head.path === '/delayed') return { kind: 'forward', upstream: { host: '127.0.0.1', port: upstream.port }, flags: ['DI'] };
        if (head.path === '/direct') return { kind: 'reply', status: 200, body: 'hi', headers: ['x-direct', '1'] };
        if (head.path.startsWith('/rewrite')) {
          return {
            kind: 'forward',
            upstream: { host: '127.0.0.1', port: upstream.port },
            path: '/rewritten',
            authority: 'backend.local',
            setRequestHeaders: [['x-added', 'a']],
            removeRequestHeaders: ['x-secret'],
            setResponseHeaders: [['x-resp', 'r']],
            removeResponseHeaders: ['x-upstream'],
            record: { routeName: 'r1', upstreamCluster: 'outbound|80||backend.local' },
          };
        }
        return { kind: 'forward', upstream: { host: '127.0.0.1', port: upstream.port } };
      },
      { useRemoteAddress: true },
    );
  });

  after(async () => {
    await proxy.close();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const url = (p: string) => `http://127.0.0.1:${proxy.port}${p}`;

  it('keeps both connections alive across requests', async () => {
    const before = proxy.records.length;
    const r = await curl([url('/one'), url('/two'), url('/three')]);
    assert.equal(r.status, 200);
    assert.match(r.body, /GET \/three/);
    const recs = (await proxy.recordsAtLeast(before + 3)).slice(before);
    assert.equal(new Set(recs.map((x) => x.downstreamRemoteAddress)).size, 1, 'one client connection');
    assert.equal(new Set(recs.map((x) => x.upstreamLocalAddress)).size, 1, 'one pooled upstream connection');
    assert.deepEqual(recs.map((x) => x.path), ['/one', '/two', '/three']);
  });

  it('adds Envoy headers on both sides', async () => {
    const r = await curl([url('/h'), '-H', 'x-forwarded-for: 10.0.0.1']);
    assert.equal(r.headers['server'], 'istio-envoy');
    assert.match(r.headers['x-envoy-upstream-service-time'] ?? '', /^\d+$/);
    assert.equal(r.headers['x-upstream'], 'yes');
    const req = seen.at(-1)!;
    assert.match(String(req.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    assert.equal(req.headers['x-forwarded-proto'], 'http');
    assert.equal(req.headers['x-forwarded-for'], '10.0.0.1,127.0.0.1');
    const rec = proxy.records.at(-1)!;
    assert.equal(rec.requestId, req.headers['x-request-id']);
    assert.equal(rec.forwardedFor, '10.0.0.1,127.0.0.1');
  });

  it('keeps a client x-request-id', async () => {
    await curl([url('/rid'), '-H', 'x-request-id: my-id']);
    assert.equal(seen.at(-1)!.headers['x-request-id'], 'my-id');
  });

  it('applies the handler rewrites and header edits', async () => {
    const r = await curl([url('/rewrite/x'), '-H', 'x-secret: s', '-H', 'x-added: old']);
    assert.equal(r.status, 200);
    assert.match(r.body, /^GET \/rewritten /);
    const req = seen.at(-1)!;
    assert.equal(req.headers.host, 'backend.local');
    assert.equal(req.headers['x-envoy-original-path'], '/rewrite/x');
    assert.equal(req.headers['x-added'], 'a');
    assert.equal(req.headers['x-secret'], undefined);
    assert.equal(r.headers['x-resp'], 'r');
    assert.equal(r.headers['x-upstream'], undefined);
    const rec = proxy.records.at(-1)!;
    assert.equal(rec.path, '/rewrite/x');
    assert.equal(rec.routeName, 'r1');
    assert.equal(rec.upstreamCluster, 'outbound|80||backend.local');
  });

  it('streams a chunked upload with Expect: 100-continue', async () => {
    const file = join(dir, 'upload.bin');
    const data = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    writeFileSync(file, data);
    const r = await curl([url('/upload'), '-T', file, '-H', 'transfer-encoding: chunked', '-H', 'expect: 100-continue']);
    assert.equal(r.status, 200);
    assert.equal(r.body, `PUT /upload ${createHash('sha256').update(data).digest('hex')}`);
    const rec = proxy.records.at(-1)!;
    assert.equal(rec.bytesReceived, data.length);
  });

  it('streams a Content-Length upload', async () => {
    const file = join(dir, 'cl.bin');
    const data = Buffer.alloc(2 * 1024 * 1024, 'z');
    writeFileSync(file, data);
    const r = await curl([url('/cl'), '--data-binary', `@${file}`]);
    assert.equal(r.body, `POST /cl ${createHash('sha256').update(data).digest('hex')}`);
    assert.equal(proxy.records.at(-1)!.bytesReceived, data.length);
  });

  it('streams a large download and counts it', async () => {
    const out = join(dir, 'big.out');
    const code = await new Promise<string>((resolve, reject) =>
      execFile('curl', ['-sS', '--max-time', '20', '-o', out, '-w', '%{http_code}', url('/big')], (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    assert.equal(code, '200');
    assert.equal(readFileSync(out).length, 10 * 1024 * 1024);
    assert.equal(proxy.records.at(-1)!.bytesSent, 10 * 1024 * 1024);
  });

  it('passes a chunked response through', async () => {
    const r = await curl([url('/stream')]);
    assert.equal(r.headers['transfer-encoding'], 'chunked');
    assert.equal(r.body, 'part1,part2');
    assert.equal(proxy.records.at(-1)!.bytesSent, 11);
  });

  it('answers HEAD without a body and keeps the connection usable', async () => {
    const r = await curl(['-I', url('/head'), '--next', '-sS', '-i', url('/after-head')]);
    assert.equal(r.status, 200);
    assert.match(r.body, /GET \/after-head [0-9a-f]{64}$/);
    const recs = proxy.records.slice(-2);
    assert.equal(recs[0]!.method, 'HEAD');
    assert.equal(recs[0]!.bytesSent, 0);
  });

  it('writes local replies as Envoy does', async () => {
    const r = await curl([url('/down')]);
    assert.equal(r.status, 503);
    assert.equal(r.body, 'no healthy upstream');
    assert.equal(r.headers['content-type'], 'text/plain');
    assert.equal(r.headers['server'], 'istio-envoy');
    assert.ok(r.headers['date']);
    assert.deepEqual(proxy.records.at(-1)!.responseFlags, ['UH']);
    const nr = await curl([url('/nowhere')]);
    assert.equal(nr.status, 404);
    assert.equal(nr.body, '');
    assert.equal(nr.headers['content-length'], '0');
    assert.deepEqual(proxy.records.at(-1)!.responseFlags, ['NR']);
    assert.equal(proxy.records.at(-1)!.responseCodeDetails, 'route_not_found');
    assert.equal((await curl([url('/delayed')])).status, 200);
    assert.deepEqual(proxy.records.at(-1)!.responseFlags, ['DI']);
    const d = await curl([url('/direct')]);
    assert.equal(d.body, 'hi');
    assert.equal(d.headers['x-direct'], '1');
    assert.equal(proxy.records.at(-1)!.responseCodeDetails, 'direct_response');
  });

  it('terminates TLS for curl and originates mTLS upstream with SNI', async () => {
    const pem = (name: string) => readFileSync(join(dir, name));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca');
    const issue = (name: string, cn: string) => {
      ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
      writeFileSync(join(dir, `${name}.ext`), `subjectAltName=DNS:${cn}\n`);
      ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
    };
    issue('gw', 'gw.example.com');
    issue('backend', 'backend.mesh');
    issue('client', 'client.mesh');
    ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'sleep.key', '-out', 'sleep.csr', '-subj', '/O=cluster.local');
    writeFileSync(join(dir, 'sleep.ext'), 'subjectAltName=URI:spiffe://cluster.local/ns/default/sa/sleep\n');
    ssl('x509', '-req', '-in', 'sleep.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'sleep.crt', '-days', '1', '-extfile', 'sleep.ext');
    const secureUpstream = createHttpsServer({ key: pem('backend.key'), cert: pem('backend.crt'), ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      res.end(`mtls ${peer.subject.CN} ${(req.socket as TLSSocket).servername}`);
    });
    const upPort = await listen(secureUpstream);
    const tlsProxy = await startProxy(() => ({
      kind: 'forward',
      upstream: { host: '127.0.0.1', port: upPort, tls: { servername: 'backend.mesh', ca: pem('ca.crt'), cert: pem('client.crt'), key: pem('client.key'), ALPNProtocols: ['http/1.1'] }, tlsKey: 'client-1' },
    }), { tls: { key: pem('gw.key'), cert: pem('gw.crt'), ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: false } });
    try {
      const r = await curl(['--cacert', join(dir, 'ca.crt'), '--resolve', `gw.example.com:${tlsProxy.port}:127.0.0.1`, `https://gw.example.com:${tlsProxy.port}/x`]);
      assert.equal(r.status, 200);
      assert.equal(r.body, 'mtls client.mesh backend.mesh');
      const plain = tlsProxy.records.at(-1)!;
      assert.equal(plain.requestedServerName, 'gw.example.com');
      assert.equal(plain.connectionSecurityPolicy, 'unknown');
      const withId = await curl(['--cacert', join(dir, 'ca.crt'), '--cert', join(dir, 'sleep.crt'), '--key', join(dir, 'sleep.key'), '--resolve', `gw.example.com:${tlsProxy.port}:127.0.0.1`, `https://gw.example.com:${tlsProxy.port}/x`]);
      assert.equal(withId.status, 200);
      const rec = tlsProxy.records.at(-1)!;
      assert.equal(rec.connectionSecurityPolicy, 'mutual_tls');
      assert.deepEqual(rec.source, { principal: 'spiffe://cluster.local/ns/default/sa/sleep', namespace: 'default' });
    } finally {
      await tlsProxy.close();
      secureUpstream.closeAllConnections();
      secureUpstream.close();
    }
  });
});
