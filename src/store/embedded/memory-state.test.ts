import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredValue } from '../types.ts';
import { MemoryState } from './memory-state.ts';

/** A deterministic pseudo-random sequence (failures must reproduce). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
}

const value = (n: number) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `v${n}` } });

describe('MemoryState', () => {
  it('reads every past revision in the window exactly as it was', () => {
    const next = random(7);
    const state = new MemoryState(0);
    const past: StoredValue[][] = [[]];
    for (let step = 1; step <= 600; step++) {
      const key = `/${['a', 'b', 'c'][next() % 3]}/${next() % 40}`;
      if (state.values.has(key) && next() % 3 === 0) state.remove(key);
      else state.put(key, value(step));
      past.push([...state.values.values()].sort((x, y) => (x.key < y.key ? -1 : 1)));
    }
    for (let probe = 0; probe < 300; probe++) {
      const revision = next() % 601;
      const prefix = ['/', '/a/', '/b/1', '/c/'][next() % 4]!;
      const expectedAll = past[revision]!.filter((v) => v.key.startsWith(prefix));
      const startAfter = next() % 2 === 0 ? undefined : expectedAll[next() % Math.max(1, expectedAll.length)]?.key;
      const limit = next() % 3 === 0 ? undefined : 1 + (next() % 10);
      const after = expectedAll.filter((v) => startAfter === undefined || v.key > startAfter);
      const page = state.listAt(prefix, revision, { startAfter, limit });
      const want = limit === undefined ? after : after.slice(0, limit);
      assert.deepEqual(page.items, want, `revision ${revision} prefix ${prefix} after ${startAfter} limit ${limit}`);
      assert.equal(page.more, want.length < after.length);
      assert.equal(page.remaining, after.length - want.length);
    }
    for (const prefix of ['/', '/a/', '/b/1']) {
      for (const limit of [undefined, 3]) {
        assert.deepEqual(state.listLatest(prefix, { limit }), state.listAt(prefix, state.revision, { limit }), `latest ${prefix} limit ${limit}`);
      }
    }
  });
});
