/**
 * Writes a set of files into a volume directory so that a reader never sees a mix of old
 * and new contents — the kubelet's AtomicWriter layout:
 *
 *   <dir>/..2026_01_02_03_04_05.123456789/   the current generation of the files
 *   <dir>/..data -> ..2026_01_02_…           swapped atomically (rename of a new symlink)
 *   <dir>/<name> -> ..data/<name>            one symlink per top-level entry
 *
 * Rewriting identical content is a no-op; removed keys lose their symlinks.
 *
 * A fresh volume skips the steps that only matter for a rewrite (removing a stale temporary
 * link, reading links that cannot exist yet, sweeping old entries): starting a pod writes
 * a few volumes, and every file operation is a round trip to the thread pool. The
 * operations on a disk stay asynchronous: alone, a small file, symlink or rename takes the
 * kernel only 5–30 µs, less than a round trip costs the event loop — but each needs the file
 * system's journal, and while the store's WAL syncs (every API write) they wait for it: made
 * synchronous, they took 30–40 % of the event loop in 50-pod bursts, 0.5 ms and more each.
 * On tmpfs (memory-backed volumes, memory-volumes.ts) there is no journal to wait for, and
 * the same operations are synchronous: cheaper there than the round trips.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import type { VolumeFile } from './volumes.ts';

/** The file operations a write uses: awaited either way, so one code path serves both. */
export interface FileOps {
  mkdir(path: string, opts: { recursive: true }): unknown;
  writeFile(path: string, data: Buffer, opts: { mode: number }): unknown;
  chmod(path: string, mode: number): unknown;
  readlink(path: string): string | Promise<string>;
  symlink(target: string, path: string): unknown;
  rename(from: string, to: string): unknown;
  rm(path: string, opts: { force: true; recursive: true }): unknown;
  readdir(path: string): string[] | Promise<string[]>;
}

/** For volumes on a disk. */
export const ASYNC_FILE_OPS: FileOps = { mkdir, writeFile, chmod, readlink, symlink, rename, rm, readdir };
/** For volumes on tmpfs. */
export const SYNC_FILE_OPS: FileOps = {
  mkdir: mkdirSync, writeFile: writeFileSync, chmod: chmodSync, readlink: (p) => readlinkSync(p), symlink: symlinkSync,
  rename: renameSync, rm: rmSync, readdir: (p) => readdirSync(p),
};

const DATA_LINK = '..data';
/** The process's umask (reading it this way is deprecated only in the docs, and cannot race). */
const UMASK = process.umask();

export function filesDigest(files: readonly VolumeFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) h.update(`${f.path}\0${f.mode}\0${f.data.length}\0`).update(f.data);
  return h.digest('hex');
}

/** Writes `files` under `dir`; returns false when `dir` already held exactly these files. */
export async function writeAtomically(dir: string, files: readonly VolumeFile[], previousDigest?: string, digest = filesDigest(files), fs: FileOps = ASYNC_FILE_OPS): Promise<boolean> {
  // Unchanged since this runtime last wrote it, and still there: the kubelet's AtomicWriter
  // too looks at the volume on every sync, so one a container emptied is written again.
  if (previousDigest !== undefined && digest === previousDigest && (await currentGeneration(dir, fs)) !== undefined) return false;
  for (const f of files) {
    const p = normalize(f.path);
    if (p.startsWith('..') || p.startsWith('/') || p.split('/').some((s) => s === '..')) throw new Error(`invalid path ${JSON.stringify(f.path)} in volume`);
  }
  // ..2026_01_02_03_04_05.<random>, as the kubelet names generations by time.
  const generation = `..${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '_')}.${randomBytes(5).toString('hex')}`;
  const genDir = join(dir, generation);
  await fs.mkdir(genDir, { recursive: true }); // and `dir` with it
  for (const f of files) {
    const target = join(genDir, f.path);
    if (dirname(target) !== genDir) await fs.mkdir(dirname(target), { recursive: true });
    const mode = f.mode & 0o777;
    await fs.writeFile(target, f.data, { mode });
    // Created with mode & ~umask: only a mode the umask cuts needs setting again.
    if ((mode & UMASK) !== 0) await fs.chmod(target, mode);
  }
  const old = await currentGeneration(dir, fs);
  const tmpLink = join(dir, `${DATA_LINK}_tmp`);
  await forceSymlink(generation, tmpLink, fs); // a temporary link left by an interrupted write is replaced
  await fs.rename(tmpLink, join(dir, DATA_LINK));

  const wanted = new Set(files.map((f) => normalize(f.path).split('/')[0]!));
  for (const name of wanted) {
    const link = join(dir, name);
    // A rewrite keeps the links that already point into ..data; a fresh volume has none to read.
    if (old !== undefined && (await readlinkOrUndefined(link, fs)) === join(DATA_LINK, name)) continue;
    await forceSymlink(join(DATA_LINK, name), link, fs);
  }
  if (old === undefined) return true; // a fresh volume has nothing stale to sweep
  for (const entry of await fs.readdir(dir)) {
    if (entry.startsWith('..') || wanted.has(entry)) continue;
    await fs.rm(join(dir, entry), { force: true, recursive: true });
  }
  if (old !== generation) await fs.rm(join(dir, old), { recursive: true, force: true });
  return true;
}

/** symlink, replacing whatever is at `path` only when something is (the common case costs one call). */
async function forceSymlink(target: string, path: string, fs: FileOps): Promise<void> {
  try {
    await fs.symlink(target, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    await fs.rm(path, { force: true, recursive: true });
    await fs.symlink(target, path);
  }
}

async function readlinkOrUndefined(path: string, fs: FileOps): Promise<string | undefined> {
  try {
    return await fs.readlink(path);
  } catch {
    return undefined;
  }
}

function currentGeneration(dir: string, fs: FileOps): Promise<string | undefined> {
  return readlinkOrUndefined(join(dir, DATA_LINK), fs);
}
