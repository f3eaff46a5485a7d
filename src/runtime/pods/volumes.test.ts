import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { KubeObject } from '../../api/object.ts';
import { ASYNC_FILE_OPS, filesDigest, SYNC_FILE_OPS, writeAtomically } from './atomic-writer.ts';
import type { PodFacts } from './env.ts';
import { VolumeError, volumeContent, type VolumeSources } from './volumes.ts';

const facts: PodFacts = { podIPs: ['127.244.0.7'], hostIPs: ['127.0.0.1'], nodeName: 'n', allocatable: { cpu: 2, memory: 2 ** 30, 'ephemeral-storage': 2 ** 30 } };
const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'ns', uid: 'u', labels: { b: '2', a: '1' } }, spec: { containers: [{ name: 'main', resources: { limits: { memory: '32Mi' } } }] } };
const objects: KubeObject[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'ns' }, data: { 'game.properties': 'lives=3', color: 'blue' }, binaryData: { 'logo.bin': Buffer.from([1, 2]).toString('base64') } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'ns' }, data: { password: Buffer.from('s3cret').toString('base64') } },
];
const sources: VolumeSources = {
  configMap: (ns, name) => objects.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === ns && o.metadata.name === name),
  secret: (ns, name) => objects.find((o) => o.kind === 'Secret' && o.metadata.namespace === ns && o.metadata.name === name),
  serviceAccountToken: () => 'token-value',
};
const files = (v: object) => {
  const c = volumeContent(pod, v as never, sources, facts);
  assert.equal(c.kind, 'files');
  return Object.fromEntries((c as { files: Array<{ path: string; data: Buffer; mode: number }> }).files.map((f) => [f.path, [f.data.toString('latin1'), f.mode.toString(8)]]));
};

test('configMap and secret volumes: all keys, or the listed items with modes', () => {
  assert.deepEqual(files({ name: 'v', configMap: { name: 'cfg' } }), { 'game.properties': ['lives=3', '644'], color: ['blue', '644'], 'logo.bin': ['\u0001\u0002', '644'] });
  assert.deepEqual(files({ name: 'v', configMap: { name: 'cfg', items: [{ key: 'color', path: 'conf/color.txt', mode: 0o400 }], defaultMode: 0o600 } }), { 'conf/color.txt': ['blue', '400'] });
  assert.deepEqual(files({ name: 'v', secret: { secretName: 'creds', defaultMode: 0o440 } }), { password: ['s3cret', '440'] });
});

test('missing references fail the mount unless optional', () => {
  assert.throws(() => volumeContent(pod, { name: 'v', configMap: { name: 'nope' } } as never, sources, facts), (e: unknown) => e instanceof VolumeError && e.message === 'configmap "nope" not found');
  assert.throws(() => volumeContent(pod, { name: 'v', configMap: { name: 'cfg', items: [{ key: 'k', path: 'k' }] } } as never, sources, facts), /configmap references non-existent config key: k/);
  assert.throws(() => volumeContent(pod, { name: 'v', secret: { secretName: 'nope' } } as never, sources, facts), /secret "nope" not found/);
  assert.deepEqual(files({ name: 'v', secret: { secretName: 'nope', optional: true } }), {});
  assert.throws(() => volumeContent(pod, { name: 'v', persistentVolumeClaim: { claimName: 'x' } } as never, sources, facts), /does not support persistentVolumeClaim volumes/);
});

test('downwardAPI and projected volumes', () => {
  assert.deepEqual(files({ name: 'v', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'name', fieldRef: { fieldPath: 'metadata.name' } }, { path: 'mem', resourceFieldRef: { containerName: 'main', resource: 'limits.memory', divisor: '1Mi' } }] } }),
    { labels: ['a="1"\nb="2"', '644'], name: ['web', '644'], mem: ['32', '644'] });
  assert.deepEqual(files({ name: 'v', projected: { sources: [{ configMap: { name: 'cfg', items: [{ key: 'color', path: 'color' }] } }, { secret: { name: 'creds' } }, { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } }, { serviceAccountToken: { path: 'token' } }] } }),
    { color: ['blue', '644'], password: ['s3cret', '644'], ns: ['ns', '644'], token: ['token-value', '600'] });
});

for (const [how, fs] of [['asynchronous', ASYNC_FILE_OPS], ['synchronous (tmpfs)', SYNC_FILE_OPS]] as const) {
  test(`the atomic writer swaps generations and removes stale keys (${how} file operations)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-vol-'));
    try {
      const v1 = [{ path: 'a', data: Buffer.from('1'), mode: 0o644 }, { path: 'sub/b', data: Buffer.from('2'), mode: 0o600 }];
      assert.equal(await writeAtomically(dir, v1, undefined, filesDigest(v1), fs), true);
      assert.equal(readFileSync(join(dir, 'a'), 'utf8'), '1');
      assert.equal(readFileSync(join(dir, 'sub/b'), 'utf8'), '2');
      assert.equal(statSync(join(dir, 'sub/b')).mode & 0o777, 0o600);
      assert.equal(await writeAtomically(dir, v1, filesDigest(v1), filesDigest(v1), fs), false);
      const v2 = [{ path: 'a', data: Buffer.from('changed'), mode: 0o644 }];
      await writeAtomically(dir, v2, filesDigest(v1), filesDigest(v2), fs);
      assert.equal(readFileSync(join(dir, 'a'), 'utf8'), 'changed');
      const entries = readdirSync(dir).sort();
      assert.deepEqual(entries.filter((e) => !e.startsWith('..2')), ['..data', 'a']);
      assert.equal(entries.filter((e) => e.startsWith('..2')).length, 1, 'the old generation is gone');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`the atomic writer finishes a volume whose first write was interrupted (${how} file operations)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-vol-'));
    try {
      symlinkSync('..gone', join(dir, '..data_tmp'));
      writeFileSync(join(dir, 'a'), 'stray');
      const files = [{ path: 'a', data: Buffer.from('1'), mode: 0o644 }];
      assert.equal(await writeAtomically(dir, files, undefined, filesDigest(files), fs), true);
      assert.equal(readFileSync(join(dir, 'a'), 'utf8'), '1');
      assert.equal(readlinkSync(join(dir, 'a')), join('..data', 'a'));
      assert.ok(!readdirSync(dir).includes('..data_tmp'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('the atomic writer gives each file exactly its mode, also one the umask would cut', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-vol-'));
  const previous = process.umask(0o027);
  try {
    await writeAtomically(dir, [{ path: 'open', data: Buffer.from('1'), mode: 0o666 }, { path: 'plain', data: Buffer.from('2'), mode: 0o640 }]);
    assert.equal(statSync(join(dir, 'open')).mode & 0o777, 0o666);
    assert.equal(statSync(join(dir, 'plain')).mode & 0o777, 0o640);
  } finally {
    process.umask(previous);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the atomic writer skips a volume it wrote unchanged, and writes one a container emptied again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-vol-'));
  const files = [{ path: 'token', data: Buffer.from('t'), mode: 0o644 }];
  try {
    assert.equal(await writeAtomically(dir, files), true);
    const digest = filesDigest(files);
    assert.equal(await writeAtomically(dir, files, digest), false, 'unchanged and present: nothing to do');
    for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
    assert.equal(await writeAtomically(dir, files, digest), true, 'emptied: written again');
    assert.equal(readFileSync(join(dir, 'token'), 'utf8'), 't');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
