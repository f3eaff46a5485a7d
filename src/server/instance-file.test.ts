import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { instanceFilePath, readInstanceFile, removeInstanceFile, writeInstanceFile } from './instance-file.ts';
import type { InstanceInfo } from './types.ts';

const roots: string[] = [];
after(() => Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true }))));
async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-instance-'));
  roots.push(dir);
  return dir;
}

const info = (dir: string, pid = 4242): InstanceInfo => ({
  pid, apiServer: 'https://127.0.0.1:6443', kubeconfig: join(dir, 'kubeconfig'), dataDir: dir, store: 'embedded', startedAt: '2030-01-01T00:00:00.000Z', version: '0.1.0',
});

test('writes DIR/skiff.json (mode 0600) and reads it back', async () => {
  const dir = await dataDir();
  await writeInstanceFile(dir, info(dir));
  assert.equal(instanceFilePath(dir), join(dir, 'skiff.json'));
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'skiff.json'), 'utf8')), info(dir));
  assert.equal((await stat(join(dir, 'skiff.json'))).mode & 0o777, 0o600);
  assert.deepEqual(await readInstanceFile(dir), info(dir));
});

test('a missing, malformed or incomplete file reads as no instance', async () => {
  const dir = await dataDir();
  assert.equal(await readInstanceFile(dir), undefined);
  for (const content of ['{', 'null', '[]', JSON.stringify({ ...info(dir), pid: 'x' }), JSON.stringify({ ...info(dir), apiServer: undefined }), JSON.stringify({ ...info(dir), pid: -1 })]) {
    await writeFile(join(dir, 'skiff.json'), content);
    assert.equal(await readInstanceFile(dir), undefined, content);
  }
});

test('removal only deletes the file of the given pid and tolerates its absence', async () => {
  const dir = await dataDir();
  await writeInstanceFile(dir, info(dir, 10));
  await removeInstanceFile(dir, 11);
  assert.deepEqual(await readInstanceFile(dir), info(dir, 10));
  await removeInstanceFile(dir, 10);
  assert.equal(await readInstanceFile(dir), undefined);
  await removeInstanceFile(dir, 10);
});
