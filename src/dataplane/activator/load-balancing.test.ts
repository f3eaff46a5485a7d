import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PodTracker, firstAvailablePolicy, policyFor, randomChoice2Policy, roundRobinPolicy } from './load-balancing.ts';

const trackers = (n: number, cap: number) => Array.from({ length: n }, (_, i) => new PodTracker(`10.0.0.${i}:8012`, cap));

test('first available: fills the first pod before the next', () => {
  const ts = trackers(2, 2);
  const pick = firstAvailablePolicy();
  assert.deepEqual([pick(ts), pick(ts), pick(ts)].map((t) => t?.dest), ['10.0.0.0:8012', '10.0.0.0:8012', '10.0.0.1:8012']);
  pick(ts);
  assert.equal(pick(ts), undefined);
});

test('round robin: rotates over pods with a free slot', () => {
  const ts = trackers(3, 10);
  const pick = roundRobinPolicy();
  assert.deepEqual([1, 2, 3, 4].map(() => pick(ts)?.dest), ['10.0.0.0:8012', '10.0.0.1:8012', '10.0.0.2:8012', '10.0.0.0:8012']);
  const full = trackers(2, 1);
  full[0]?.reserve();
  assert.equal(pick(full)?.dest, '10.0.0.1:8012');
  assert.equal(pick(full), undefined);
});

test('best of two random choices: the less loaded of the two', () => {
  const ts = trackers(2, Infinity);
  ts[0]!.inFlight = 5;
  const pick = randomChoice2Policy(() => 0);
  assert.equal(pick(ts)?.dest, '10.0.0.1:8012');
  assert.equal(ts[1]!.inFlight, 1);
  assert.equal(randomChoice2Policy()([]), undefined);
  assert.equal(randomChoice2Policy()(trackers(1, Infinity))?.dest, '10.0.0.0:8012');
});

test('policy by containerConcurrency, as upstream chooses', () => {
  // CC 0 never refuses (unlimited trackers); CC 2 packs; CC 10 rotates.
  const unlimited = trackers(3, Infinity);
  const p0 = policyFor(0, () => 0.4);
  for (let i = 0; i < 50; i++) assert.ok(p0(unlimited));
  const packed = trackers(2, 2);
  const p2 = policyFor(2);
  assert.deepEqual([p2(packed)?.dest, p2(packed)?.dest], ['10.0.0.0:8012', '10.0.0.0:8012']);
  const rr = trackers(2, 10);
  const p10 = policyFor(10);
  assert.deepEqual([p10(rr)?.dest, p10(rr)?.dest], ['10.0.0.0:8012', '10.0.0.1:8012']);
});
