import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEtcd, type TestEtcd } from '../../../test/support/etcd.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import { silentLogger } from '../../util/log.ts';
import { runStoreConformance } from '../conformance.ts';
import type { WatchHandle } from '../types.ts';
import { openStore } from '../open.ts';
import { openEtcdStore } from './etcd-store.ts';

let etcd: TestEtcd;
before(async () => {
  etcd = await startEtcd();
});
after(async () => {
  await etcd?.stop();
});

runStoreConformance('etcd', async () => {
  const store = await openStore(etcd.url, { dataDir: '/nonexistent', log: silentLogger() });
  return { store, cleanup: () => store.close() };
});

describe('etcd store', () => {
  it('sees compaction done by another client', async () => {
    const mine = await openEtcdStore({ endpoints: [etcd.endpoint], log: silentLogger() });
    const theirs = await openEtcdStore({ endpoints: [etcd.endpoint], log: silentLogger() });
    try {
      const first = await mine.create(`/other-compactor/a`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
      await mine.compactedRevision();
      const second = await mine.update(`/other-compactor/a`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { v: '2' } });
      await theirs.compact(second.modRevision);
      assert.equal(await mine.compactedRevision(), second.modRevision);
      await assert.rejects(mine.watch('/other-compactor/', first.modRevision, { onEvents() {}, onError() {} }), (error) => {
        assert.ok(isSkiffError(error, 'SKF_STORE_COMPACTED'));
        assert.equal(error.details?.['compactRevision'], second.modRevision);
        return true;
      });
    } finally {
      await mine.close();
      await theirs.close();
    }
  });

  it('cancelling watches leaves the connection, the other watches and later calls alone', async () => {
    const store = await openEtcdStore({ endpoints: [etcd.endpoint], log: silentLogger() });
    try {
      const from = (await store.list('/cancel-many/')).revision;
      const survivorEvents: string[] = [];
      const survivorErrors: Error[] = [];
      let sawLast!: () => void;
      const lastSeen = new Promise<void>((resolve) => (sawLast = resolve));
      await store.watch('/cancel-many/', from, {
        onEvents: (events) => {
          for (const event of events) survivorEvents.push(event.key);
          if (survivorEvents.includes('/cancel-many/last')) sawLast();
        },
        onError: (error) => survivorErrors.push(error),
      });
      // HTTP watches end all the time (clients go away, timeouts): each cancels its etcd watch.
      const first = await store.create('/cancel-many/first', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'first' } });
      const handles = await Promise.all(Array.from({ length: 5 }, () => new Promise<WatchHandle>((resolve) => {
        const started = store.watch('/cancel-many/', from, { onEvents: () => void started.then(resolve), onError() {} });
      })));
      for (const handle of handles) handle.cancel();
      assert.equal(first.key, '/cancel-many/first');
      await store.create('/cancel-many/last', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'last' } });
      await lastSeen;
      assert.deepEqual(survivorErrors, []);
      assert.equal((await store.get('/cancel-many/last'))?.value.metadata.name, 'last');
    } finally {
      await store.close();
    }
  });

  it('answers SKF_STORE_UNAVAILABLE when etcd is unreachable, and ends watches', async () => {
    const own = await startEtcd();
    const store = await openEtcdStore({ endpoints: [own.endpoint], log: silentLogger(), callTimeoutMs: 2_000 });
    try {
      let watchEnded!: (error: Error) => void;
      const ended = new Promise<Error>((resolve) => (watchEnded = resolve));
      await store.watch('/', 0, { onEvents() {}, onError: (error) => watchEnded(error) });
      await own.stop();
      assert.ok(isSkiffError(await ended, 'SKF_STORE_UNAVAILABLE'));
      await assert.rejects(store.get('/a'), (error) => isSkiffError(error, 'SKF_STORE_UNAVAILABLE'));
      await assert.rejects(store.create('/a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }), (error) => isSkiffError(error, 'SKF_STORE_UNAVAILABLE'));
    } finally {
      await store.close();
      await own.stop();
    }
  });

  it('refuses to open when no etcd answers', async () => {
    const own = await startEtcd();
    const endpoint = own.endpoint;
    await own.stop();
    await assert.rejects(openEtcdStore({ endpoints: [endpoint], log: silentLogger(), callTimeoutMs: 2_000 }), (error) => {
      assert.ok(isSkiffError(error, 'SKF_STORE_UNAVAILABLE'));
      assert.match(error.message, new RegExp(`etcd at ${endpoint} cannot be reached`));
      return true;
    });
  });
});
