import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changes, expectedScale, firstReachedMs, summariseTries } from './serving-stats.ts';

describe('serving bench helpers', () => {
  it('summarises tries by nearest rank, unsorted input', () => {
    const tries = [300, 100, 200, 400, 1000, 150, 250, 350, 120, 180];
    assert.deepEqual(summariseTries(tries), { tries: 10, p50: 200, p95: 1000, mean: 305, max: 1000 });
  });

  it('gives NaN, not zero, for no tries', () => {
    const s = summariseTries([]);
    assert.equal(s.tries, 0);
    assert.ok(Number.isNaN(s.p50) && Number.isNaN(s.p95) && Number.isNaN(s.mean) && Number.isNaN(s.max));
  });

  it('wants the pods the KPA defaults want: 500 concurrent -> 8, 50 -> 1', () => {
    assert.equal(expectedScale(500), 8);
    assert.equal(expectedScale(50), 1);
    assert.equal(expectedScale(70), 1);
    assert.equal(expectedScale(71), 2);
    assert.equal(expectedScale(500, 10, 1), 50);
  });

  it('finds when a series first reaches a value', () => {
    const series = [{ atMs: 100, value: 1 }, { atMs: 900, value: 4 }, { atMs: 1500, value: 8 }, { atMs: 1600, value: 9 }];
    assert.equal(firstReachedMs(series, 8), 1500);
    assert.equal(firstReachedMs(series, 1), 100);
    assert.equal(firstReachedMs(series, 10), undefined);
  });

  it('lists the changes of a series with when they were first seen', () => {
    const series = [{ atMs: 50, value: 1 }, { atMs: 150, value: 1 }, { atMs: 4120, value: 3 }, { atMs: 9260, value: 8 }, { atMs: 9400, value: 8 }];
    assert.equal(changes(series), '1@0.1 3@4.1 8@9.3');
    assert.equal(changes([]), '');
  });
});
