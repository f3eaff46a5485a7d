import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEtcd, type TestEtcd } from '../../../test/support/etcd.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import { silentLogger } from '../../util/log.ts';
import { runStoreConformance } from '../conformance.ts';
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
