import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { listen } from './test-support.ts';
import { UpstreamConnectError, UpstreamPool, endpointKey } from './upstream-pool.ts';

describe('UpstreamPool', () => {
  const accepted: Socket[] = [];
  const server = createServer((s) => {
    accepted.push(s);
    s.on('error', () => undefined);
  });
  after(() => {
    for (const s of accepted) s.destroy();
    server.close();
  });

  it('reuses a released connection and marks it reused', async () => {
    const port = await listen(server);
    const pool = new UpstreamPool();
    const e = { host: '127.0.0.1', port };
    const a = await pool.acquire(e);
    assert.equal(a.reused, false);
    a.release(true);
    const b = await pool.acquire(e);
    assert.equal(b, a);
    assert.equal(b.reused, true);
    b.release(false);
    assert.ok(b.socket.destroyed);
  });

  it('resumes a connection released while paused for backpressure, so its next user reads its response', async () => {
    const port = (server.address() as { port: number }).port;
    const pool = new UpstreamPool({ maxConnectionsPerEndpoint: 1 });
    const e = { host: '127.0.0.1', port };
    const a = await pool.acquire(e);
    a.socket.pause(); // the exchange's client stopped reading (or vanished) and will never drain
    a.release(true);
    const b = await pool.acquire(e);
    assert.equal(b, a);
    assert.equal(b.socket.isPaused(), false);
    b.release(false);
  });

  it('queues beyond the connection limit and overflows beyond the pending limit', async () => {
    const port = (server.address() as { port: number }).port;
    const pool = new UpstreamPool({ maxConnectionsPerEndpoint: 1, maxPendingPerEndpoint: 1 });
    const e = { host: '127.0.0.1', port };
    const first = await pool.acquire(e);
    const waiting = pool.acquire(e);
    await assert.rejects(pool.acquire(e), (err: unknown) => err instanceof UpstreamConnectError && err.kind === 'overflow');
    first.release(true);
    assert.equal(await waiting, first);
    first.release(false);
  });

  it('closes idle connections after the idle timeout', async () => {
    const port = (server.address() as { port: number }).port;
    const pool = new UpstreamPool({ idleTimeoutMs: 50 });
    const e = { host: '127.0.0.1', port };
    const c = await pool.acquire(e);
    c.release(true);
    await new Promise((r) => c.socket.once('close', r));
    assert.equal(pool.connectionCounts().get(endpointKey(e))!.open, 0);
  });

  it('drops an idle connection the upstream closed', async () => {
    const port = (server.address() as { port: number }).port;
    const pool = new UpstreamPool();
    const e = { host: '127.0.0.1', port };
    const c = await pool.acquire(e);
    c.release(true);
    accepted.at(-1)!.destroy();
    await new Promise((r) => c.socket.once('close', r));
    const fresh = await pool.acquire(e);
    assert.notEqual(fresh, c);
    fresh.release(false);
  });

  it('fails a refused connection with a connect error, and keys TLS identities apart', async () => {
    const s = createServer();
    const port = await listen(s);
    await new Promise<void>((r) => s.close(() => r()));
    await assert.rejects(new UpstreamPool().acquire({ host: '127.0.0.1', port }), (err: unknown) => err instanceof UpstreamConnectError && err.kind === 'connect');
    assert.notEqual(endpointKey({ host: 'h', port: 1, tls: {}, tlsKey: 'a' }), endpointKey({ host: 'h', port: 1, tls: {}, tlsKey: 'b' }));
    assert.notEqual(endpointKey({ host: 'h', port: 1 }), endpointKey({ host: 'h', port: 1, tls: {} }));
  });

  it('closes a connection after maxRequestsPerConnection', async () => {
    const port = (server.address() as { port: number }).port;
    const pool = new UpstreamPool({ maxRequestsPerConnection: 2 });
    const e = { host: '127.0.0.1', port };
    const c = await pool.acquire(e);
    c.release(true);
    assert.equal(await pool.acquire(e), c);
    c.release(true);
    assert.ok(c.socket.destroyed, 'the second request was its last');
  });

  it('resumes the TLS session on a new connection to the same endpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h1-pool-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '1', '-subj', '/CN=up.test', '-addext', 'subjectAltName=DNS:up.test'], { cwd: dir, stdio: 'pipe' });
      const cert = readFileSync(join(dir, 'c.pem'));
      const tlsServer = createTlsServer({ key: readFileSync(join(dir, 'k.pem')), cert, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }, (s) => s.on('error', () => undefined));
      const port = await listen(tlsServer);
      const pool = new UpstreamPool();
      const e = { host: '127.0.0.1', port, tls: { servername: 'up.test', ca: cert, maxVersion: 'TLSv1.2' as const }, tlsKey: 'k' };
      const first = await pool.acquire(e);
      assert.equal((first.socket as TLSSocket).isSessionReused(), false);
      first.release(false);
      const second = await pool.acquire(e);
      assert.equal((second.socket as TLSSocket).isSessionReused(), true);
      second.release(false);
      tlsServer.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
