/**
 * Connection lifetime and the engine's own robustness: idle timeout of kept-alive client
 * connections, async handlers, and bugs in the handler, endpoint picker or telemetry costing
 * one request, never the process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { curl, rawExchange, startProxy, startUpstream, statuses, type TestProxy } from './test-support.ts';
import type { RouteDecision } from './types.ts';

describe('HTTP/1.1 engine lifecycle and robustness', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let proxy: TestProxy;
  let recordCalls = 0;

  before(async () => {
    upstream = await startUpstream((req, res) => {
      req.resume();
      if (req.url === '/hang') return; // never answers
      if (req.url === '/stall') {
        res.writeHead(200, { 'content-length': '10' });
        res.write('abc'); // then nothing more
        return;
      }
      req.on('end', () => res.end(`up ${req.url}`));
    });
    const target = { host: '127.0.0.1', port: upstream.port };
    proxy = await startProxy(
      async (head): Promise<RouteDecision> => {
        if (head.path === '/throw') throw new Error('handler bug');
        if (head.path === '/bad-picker') return { kind: 'forward', upstream: () => { throw new Error('picker bug'); } };
        await new Promise((r) => setImmediate(r)); // an async decision, as with a config lookup
        return { kind: 'forward', upstream: target };
      },
      { idleTimeoutMs: 150, streamIdleTimeoutMs: 150 },
    );
  });
  after(async () => {
    await proxy.close();
    await upstream.close();
  });

  it('closes a kept-alive connection that stays idle', async () => {
    const s = connect({ host: '127.0.0.1', port: proxy.port });
    s.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => s.once('data', r));
    await new Promise((r) => s.on('close', r));
    assert.ok(s.destroyed);
  });

  it('answers a body that stops arriving with 408 stream timeout (SI)', async () => {
    assertStreamTimeoutReply(await rawExchange(proxy.port, 'POST /slow-body HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc', { timeoutMs: 10_000 }));
    const rec = proxy.records.at(-1)!;
    assert.deepEqual(rec.responseFlags, ['SI']);
    assert.equal(rec.bytesReceived, 3);
  });

  it('answers an upstream that never responds with 408 stream timeout (SI), and resets a response that stalls', async () => {
    assertStreamTimeoutReply(await rawExchange(proxy.port, 'GET /hang HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 10_000 }));
    const rec = proxy.records.at(-1)!;
    assert.deepEqual([rec.responseCode, rec.responseFlags, rec.responseCodeDetails], [408, ['SI'], 'stream_idle_timeout']);

    const stalled = await rawExchange(proxy.port, 'GET /stall HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 10_000 });
    assert.deepEqual(statuses(stalled.text), [200]);
    assert.ok(stalled.text.endsWith('abc'), 'what came was passed on');
    assert.ok(stalled.closed, 'then the stream was reset');
    const after = proxy.records.at(-1)!;
    assert.deepEqual([after.responseFlags, after.connectionTerminationDetails], [['SI'], 'stream_idle_timeout']);
  });

  it('answers 500 when the handler throws, 503 UH when the picker throws, and keeps serving', async () => {
    assert.equal((await curl([`http://127.0.0.1:${proxy.port}/throw`])).status, 500);
    const r = await curl([`http://127.0.0.1:${proxy.port}/bad-picker`]);
    assert.equal(r.status, 503);
    assert.equal(r.body, 'no healthy upstream');
    assert.equal((await curl([`http://127.0.0.1:${proxy.port}/fine`])).body, 'up /fine');
  });

  it('survives a throwing onRecord', async () => {
    const noisy = await startProxy(() => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: upstream.port } }), {
      onRecord: () => {
        recordCalls++;
        throw new Error('telemetry bug');
      },
    });
    try {
      const r = await curl([`http://127.0.0.1:${noisy.port}/one`, `http://127.0.0.1:${noisy.port}/two`]);
      assert.ok(r.body.endsWith('up /two'), 'the connection carried both requests');
      assert.equal(recordCalls, 2);
    } finally {
      await noisy.close();
    }
  });

  it('serves HTTP/1.0 clients when accepted, never with a chunked body', async () => {
    const chunky = await startUpstream((_req, res) => {
      res.write('a');
      setImmediate(() => res.end('b'));
    });
    const old = await startProxy(() => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: chunky.port } }), { acceptHttp10: true });
    try {
      const r = await rawExchange(old.port, 'GET /old HTTP/1.0\r\nHost: x\r\n\r\n');
      assert.deepEqual(statuses(r.text), [200]);
      assert.doesNotMatch(r.text, /transfer-encoding/i);
      assert.ok(r.text.endsWith('\r\n\r\nab'));
      assert.ok(r.closed);
    } finally {
      await old.close();
      await chunky.close();
    }
  });
});

/** Envoy's stream idle reply before a response started: 408 `stream timeout`, then the connection closes. */
function assertStreamTimeoutReply(r: { text: string; closed: boolean }): void {
  assert.deepEqual(statuses(r.text), [408]);
  assert.ok(r.text.endsWith('stream timeout'));
  assert.ok(r.closed);
}
