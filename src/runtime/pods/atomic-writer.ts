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
 * The file operations are synchronous: a volume is a handful of small files on local disk
 * (tens of microseconds of syscalls), while the async API paid a thread-pool round trip and
 * a promise per operation — some 25 per volume, the largest part of starting a pod.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import type { VolumeFile } from './volumes.ts';

const DATA_LINK = '..data';

export function filesDigest(files: readonly VolumeFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) h.update(`${f.path}\0${f.mode}\0${f.data.length}\0`).update(f.data);
  return h.digest('hex');
}

/** Writes `files` under `dir`; returns false when `dir` already held exactly these files. */
export async function writeAtomically(dir: string, files: readonly VolumeFile[], previousDigest?: string): Promise<boolean> {
  return writeAtomicallySync(dir, files, previousDigest);
}

function writeAtomicallySync(dir: string, files: readonly VolumeFile[], previousDigest?: string): boolean {
  const digest = filesDigest(files);
  if (digest === previousDigest && currentGeneration(dir) !== undefined) return false;
  for (const f of files) {
    const p = normalize(f.path);
    if (p.startsWith('..') || p.startsWith('/') || p.split('/').some((s) => s === '..')) throw new Error(`invalid path ${JSON.stringify(f.path)} in volume`);
  }
  mkdirSync(dir, { recursive: true });
  // ..2026_01_02_03_04_05.<random>, as the kubelet names generations by time.
  const generation = `..${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '_')}.${randomBytes(5).toString('hex')}`;
  const genDir = join(dir, generation);
  mkdirSync(genDir, { recursive: true });
  for (const f of files) {
    const target = join(genDir, f.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.data);
    chmodSync(target, f.mode & 0o777);
  }
  const old = currentGeneration(dir);
  const tmpLink = join(dir, `${DATA_LINK}_tmp`);
  rmSync(tmpLink, { force: true });
  symlinkSync(generation, tmpLink);
  renameSync(tmpLink, join(dir, DATA_LINK));

  const wanted = new Set(files.map((f) => normalize(f.path).split('/')[0]!));
  for (const name of wanted) {
    const link = join(dir, name);
    if (linkTarget(link) === join(DATA_LINK, name)) continue;
    rmSync(link, { force: true, recursive: true });
    symlinkSync(join(DATA_LINK, name), link);
  }
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('..') || wanted.has(entry)) continue;
    rmSync(join(dir, entry), { force: true, recursive: true });
  }
  if (old !== undefined && old !== generation) rmSync(join(dir, old), { recursive: true, force: true });
  return true;
}

function linkTarget(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

function currentGeneration(dir: string): string | undefined {
  return linkTarget(join(dir, DATA_LINK));
}
