/**
 * Regression: clients that vanish with requests in flight (wrk dropping its connections at
 * the end of a run) must not leave the upstream pool unable to serve the next request.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { curl, startProxy, startUpstream, type TestProxy } from './test-support.ts';
import { UpstreamPool } from './upstream-pool.ts';

const CLIENTS = 32;
const ROUNDS = 6;

/** One keep-alive client that sends requests back to back and, after `lifeMs`, drops the connection mid-request. */
function abandoningClient(port: number, lifeMs: number, how: 'end' | 'destroy'): Promise<void> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const send = () => s.write('GET /work HTTP/1.1\r\nHost: x\r\n\r\n');
    s.on('connect', send);
    s.on('data', send); // each response (or part of one) triggers the next request: always one in flight
    s.on('error', () => undefined);
    s.on('close', () => resolve());
    setTimeout(() => (how === 'end' ? s.end() : s.destroy()), lifeMs);
  });
}

describe('HTTP/1.1 engine after clients drop in-flight requests', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let proxy: TestProxy;

  before(async () => {
    upstream = await startUpstream((req, res) => {
      req.resume();
      // A little latency and a body of a few KiB, like the bench's service.
      setTimeout(() => res.end('x'.repeat(4096)), 1 + Math.floor(Math.random() * 3));
    });
    const target = { host: '127.0.0.1', port: upstream.port };
    // Few upstream connections: every one that ends up unusable shows at once.
    proxy = await startProxy(() => ({ kind: 'forward', upstream: target }), { pool: new UpstreamPool({ maxConnectionsPerEndpoint: 4 }) });
  });
  after(async () => {
    await proxy.close();
    await upstream.close();
  });

  it('answers a fresh request after bursts of abandoned ones', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const clients = [];
      for (let i = 0; i < CLIENTS; i++) clients.push(abandoningClient(proxy.port, 50 + Math.floor(Math.random() * 100), i % 2 ? 'end' : 'destroy'));
      await Promise.all(clients);
      for (let i = 0; i < 4; i++) {
        const r = await curl(['--max-time', '5', `http://127.0.0.1:${proxy.port}/after-${round}-${i}`]).catch((e: Error) => ({ status: 0, stderr: e.message }));
        assert.equal(r.status, 200, `round ${round} request ${i}: ${r.stderr}`);
      }
    }
  });
});
