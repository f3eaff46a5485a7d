import assert from 'node:assert/strict';
import { appendFile, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { isSkiffError } from '../../errors/skiff-error.ts';
import { silentLogger } from '../../util/log.ts';
import { openEmbeddedStore } from './embedded-store.ts';
import { HEADER_BYTES } from './record-codec.ts';
import { listStoreFiles } from './store-files.ts';
import { PINO_WARN, capturingLogger, configMap, newestSegment, withTempDir } from './test-support.ts';

/** Writes k0..k(n-1) one at a time, so each write is its own log record; returns the log's size before the last. */
async function writeKeys(dir: string, n: number): Promise<{ sizeBeforeLast: number }> {
  const store = await openEmbeddedStore({ dir, log: silentLogger() });
  let sizeBeforeLast = 0;
  for (let i = 0; i < n; i++) {
    if (i === n - 1) sizeBeforeLast = (await stat(await newestSegment(dir))).size;
    await store.create(`/k${i}`, configMap(`k${i}`, { i: String(i) }));
  }
  await store.close();
  return { sizeBeforeLast };
}

async function keysAfterReopen(dir: string) {
  const { log, records } = capturingLogger();
  const store = await openEmbeddedStore({ dir, log });
  const keys = (await store.list('/')).items.map((item) => item.key);
  const revision = await store.revision();
  await store.close();
  return { keys, revision, warnings: records.filter((r) => r.level === PINO_WARN) };
}

const expectedKeys = (n: number) => Array.from({ length: n }, (_, i) => `/k${i}`).sort();

describe('embedded store recovery', () => {
  it('drops a last record cut short, keeps the rest and says so', async () => {
    await withTempDir(async (dir) => {
      const { sizeBeforeLast } = await writeKeys(dir, 5);
      const segment = await newestSegment(dir);
      const size = (await stat(segment)).size;
      await truncate(segment, size - 3);
      const { keys, revision, warnings } = await keysAfterReopen(dir);
      assert.deepEqual(keys, expectedKeys(4));
      assert.equal(revision, 4);
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0]!['droppedBytes'], size - 3 - sizeBeforeLast);
      assert.match(warnings[0]!.msg, /torn tail of \d+ bytes .*cut short/);
      assert.equal((await stat(segment)).size, sizeBeforeLast, 'the torn bytes are truncated away');
    });
  });

  it('drops a garbled last record', async () => {
    await withTempDir(async (dir) => {
      await writeKeys(dir, 5);
      const segment = await newestSegment(dir);
      const data = await readFile(segment);
      data[data.length - 2] = data[data.length - 2]! ^ 0xff;
      await writeFile(segment, data);
      const { keys, warnings } = await keysAfterReopen(dir);
      assert.deepEqual(keys, expectedKeys(4));
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!.msg, /checksum does not match/);
    });
  });

  it('drops a zero-filled tail and appends after it on the next run', async () => {
    await withTempDir(async (dir) => {
      await writeKeys(dir, 3);
      await appendFile(await newestSegment(dir), Buffer.alloc(4096));
      const first = await keysAfterReopen(dir);
      assert.deepEqual(first.keys, expectedKeys(3));
      assert.equal(first.warnings[0]!['droppedBytes'], 4096);
      const store = await openEmbeddedStore({ dir, log: silentLogger() });
      await store.create('/k3', configMap('k3'));
      await store.close();
      const second = await keysAfterReopen(dir);
      assert.deepEqual(second.keys, expectedKeys(4));
      assert.equal(second.warnings.length, 0);
    });
  });

  it('refuses to open when a record before the tail is damaged', async () => {
    await withTempDir(async (dir) => {
      await writeKeys(dir, 5);
      const segment = await newestSegment(dir);
      const data = await readFile(segment);
      // The segment header comes first; damage the payload of the first write's record.
      const headerLength = data.readUInt32LE(0);
      const firstWrite = HEADER_BYTES + headerLength;
      data[firstWrite + HEADER_BYTES + 5] = data[firstWrite + HEADER_BYTES + 5]! ^ 0xff;
      await writeFile(segment, data);
      await assert.rejects(openEmbeddedStore({ dir, log: silentLogger() }), (error) => {
        assert.ok(isSkiffError(error, 'SKF_STORE_CORRUPT'), String(error));
        assert.match(error.message, new RegExp(`at byte ${firstWrite} of wal-\\d+\\.log .*checksum does not match.*not a torn tail`));
        return true;
      });
      assert.deepEqual(await readFile(segment), data, 'a corrupt store is left untouched');
    });
  });

  it('refuses to open when a snapshot is damaged', async () => {
    await withTempDir(async (dir) => {
      const store = await openEmbeddedStore({ dir, log: silentLogger(), snapshotAfterBytes: 1 });
      await store.create('/a', configMap('a'));
      await store.close();
      const [snapshot] = (await listStoreFiles(dir)).snapshots;
      assert.ok(snapshot !== undefined, 'a snapshot was written');
      const data = await readFile(snapshot.path);
      data[data.length - 3] = data[data.length - 3]! ^ 0xff;
      await writeFile(snapshot.path, data);
      await assert.rejects(openEmbeddedStore({ dir, log: silentLogger() }), (error) => isSkiffError(error, 'SKF_STORE_CORRUPT') && /Snapshot .* is damaged/.test(error.message));
    });
  });

  it('snapshots, rotates the log and restores from snapshot plus log', async () => {
    await withTempDir(async (dir) => {
      const store = await openEmbeddedStore({ dir, log: silentLogger(), snapshotAfterBytes: 4096 });
      for (let i = 0; i < 100; i++) await store.create(`/k${i}`, configMap(`k${i}`, { pad: 'x'.repeat(100) }));
      await store.update('/k0', configMap('k0', { updated: 'yes' }));
      await store.delete('/k1');
      const before = await store.list('/');
      await store.close();
      const files = await listStoreFiles(dir);
      assert.equal(files.snapshots.length, 1, 'older snapshots are removed');
      assert.ok(files.segments.length <= 2, `log segments covered by the snapshot are removed (${files.segments.length} left)`);
      assert.ok(files.segments[0]!.start > 1, 'the first segment was rotated away');

      const reopened = await openEmbeddedStore({ dir, log: silentLogger() });
      const after = await reopened.list('/');
      assert.deepEqual(after, before);
      assert.equal(await reopened.revision(), 102);
      await reopened.close();
    });
  });

  it('keeps the revision and honours compaction across a restart', async () => {
    await withTempDir(async (dir) => {
      const store = await openEmbeddedStore({ dir, log: silentLogger() });
      for (let i = 0; i < 6; i++) await store.create(`/k${i}`, configMap(`k${i}`));
      await store.compact(4);
      await store.close();
      const reopened = await openEmbeddedStore({ dir, log: silentLogger() });
      assert.equal(await reopened.revision(), 6);
      assert.equal(await reopened.compactedRevision(), 4);
      await assert.rejects(reopened.list('/', { revision: 3 }), (error) => isSkiffError(error, 'SKF_STORE_COMPACTED'));
      assert.equal((await reopened.list('/', { revision: 4 })).items.length, 4);
      const next = await reopened.create('/k6', configMap('k6'));
      assert.equal(next.modRevision, 7);
      await reopened.close();
    });
  });
});
