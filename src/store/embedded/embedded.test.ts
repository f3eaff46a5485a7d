import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isSkiffError } from '../../errors/skiff-error.ts';
import { silentLogger } from '../../util/log.ts';
import { runStoreConformance } from '../conformance.ts';
import type { StoreEvent } from '../types.ts';
import { openEmbeddedStore } from './embedded-store.ts';
import { configMap, withTempDir } from './test-support.ts';

runStoreConformance('embedded', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-store-'));
  const store = await openEmbeddedStore({ dir, log: silentLogger() });
  return {
    store,
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('embedded store history window', () => {
  it('compacts automatically once the window is exceeded', async () => {
    await withTempDir(async (dir) => {
      const store = await openEmbeddedStore({ dir, log: silentLogger(), historyWindow: 5 });
      for (let i = 1; i <= 12; i++) await store.create(`/k${i}`, configMap(`k${i}`));
      assert.equal(await store.revision(), 12);
      assert.equal(await store.compactedRevision(), 7);
      await assert.rejects(store.watch('/', 6, { onEvents() {}, onError() {} }), (error) => {
        assert.ok(isSkiffError(error, 'SKF_STORE_COMPACTED'));
        assert.equal(error.details?.['compactRevision'], 7);
        return true;
      });
      assert.equal((await store.list('/', { revision: 7 })).items.length, 7);
      const events = await new Promise<StoreEvent[]>((resolve, reject) => {
        void store.watch('/', 7, { onEvents: resolve, onError: reject });
      });
      assert.deepEqual(events.map((e) => e.modRevision), [8, 9, 10, 11, 12]);
      await store.close();
    });
  });

  it('ends watches with SKF_STORE_UNAVAILABLE when the store closes, and refuses work after', async () => {
    await withTempDir(async (dir) => {
      const store = await openEmbeddedStore({ dir, log: silentLogger() });
      const ended = new Promise<Error>((resolve) => void store.watch('/', 0, { onEvents() {}, onError: resolve }));
      await store.close();
      assert.ok(isSkiffError(await ended, 'SKF_STORE_UNAVAILABLE'));
      await assert.rejects(store.get('/a'), (error) => isSkiffError(error, 'SKF_STORE_UNAVAILABLE'));
      await assert.rejects(store.create('/a', configMap('a')), (error) => isSkiffError(error, 'SKF_STORE_UNAVAILABLE'));
    });
  });

  it('shows watchers every acknowledged write before its writer resumes', async () => {
    await withTempDir(async (dir) => {
      const store = await openEmbeddedStore({ dir, log: silentLogger() });
      const seen: number[] = [];
      await store.watch('/', 0, { onEvents: (events) => seen.push(...events.map((e) => e.modRevision)), onError() {} });
      const written = await Promise.all(Array.from({ length: 64 }, (_, i) => store.create(`/k${i}`, configMap(`k${i}`))));
      // Every acknowledged write was delivered to the watcher before its writer resumed.
      assert.ok(seen.length >= written.length);
      assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
      await store.close();
    });
  });
});
