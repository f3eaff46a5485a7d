import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isSkiffError } from '../errors/skiff-error.ts';
import { writeInstanceFile } from './instance-file.ts';
import { acquireInstanceLock, assertDataDirFree, isProcessAlive, isSkiffProcess, lockFilePath, readLockHolder } from './instance-lock.ts';

const roots: string[] = [];
const children: ChildProcess[] = [];
after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-lock-'));
  roots.push(dir);
  return dir;
}

/** A live process whose command line does (or does not) mention skiff; killed after the tests. */
async function liveProcess(namedSkiff: boolean): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30); process.stdout.write("up")', namedSkiff ? 'skiff-lock-test' : 'other-program'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await once(child.stdout!, 'data');
  return child.pid!;
}

async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}

async function expectInUse(dir: string, message: RegExp): Promise<void> {
  await assert.rejects(acquireInstanceLock(dir), (error) => {
    assert.ok(isSkiffError(error, 'SKF_CLI_DATA_DIR_IN_USE'), String(error));
    assert.match(error.message, message);
    return true;
  });
}

test('the lock file names its holder; a second acquisition fails until it is released', async () => {
  const dir = await dataDir();
  const lock = await acquireInstanceLock(dir);
  assert.equal(lock.path, join(dir, 'skiff.lock'));
  assert.match(await readFile(lock.path, 'utf8'), new RegExp(`^${process.pid}\\n[0-9]*\\n$`));
  assert.equal((await readLockHolder(dir))?.pid, process.pid);
  await expectInUse(dir, new RegExp(`^skiff is already running on ${dir} \\(pid ${process.pid}, starting up\\); stop it with \`skiff down --data-dir ${dir}\`$`));
  await lock.release();
  await lock.release();
  assert.equal(await readLockHolder(dir), undefined);
  const again = await acquireInstanceLock(dir);
  await again.release();
});

test('the in-use message names the API from skiff.json', async () => {
  const dir = await dataDir();
  const lock = await acquireInstanceLock(dir);
  await writeInstanceFile(dir, { pid: process.pid, apiServer: 'https://127.0.0.1:7443', kubeconfig: join(dir, 'kubeconfig'), dataDir: dir, store: 'embedded', startedAt: new Date().toISOString(), version: '0.1.0' });
  await expectInUse(dir, new RegExp(`\\(pid ${process.pid}, API https://127\\.0\\.0\\.1:7443\\); stop it with`));
  await lock.release();
});

test('concurrent acquisitions in one process: exactly one wins', async () => {
  const dir = await dataDir();
  const results = await Promise.allSettled([acquireInstanceLock(dir), acquireInstanceLock(dir), acquireInstanceLock(dir)]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  for (const r of results) if (r.status === 'fulfilled') await r.value.release();
});

test('a live skiff holding the lock keeps it', async () => {
  const dir = await dataDir();
  const pid = await liveProcess(true);
  await writeFile(lockFilePath(dir), `${pid}\n`);
  await expectInUse(dir, new RegExp(`\\(pid ${pid}, starting up\\)`));
  assert.equal((await readLockHolder(dir))?.pid, pid);
  await assert.rejects(assertDataDirFree(dir), (error) => isSkiffError(error, 'SKF_CLI_DATA_DIR_IN_USE'));
  await writeFile(lockFilePath(dir), `${await exitedPid()}\n`);
  await assertDataDirFree(dir);
});

test('stale locks are taken over', async (t) => {
  const cases: [string, () => Promise<string>][] = [
    ['holder exited', async () => `${await exitedPid()}\n`],
    ['holder is not a skiff', async () => `${await liveProcess(false)}\n`],
    ['pid reused by another skiff (start time differs)', async () => `${await liveProcess(true)}\n1\n`],
    ['our own pid, left by an earlier process', async () => `${process.pid}\n`],
    ['unreadable content', async () => 'garbage'],
    ['empty file', async () => ''],
  ];
  for (const [name, content] of cases) {
    await t.test(name, async () => {
      const dir = await dataDir();
      await writeFile(lockFilePath(dir), await content());
      assert.equal(await readLockHolder(dir), undefined);
      const lock = await acquireInstanceLock(dir);
      assert.equal((await readLockHolder(dir))?.pid, process.pid);
      await lock.release();
      assert.deepEqual(await readdir(dir), [], 'no guard or temporary files are left');
    });
  }
});

test('release leaves a lock that another process has taken over', async () => {
  const dir = await dataDir();
  const lock = await acquireInstanceLock(dir);
  await writeFile(lock.path, '1\n');
  await lock.release();
  assert.equal(await readFile(lock.path, 'utf8'), '1\n');
});

test('processes racing for a stale lock: exactly one wins', async () => {
  const dir = await dataDir();
  await writeFile(lockFilePath(dir), `${await exitedPid()}\n`);
  const script = `
    import { acquireInstanceLock } from ${JSON.stringify(new URL('./instance-lock.ts', import.meta.url).href)};
    try {
      await acquireInstanceLock(process.argv[1]);
      process.stdout.write('won');
      process.stdin.resume();
    } catch (error) {
      process.stdout.write(error.code ?? String(error));
    }`;
  const racers = Array.from({ length: 6 }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir, 'skiff-race'], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    return child;
  });
  const outcomes = await Promise.all(racers.map(async (child) => {
    const [chunk] = await once(child.stdout!, 'data') as [Buffer];
    return chunk.toString();
  }));
  assert.deepEqual(outcomes.sort(), ['SKF_CLI_DATA_DIR_IN_USE', 'SKF_CLI_DATA_DIR_IN_USE', 'SKF_CLI_DATA_DIR_IN_USE', 'SKF_CLI_DATA_DIR_IN_USE', 'SKF_CLI_DATA_DIR_IN_USE', 'won']);
  await Promise.all(racers.map(async (child) => {
    child.stdin!.end();
    if (child.exitCode === null) await once(child, 'exit');
  }));
});

test('process identity: alive, and a skiff by its command line', async () => {
  assert.equal(isProcessAlive(process.pid), true);
  assert.equal(isProcessAlive(await exitedPid()), false);
  assert.equal(await isSkiffProcess(await liveProcess(true)), true);
  assert.equal(await isSkiffProcess(await liveProcess(false)), false);
});
