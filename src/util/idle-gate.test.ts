import assert from 'node:assert/strict';
import { test } from 'node:test';
import { whenIdle } from './idle-gate.ts';

/** Keeps the event loop busy in slices of `sliceMs` until `until()` says stop. */
async function busy(sliceMs: number, until: () => boolean): Promise<void> {
  while (!until()) {
    const end = performance.now() + sliceMs;
    while (performance.now() < end) { /* spin: the loop is busy */ }
    await new Promise(setImmediate);
  }
}

test('whenIdle waits while the loop is busy and goes once it has room', async () => {
  let busyUntil = performance.now() + 150;
  let busyEnded = false;
  const load = busy(5, () => performance.now() >= busyUntil).then(() => (busyEnded = true));
  await whenIdle(60_000);
  assert.ok(busyEnded, 'it resolved only after the busy period ended');
  busyUntil = 0;
  await load;
});

test('whenIdle goes after maxWaitMs even when the loop never gets room (deferred, never starved)', async () => {
  let stop = false;
  const load = busy(5, () => stop);
  await whenIdle(50);
  assert.equal(stop, false, 'it resolved while the loop was still busy');
  stop = true;
  await load;
});

test('whenIdle goes at once on an idle loop', async () => {
  await whenIdle(60_000); // would time the test out were it waiting for anything
});

test('whenIdle goes at the end of the slice in which goNow() turned true, however busy the loop', async () => {
  let stop = false;
  let now = false;
  const load = busy(5, () => stop);
  setTimeout(() => (now = true), 30);
  await whenIdle(60_000, () => now);
  assert.equal(stop, false, 'it resolved while the loop was still busy');
  stop = true;
  await load;
});
