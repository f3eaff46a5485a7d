import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isSkiffError } from '../errors/skiff-error.ts';
import { silentLogger } from '../util/log.ts';
import { openStore, parseEtcdEndpoints } from './open.ts';

describe('openStore', () => {
  it('opens the embedded store under <dataDir>/store', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'skiff-open-'));
    try {
      const store = await openStore('embedded', { dataDir, log: silentLogger() });
      assert.equal(store.url, `embedded://${join(dataDir, 'store')}`);
      assert.ok((await stat(join(dataDir, 'store'))).isDirectory());
      await store.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('rejects URLs it does not understand with SKF_STORE_BAD_URL', async () => {
    for (const url of ['', 'memory', 'embedded:///tmp/x', 'etcd://', 'etcd://host', 'etcd://host:0', 'etcd://a:1,,b:2', 'http://127.0.0.1:2379']) {
      await assert.rejects(openStore(url, { dataDir: '/nonexistent', log: silentLogger() }), (error) => isSkiffError(error, 'SKF_STORE_BAD_URL'), url);
    }
  });

  it('parses etcd endpoint lists', () => {
    assert.deepEqual(parseEtcdEndpoints('etcd://127.0.0.1:2379'), ['127.0.0.1:2379']);
    assert.deepEqual(parseEtcdEndpoints('etcd://a:1,b.example:2,[::1]:3'), ['a:1', 'b.example:2', '[::1]:3']);
  });
});
