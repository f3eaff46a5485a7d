/** The activator's pod probe against real http servers on 127.0.0.1 standing in for queue-proxies. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { probeQueue } from './queue-probe.ts';

async function server(t: { after(fn: () => Promise<void>): void }, handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => {
    s.closeAllConnections();
    s.close(() => r());
  }));
  return `127.0.0.1:${(s.address() as AddressInfo).port}`;
}

test('passes on 200 `queue`, sending the activator probe headers to /healthz', async (t) => {
  const seen: http.IncomingHttpHeaders[] = [];
  const dest = await server(t, (req, res) => {
    seen.push({ ...req.headers, path: req.url });
    res.end('queue');
  });
  assert.equal(await probeQueue(dest), true);
  assert.equal(seen[0]?.['k-network-probe'], 'queue');
  assert.equal(seen[0]?.['user-agent'], 'Knative-Activator-Probe');
  assert.equal(seen[0]?.path, '/healthz');
});

test('fails on another status or body, a refused connection, or no answer in time', async (t) => {
  const notReady = await server(t, (_req, res) => res.writeHead(503).end());
  const other = await server(t, (_req, res) => res.end('Hello Openshift!'));
  const hanging = await server(t, () => {});
  const closed = await server(t, (_req, res) => res.end());
  assert.equal(await probeQueue(notReady), false);
  assert.equal(await probeQueue(other), false);
  assert.equal(await probeQueue(closed), false);
  const started = Date.now();
  assert.equal(await probeQueue(hanging, 100), false);
  assert.ok(Date.now() - started < 1_000);
  // A port nothing listens on (taken and released).
  const free = http.createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
  const port = (free.address() as AddressInfo).port;
  await new Promise<void>((r) => free.close(() => r()));
  assert.equal(await probeQueue(`127.0.0.1:${port}`), false);
});
