/**
 * Upstream failures and the replies, flags and retries Envoy gives them: connection refused
 * (UF), reset before the response (UC), reset mid-body, a kept-alive connection found dead
 * (one free retry), 5xx retries (URX), timeouts (UT), garbage (UPE), overflow (UO), and a
 * client that leaves early (DC).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { curl, listen, rawExchange, startProxy, startUpstream, statuses } from './test-support.ts';
import { UpstreamPool } from './upstream-pool.ts';
import type { RouteDecision } from './types.ts';

/** A raw TCP upstream whose behaviour per request (per connection and index on it) the test scripts. */
async function scriptedUpstream(onRequest: (socket: Socket, indexOnConnection: number, connection: number) => void): Promise<{ server: Server; port: number; connections: number; requests: number }> {
  const state = { server: createServer(), port: 0, connections: 0, requests: 0 };
  state.server.on('connection', (socket) => {
    const connection = state.connections++;
    let index = 0;
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      let end;
      while ((end = buf.indexOf('\r\n\r\n')) >= 0) {
        buf = buf.slice(end + 4);
        state.requests++;
        onRequest(socket, index++, connection);
      }
    });
    socket.on('error', () => undefined);
  });
  state.port = await listen(state.server);
  return state;
}

async function closedPort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const OK = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok';

describe('HTTP/1.1 engine upstream failures', () => {
  const servers: Server[] = [];
  let decide: () => RouteDecision;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  const url = (p = '/') => `http://127.0.0.1:${proxy.port}${p}`;

  before(async () => {
    proxy = await startProxy(() => decide());
  });
  after(async () => {
    await proxy.close();
    for (const s of servers) s.close();
  });

  it('answers a refused connection with 503 UF, and URX after retries', async () => {
    const port = await closedPort();
    decide = () => ({ kind: 'forward', upstream: { host: '127.0.0.1', port } });
    const r = await curl([url()]);
    assert.equal(r.status, 503);
    assert.equal(r.body, 'upstream connect error or disconnect/reset before headers. reset reason: connection failure');
    assert.deepEqual(proxy.records.at(-1)!.responseFlags, ['UF']);
    decide = () => ({ kind: 'forward', upstream: { host: '127.0.0.1', port }, retry: { attempts: 2, retryOn: ['connect-failure'] } });
    const retried = await curl([url()]);
    assert.equal(retried.body, 'upstream connect error or disconnect/reset before headers. retried and the latest reset reason: connection failure');
    assert.deepEqual(proxy.records.at(-1)!.responseFlags.sort(), ['UF', 'URX']);
  });

  it('retries a connect failure on the next endpoint the picker gives', async () => {
    const dead = await closedPort();
    const live = await scriptedUpstream((s) => s.write(OK));
    servers.push(live.server);
    decide = () => ({ kind: 'forward', upstream: (attempt) => ({ host: '127.0.0.1', port: attempt === 0 ? dead : live.port }), retry: { attempts: 1, retryOn: ['connect-failure'] } });
    const r = await curl([url()]);
    assert.equal(r.status, 200);
    assert.equal(proxy.records.at(-1)!.upstreamHost, `127.0.0.1:${live.port}`);
  });

  it('answers an upstream that closes before responding with 503 UC', async () => {
    const up = await scriptedUpstream((s) => s.destroy());
    servers.push(up.server);
    decide = () => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: up.port } });
    const r = await curl([url()]);
    assert.equal(r.status, 503);
    assert.equal(r.body, 'upstream connect error or disconnect/reset before headers. reset reason: connection termination');
    assert.deepEqual(proxy.records.at(-1)!.responseFlags, ['UC']);
  });

  it('closes the client connection when the upstream dies mid-body', async () => {
    const up = await scriptedUpstream((s) => {
      s.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789');
      setImmediate(() => s.destroy());
    });
    servers.push(up.server);
    decide = () => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: up.port } });
    const r = await rawExchange(proxy.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.ok(r.closed);
    assert.ok(r.text.endsWith('0123456789'));
    const rec = (await proxy.recordsAtLeast(proxy.records.length)).at(-1)!;
    assert.equal(rec.responseCode, 200);
    assert.deepEqual(rec.responseFlags, ['UC']);
    assert.equal(rec.bytesSent, 10);
  });

  it('resends once on a fresh connection when a kept-alive one turns out dead', async () => {
    // The second request on each connection is met with a close, as when the server's keep-alive timer fires.
    const up = await scriptedUpstream((s, index) => (index === 0 ? s.write(OK) : s.destroy()));
    servers.push(up.server);
    decide = () => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: up.port } });
    assert.equal((await curl([url('/first')])).status, 200);
    const before = proxy.records.length;
    const r = await curl([url('/second')]);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'ok');
    assert.equal(up.connections, 2);
    assert.equal(proxy.records.length, before + 1);
    assert.deepEqual(proxy.records.at(-1)!.responseFlags, []);
  });

  it('retries 5xx responses and flags URX when retries run out', async () => {
    let n = 0;
    const up = await startUpstream((_req, res) => {
      res.statusCode = n++ % 3 === 2 ? 200 : 503;
      res.end(String(res.statusCode));
    });
    servers.push(up.server);
    decide = () => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: up.port }, retry: { attempts: 2, retryOn: ['5xx'] } });
    const r = await curl([url(), '-d', 'body-replayed']);
    assert.equal(r.status, 200);
    assert.deepEqual(proxy.records.at(-1)!.responseFlags, []);
    decide = () => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: up.port }, retry: { attempts: 1, retryOn: ['gateway-error'] } });
    const exhausted = await curl([url()]);
    assert.equal(exhausted.status, 503);
    assert.equal(exhausted.body, '503');
    assert.deepEqual(proxy.records.at(-1)!.responseFlags, ['URX']);
    assert.equal(proxy.records.at(-1)!.responseCodeDetails, 'via_upstream');
  });

  it('answers a silent upstream with 504 UT, and retries a per-try timeout', async () => {
    const up = await scriptedUpstream((s, _i, connection) => {
      if (connection > 0) s.write(OK); // the first connection never answers
    });
    servers.push(up.server);
    decide = () => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: up.port }, timeoutMs: 150 });
    const r = await curl([url()]);
    assert.equal(r.status, 504);
    assert.equal(r.body, 'upstream request timeout');
    assert.deepEqual(proxy.records.at(-1)!.responseFlags, ['UT']);
    decide = () => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: up.port }, retry: { attempts: 2, perTryTimeoutMs: 500, retryOn: ['5xx'] } });
    const retried = await curl([url()]);
    assert.equal(retried.status, 200);
  });

  it('answers a garbage response with 502 UPE', async () => {
    const up = await scriptedUpstream((s) => s.write('SSH-2.0-OpenSSH\r\n\r\n'));
    servers.push(up.server);
    decide = () => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: up.port } });
    const r = await curl([url()]);
    assert.equal(r.status, 502);
    assert.equal(r.body, 'upstream connect error or disconnect/reset before headers. reset reason: protocol error');
    assert.deepEqual(proxy.records.at(-1)!.responseFlags, ['UPE']);
  });

  it('answers an unrequested 101 with 502 UPE', async () => {
    const up = await scriptedUpstream((s) => s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n'));
    servers.push(up.server);
    decide = () => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: up.port } });
    const r = await curl([url()]);
    assert.equal(r.status, 502);
    assert.deepEqual(proxy.records.at(-1)!.responseFlags, ['UPE']);
  });

  it('forwards a close-delimited response and closes the client connection after it', async () => {
    const up = await scriptedUpstream((s) => s.end('HTTP/1.1 200 OK\r\n\r\nuntil-close'));
    servers.push(up.server);
    decide = () => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: up.port } });
    const r = await rawExchange(proxy.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.deepEqual(statuses(r.text), [200]);
    assert.match(r.text, /connection: close\r\n/);
    assert.ok(r.text.endsWith('until-close'));
    assert.ok(r.closed);
  });

  it('answers 503 UO beyond the pending-request limit', async () => {
    const up = await scriptedUpstream(() => undefined);
    servers.push(up.server);
    const small = await startProxy(() => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: up.port }, timeoutMs: 2000 }), {
      pool: new UpstreamPool({ maxConnectionsPerEndpoint: 1, maxPendingPerEndpoint: 0 }),
    });
    try {
      const first = curl([`http://127.0.0.1:${small.port}/`]);
      while (up.requests === 0) await new Promise((r) => setTimeout(r, 10));
      const second = await curl([`http://127.0.0.1:${small.port}/`]);
      assert.equal(second.status, 503);
      assert.equal(second.body, 'upstream connect error or disconnect/reset before headers. reset reason: overflow');
      assert.equal((await first).status, 504);
    } finally {
      await small.close();
    }
  });

  it('records DC with no response code when the client leaves first', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((r) => (upstreamClosed = r));
    const up = await scriptedUpstream((s) => s.on('close', upstreamClosed));
    servers.push(up.server);
    decide = () => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: up.port } });
    const before = proxy.records.length;
    await rawExchange(proxy.port, 'GET /leaving HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 200 });
    const rec = (await proxy.recordsAtLeast(before + 1)).at(-1)!;
    assert.equal(rec.path, '/leaving');
    assert.equal(rec.responseCode, 0);
    assert.deepEqual(rec.responseFlags, ['DC']);
    await closed; // the upstream request was abandoned too
  });
});
