import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isMemoryBacked, memoryVolumesRoot } from './memory-volumes.ts';

describe('memory-backed volumes', () => {
  it('are the ones the kubelet puts on tmpfs', () => {
    assert.equal(isMemoryBacked({ name: 's', secret: { secretName: 'x' } }), true);
    assert.equal(isMemoryBacked({ name: 'p', projected: { sources: [] } }), true);
    assert.equal(isMemoryBacked({ name: 'd', downwardAPI: { items: [] } }), true);
    assert.equal(isMemoryBacked({ name: 'm', emptyDir: { medium: 'Memory' } }), true);
    assert.equal(isMemoryBacked({ name: 'e', emptyDir: {} }), false);
    assert.equal(isMemoryBacked({ name: 'c', configMap: { name: 'x' } } as never), false);
    assert.equal(isMemoryBacked({ name: 'h', hostPath: { path: '/tmp' } } as never), false);
  });

  it('live under /dev/shm only when it is a tmpfs', async () => {
    const disk = mkdtempSync(join(tmpdir(), 'skiff-not-shm-'));
    try {
      const tmpIsTmpfs = (await statfs(disk)).type === 0x01021994;
      assert.equal(await memoryVolumesRoot('abc', disk), tmpIsTmpfs ? join(disk, 'skiff-abc') : undefined);
      const shm = await memoryVolumesRoot('abc');
      assert.equal(await memoryVolumesRoot('abc', join(disk, 'missing')), undefined);
      if (shm !== undefined) assert.equal(shm, '/dev/shm/skiff-abc');
    } finally {
      rmSync(disk, { recursive: true, force: true });
    }
  });
});

describe('the memory-volume root', () => {
  it('is made afresh, private to this user; a path it cannot make is refused with the reason', async () => {
    const { prepareMemoryVolumesRoot } = await import('./memory-volumes.ts');
    const { existsSync, mkdirSync, statSync, writeFileSync } = await import('node:fs');
    const base = mkdtempSync(join(tmpdir(), 'skiff-memroot-'));
    try {
      const root = join(base, 'skiff-x');
      mkdirSync(join(root, 'pods', 'old'), { recursive: true });
      writeFileSync(join(root, 'pods', 'old', 'token'), 'stale');
      assert.deepEqual(await prepareMemoryVolumesRoot(root), { root });
      assert.equal(existsSync(join(root, 'pods', 'old')), false, 'an earlier run\'s volumes are gone');
      assert.equal(statSync(root).mode & 0o777, 0o700);
      const refused = await prepareMemoryVolumesRoot(join(base, 'missing', 'skiff-y'));
      assert.ok('refused' in refused && /ENOENT/.test(refused.refused));
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
