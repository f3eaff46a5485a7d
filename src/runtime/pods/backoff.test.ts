import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff, formatDuration } from './backoff.ts';

test('crash loop back-off: restart at once, then 10 s, 20 s … up to 5 min', () => {
  let now = 0;
  const b = new Backoff({ now: () => now });
  const delays: number[] = [];
  let finishedAt = 0;
  for (let crash = 0; crash < 8; crash++) {
    // The container just finished at `finishedAt`; how long until it may start again?
    now = finishedAt;
    let waited = 0;
    while (b.isInBackOffSince('c', finishedAt)) {
      now += 1000;
      waited += 1000;
    }
    b.next('c', finishedAt);
    delays.push(waited);
    finishedAt = now + 1000; // it runs for a second and crashes again
  }
  assert.deepEqual(delays, [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
});

test('an entry idle for twice the maximum starts over', () => {
  let now = 0;
  const b = new Backoff({ now: () => now });
  b.next('c', 0);
  b.next('c', 1000);
  assert.equal(b.get('c'), 20_000);
  now = 700_000;
  b.next('c', now);
  assert.equal(b.get('c'), 10_000);
});

test('image pull back-off counts from the last failure', () => {
  const b = new Backoff();
  b.next('img', 1000);
  assert.ok(b.isInBackOffSinceUpdate('img', 5000));
  assert.ok(!b.isInBackOffSinceUpdate('img', 11_001));
});

test('durations print as Go does', () => {
  assert.deepEqual([10_000, 40_000, 80_000, 300_000].map(formatDuration), ['10s', '40s', '1m20s', '5m0s']);
});
