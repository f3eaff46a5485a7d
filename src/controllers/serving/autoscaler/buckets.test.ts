/**
 * Window averages against upstream's numbers (knative/serving
 * pkg/autoscaler/aggregation/bucketing_test.go and max/window_test.go).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearBuckets, MaxTimeWindow, smoothingCoefficient, WeightedBuckets } from './buckets.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0) + 250; // not on a second boundary, as time.Now() is
const at = (s: number) => T0 + s * 1000;

test('the decay multiplier: at least 0.2, larger for short windows', () => {
  assert.equal(smoothingCoefficient(100), 0.2);
  assert.equal(smoothingCoefficient(60), 0.2);
  assert.ok(Math.abs(smoothingCoefficient(40) - 0.20567) < 1e-4);
  assert.ok(Math.abs(smoothingCoefficient(6) - 0.78456) < 1e-4);
});

test('linear average: partial window first, holes, gaps, late and too-early writes', () => {
  const b = new LinearBuckets(5000);
  assert.equal(b.isEmpty(at(0)), true);
  b.record(at(0), 1);
  assert.equal(b.windowAverage(at(0)), 1, 'averaged over the buckets written so far, not the whole window');
  for (let i = 1; i < 5; i++) b.record(at(i), i + 1);
  assert.equal(b.windowAverage(at(4)), 15 / 5);
  assert.equal(b.windowAverage(at(3.6)), 15 / 5, 'now lagging behind the last write');
  assert.equal(b.windowAverage(at(6)), (15 - 1 - 2) / (5 - 2), 'a short hole drops the buckets the window left behind');
  assert.equal(b.windowAverage(at(10)), 0, 'nothing for a window');
  b.record(at(6), 91);
  assert.equal(b.windowAverage(at(6)), (15 - 1 - 2 + 91) / 5);

  let now = at(66);
  b.record(now, 1984);
  assert.equal(b.windowAverage(now), 1984, 'a write after a long silence starts over');
  b.record(now - 3000, 4);
  assert.equal(b.windowAverage(now), (4 + 1984) / 4);
  now += 1000;
  b.record(now, 5);
  assert.equal(b.windowAverage(now), (4 + 1984 + 5) / 5);
  b.record(now - 3000, 10);
  assert.equal(b.windowAverage(now), (4 + 10 + 1984 + 5) / 5);
  b.record(now - 6000, 10);
  b.record(now - 5000, 10);
  assert.equal(b.windowAverage(now), (4 + 10 + 1984 + 5) / 5, 'values a window old are ignored');
  b.record(now + 5000, 10);
  assert.equal(b.windowAverage(now + 5000), 10, 'exactly a window of silence clears the data');
});

test('linear average: values in the same second add up; descending writes average correctly', () => {
  const b = new LinearBuckets(60_000);
  b.record(at(0), 1); // the activator's poke
  b.record(at(0.1), 10); // the scrape of the same second
  assert.equal(b.windowAverage(at(0)), 11);
  const d = new LinearBuckets(5000);
  for (let i = 8; i >= 0; i--) d.record(at(i), 5);
  assert.equal(d.windowAverage(at(5)), 5);
});

test('weighted average: newest counts most, silence decays, an empty window is 0', () => {
  const b = new WeightedBuckets(5000);
  const m = b.smoothing;
  b.record(at(0), 2);
  let want = 2 * m;
  assert.equal(b.windowAverage(at(0)), want);
  want *= 1 - m;
  assert.equal(b.windowAverage(at(1)), want);
  b.record(at(1), 2);
  want += 2 * m;
  assert.ok(Math.abs(b.windowAverage(at(1)) - want) < 1e-12);
  for (let i = 0; i < 5; i++) b.record(at(2 + i), i + 2);
  want = 6 * m + 5 * m * (1 - m) + 4 * m * (1 - m) ** 2 + 3 * m * (1 - m) ** 3 + 2 * m * (1 - m) ** 4;
  assert.ok(Math.abs(b.windowAverage(at(6)) - want) < 1e-12);
  assert.equal(b.windowAverage(at(16)), 0);
});

test('the max window holds the largest value of the last window (scale-down-delay)', () => {
  const w = new MaxTimeWindow(10_000, 2000);
  w.record(at(0), 5);
  w.record(at(2), 3);
  assert.equal(w.current(), 5);
  w.record(at(8), 1);
  assert.equal(w.current(), 5, '8 s later the 5 is still inside the 10 s window');
  w.record(at(10), 1);
  assert.equal(w.current(), 3, 'the 5 left the window');
  w.record(at(12), 1);
  assert.equal(w.current(), 1);
  w.record(at(12), 7);
  assert.equal(w.current(), 7, 'the same bucket keeps its maximum');
});
