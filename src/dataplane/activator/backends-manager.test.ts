/**
 * The backends manager probing not-ready pods: a real http server stands in for a pod's
 * queue-proxy that starts answering `queue` after a delay.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { RevisionBackendsManager } from './backends-manager.ts';
import { probeQueue } from './queue-probe.ts';

const KEY = 'default/hello-00001';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A queue-proxy whose user container becomes ready `readyAfterMs` from now. */
async function queueProxy(t: { after(fn: () => Promise<void>): void }, readyAfterMs: number) {
  const readyAt = Date.now() + readyAfterMs;
  const pod = { port: 0, probes: 0, readyAt };
  const s = http.createServer((_req, res) => {
    pod.probes++;
    if (Date.now() >= readyAt) res.end('queue');
    else res.writeHead(503).end();
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => {
    s.closeAllConnections();
    s.close(() => r());
  }));
  pod.port = (s.address() as AddressInfo).port;
  return pod;
}

test('a not-ready pod is a backend as soon as its probe passes, and is probed no more', async (t) => {
  const pod = await queueProxy(t, 150);
  const changes: number[] = [];
  const m = new RevisionBackendsManager({ onChange: () => changes.push(Date.now()), held: () => 0, intervalMs: 20 });
  t.after(() => m.stop());
  m.update(KEY, { ready: [], notReady: [{ ip: '127.0.0.1', port: pod.port }] });
  assert.deepEqual(m.backends(KEY), []);
  for (let i = 0; i < 100 && changes.length === 0; i++) await sleep(10);
  assert.equal(changes.length, 1);
  // Used once ready, within about a probe interval (not the kubelet's seconds).
  const late = changes[0]! - pod.readyAt;
  assert.ok(late >= 0 && late < 400, `healthy ${late} ms after it became ready`);
  assert.deepEqual(m.backends(KEY), [{ ip: '127.0.0.1', port: pod.port }]);
  assert.ok(pod.probes >= 2);
  const probes = pod.probes;
  await sleep(100);
  assert.equal(pod.probes, probes);
  assert.equal(m.probing(KEY), false);

  // The kubelet marks it ready: same backends, still no probing; gone from the endpoints: no backend.
  m.update(KEY, { ready: [{ ip: '127.0.0.1', port: pod.port }], notReady: [] });
  assert.deepEqual(m.backends(KEY), [{ ip: '127.0.0.1', port: pod.port }]);
  m.update(KEY, { ready: [], notReady: [] });
  assert.deepEqual(m.backends(KEY), []);
  await sleep(50);
  assert.equal(pod.probes, probes);
});

test('with a ready pod and nothing held, not-ready pods wait for the kubelet; a held request resumes probing', async () => {
  const probed: string[] = [];
  let held = 0;
  const m = new RevisionBackendsManager({ onChange: () => {}, held: () => held, intervalMs: 10, probe: (dest) => {
    probed.push(dest);
    return Promise.resolve(false);
  } });
  try {
    m.update(KEY, { ready: [{ ip: '127.1.0.2', port: 8012 }], notReady: [{ ip: '127.1.0.3', port: 8012 }] });
    await sleep(50);
    assert.deepEqual(probed, []);
    assert.equal(m.probing(KEY), false);

    held = 1;
    m.kick(KEY);
    await sleep(60);
    assert.ok(probed.length >= 2, `probed ${probed.length} times`);
    assert.ok(probed.every((d) => d === '127.1.0.3:8012'));

    held = 0;
    await sleep(30);
    const count = probed.length;
    await sleep(50);
    assert.equal(probed.length, count);
    assert.equal(m.probing(KEY), false);
  } finally {
    m.stop();
  }
});

test('a removed revision, or a stopped manager, probes no more', async () => {
  let probes = 0;
  const m = new RevisionBackendsManager({ onChange: () => assert.fail('no change expected'), held: () => 0, intervalMs: 10, probe: () => {
    probes++;
    return Promise.resolve(false);
  } });
  m.update(KEY, { ready: [], notReady: [{ ip: '127.1.0.3', port: 8012 }] });
  m.update('default/other-00001', { ready: [], notReady: [{ ip: '127.1.0.4', port: 8012 }] });
  await sleep(30);
  assert.ok(probes > 0);
  m.remove(KEY);
  assert.deepEqual(m.revisions(), ['default/other-00001']);
  m.stop();
  const count = probes;
  await sleep(40);
  assert.equal(probes, count);
});

test('the real probe against a pod that never answers gives up after the timeout and tries again', async (t) => {
  const s = http.createServer(() => {});
  let requests = 0;
  s.on('request', () => requests++);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => {
    s.closeAllConnections();
    s.close(() => r());
  }));
  const m = new RevisionBackendsManager({ onChange: () => {}, held: () => 0, intervalMs: 10, timeoutMs: 30, probe: probeQueue });
  try {
    m.update(KEY, { ready: [], notReady: [{ ip: '127.0.0.1', port: (s.address() as AddressInfo).port }] });
    await sleep(150);
    assert.ok(requests >= 2, `${requests} probes`);
    assert.deepEqual(m.backends(KEY), []);
  } finally {
    m.stop();
  }
});
