import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RevisionHealth } from './revision-health.ts';

const b = (last: number) => ({ ip: `127.1.0.${last}`, port: 8012 });
const dests = (backends: ReturnType<typeof b>[]) => backends.map((x) => `${x.ip}:${x.port}`);

test('ready pods are backends without a probe; not-ready ones once they pass one', () => {
  const h = new RevisionHealth();
  assert.equal(h.update({ ready: [], notReady: [b(2), b(3)] }), false);
  assert.deepEqual(h.backends(), []);
  assert.deepEqual(h.toProbe(), ['127.1.0.2:8012', '127.1.0.3:8012']);
  assert.equal(h.readyCount, 0);

  assert.equal(h.markHealthy(['127.1.0.3:8012', '127.1.0.9:8012']), true);
  assert.deepEqual(dests(h.backends()), ['127.1.0.3:8012']);
  assert.deepEqual(h.toProbe(), ['127.1.0.2:8012']);
  assert.equal(h.markHealthy(['127.1.0.3:8012']), false);

  // The kubelet catches up: the probed pod turns ready, nothing changes for the backends.
  assert.equal(h.update({ ready: [b(3)], notReady: [b(2)] }), false);
  assert.equal(h.readyCount, 1);
  assert.deepEqual(h.toProbe(), ['127.1.0.2:8012']);
});

test('a pod that turns not-ready again, or leaves, is no backend until it passes a new probe', () => {
  const h = new RevisionHealth();
  h.update({ ready: [b(2)], notReady: [b(3)] });
  h.markHealthy(['127.1.0.3:8012']);
  assert.deepEqual(dests(h.backends()), ['127.1.0.2:8012', '127.1.0.3:8012']);

  // .2 fails its readiness (draining): out, and to be probed again; .3 stays healthy.
  assert.equal(h.update({ ready: [], notReady: [b(2), b(3)] }), true);
  assert.deepEqual(dests(h.backends()), ['127.1.0.3:8012']);
  assert.deepEqual(h.toProbe(), ['127.1.0.2:8012']);

  // .3 leaves the endpoints; when an address comes back it is a new pod and is probed afresh.
  assert.equal(h.update({ ready: [], notReady: [b(2)] }), true);
  assert.deepEqual(h.backends(), []);
  h.update({ ready: [], notReady: [b(2), b(3)] });
  assert.deepEqual(h.toProbe(), ['127.1.0.2:8012', '127.1.0.3:8012']);
});
