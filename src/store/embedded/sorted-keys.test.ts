import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SortedKeys, prefixEnd } from './sorted-keys.ts';

/** A deterministic pseudo-random sequence (no Math.random: failures must reproduce). */
function* numbers(seed: number): Generator<number> {
  let state = seed;
  for (;;) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    yield state;
  }
}

function keysFrom(set: SortedKeys, start: string, exclusive: boolean, limit = Infinity): string[] {
  const out: string[] = [];
  set.forEachFrom(start, exclusive, (key) => {
    out.push(key);
    return out.length < limit;
  });
  return out;
}

describe('SortedKeys', () => {
  it('matches a sorted array through thousands of inserts and deletes', () => {
    const set = new SortedKeys();
    const reference = new Set<string>();
    const random = numbers(42);
    for (let step = 0; step < 20_000; step++) {
      const key = `/k/${(random.next().value % 3000).toString(36)}`;
      if (random.next().value % 3 === 0) {
        assert.equal(set.delete(key), reference.delete(key));
      } else {
        set.insert(key);
        reference.add(key);
      }
    }
    const sorted = [...reference].sort();
    assert.equal(set.size, sorted.length);
    assert.deepEqual(keysFrom(set, '', false), sorted);
    const probe = sorted[Math.floor(sorted.length / 2)]!;
    assert.deepEqual(keysFrom(set, probe, true), sorted.filter((k) => k > probe));
    assert.deepEqual(keysFrom(set, probe, false, 3), sorted.filter((k) => k >= probe).slice(0, 3));
    assert.equal(set.countBetween(probe, true, undefined), sorted.filter((k) => k > probe).length);
    assert.equal(set.countBetween('/k/1', false, '/k/2'), sorted.filter((k) => k >= '/k/1' && k < '/k/2').length);
  });

  it('starts iteration between keys and past the end', () => {
    const set = new SortedKeys();
    for (const key of ['b', 'd', 'f']) set.insert(key);
    assert.deepEqual(keysFrom(set, 'c', false), ['d', 'f']);
    assert.deepEqual(keysFrom(set, 'f', true), []);
    assert.deepEqual(keysFrom(set, 'a', true), ['b', 'd', 'f']);
    assert.equal(set.delete('x'), false);
  });
});

describe('prefixEnd', () => {
  it('is the first string after every string with the prefix', () => {
    assert.equal(prefixEnd('/a/'), '/a0');
    assert.equal(prefixEnd('ab\uffff'), 'ac');
    assert.equal(prefixEnd(''), undefined);
  });
});
