/**
 * One skiff per data directory. Node has no flock(2), so the lock is a file created
 * exclusively (link(2) of a fully written temporary file, so readers never see it half
 * written) that names its holder: pid and the process's start time from /proc. A lock whose
 * holder is gone, is not a skiff, or is a different process that reuses the pid (after a
 * reboot or container restart) is stale and taken over.
 *
 * Removing a stale lock is the racy step (two contenders judge it stale; the slower one
 * must not delete the faster one's fresh lock), so removal happens only under a second,
 * short-lived exclusive file, `skiff.lock.takeover`: its holder re-reads the lock and deletes
 * it only if it is still the stale one. While the stale lock exists nobody can create a new
 * one, so that check-then-delete cannot hit a fresh lock.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { SkiffError } from '../errors/skiff-error.ts';
import { readInstanceFile } from './instance-file.ts';

export interface InstanceLock {
  readonly path: string;
  /** Deletes the lock file if this process still holds it. Idempotent. */
  release(): Promise<void>;
}

export interface LockHolder {
  pid: number;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat field 22), when known. */
  startTicks: string | undefined;
}

/** Lock files this process holds right now; one naming our own pid but absent here is stale. */
const heldLocks = new Set<string>();
const attemptsInProgress = new Map<string, Promise<void>>();

export function lockFilePath(dataDir: string): string {
  return join(resolve(dataDir), 'skiff.lock');
}

/**
 * Takes the data-directory lock or fails with SKF_CLI_DATA_DIR_IN_USE naming the running
 * instance. Creates the data directory (mode 0700) if needed.
 */
export function acquireInstanceLock(dataDir: string): Promise<InstanceLock> {
  // Attempts from this process on one directory run one at a time: they would all write the
  // same holder content, which the takeover logic cannot tell apart.
  const path = lockFilePath(dataDir);
  const attempt = (attemptsInProgress.get(path) ?? Promise.resolve()).then(() => acquire(dataDir, path));
  attemptsInProgress.set(path, attempt.then(() => undefined, () => undefined));
  return attempt;
}

async function acquire(dataDir: string, path: string): Promise<InstanceLock> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const content = formatHolder({ pid: process.pid, startTicks: await processStartTicks(process.pid) });
  // Each round wins, meets a live holder, removes a stale lock, or waits briefly for another
  // process that is removing one; the bound only matters if that process hangs there.
  for (let round = 0; round < 200; round++) {
    if (await createExclusive(path, content)) {
      return { path, release: () => releaseFile(path, content) };
    }
    const observed = await readOptional(path);
    if (observed === undefined) continue;
    const holder = parseHolder(observed);
    if (holder !== undefined && await isLiveHolder(holder, path)) throw await inUseError(dataDir, holder.pid);
    if (!(await removeStaleLock(path, observed, content))) await delay(10);
  }
  throw new SkiffError('SKF_CLI_DATA_DIR_IN_USE', `could not take the lock ${path}: another process keeps taking over its stale lock`);
}

/**
 * Fails with SKF_CLI_DATA_DIR_IN_USE when a live skiff holds the lock, without taking it:
 * lets `skiff up` refuse at once instead of after loading the whole server. Only a hint:
 * `acquireInstanceLock` remains the decision.
 */
export async function assertDataDirFree(dataDir: string): Promise<void> {
  const holder = await readLockHolder(dataDir);
  if (holder !== undefined) throw await inUseError(dataDir, holder.pid);
}

/** The live holder of the data directory's lock, or undefined when no skiff holds it. */
export async function readLockHolder(dataDir: string): Promise<LockHolder | undefined> {
  const path = lockFilePath(dataDir);
  const observed = await readOptional(path);
  const holder = observed === undefined ? undefined : parseHolder(observed);
  return holder !== undefined && await isLiveHolder(holder, path) ? holder : undefined;
}

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when the process looks like a skiff: its command line mentions skiff. Where /proc is
 * unavailable (not Linux) a live process is given the benefit of the doubt.
 */
export async function isSkiffProcess(pid: number): Promise<boolean> {
  if (!isProcessAlive(pid)) return false;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.toLowerCase().includes('skiff');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !(await procfsAvailable())) return true;
    return false;
  }
}

async function isLiveHolder(holder: LockHolder, path: string): Promise<boolean> {
  if (holder.pid === process.pid) return heldLocks.has(path);
  if (!(await isSkiffProcess(holder.pid))) return false;
  const ticks = await processStartTicks(holder.pid);
  return holder.startTicks === undefined || ticks === undefined || ticks === holder.startTicks;
}

async function createExclusive(path: string, content: string): Promise<boolean> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, content, { mode: 0o600 });
  try {
    await link(temp, path);
    heldLocks.add(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Deletes the lock if it still holds `staleContent`, under the takeover guard. Returns false
 * when another process holds the guard (the caller waits and looks again).
 */
async function removeStaleLock(path: string, staleContent: string, ownContent: string): Promise<boolean> {
  const guard = `${path}.takeover`;
  if (!(await createExclusive(guard, ownContent))) {
    const observed = await readOptional(guard);
    const holder = observed === undefined ? undefined : parseHolder(observed);
    if (observed === undefined) return true;
    if (holder !== undefined && await isLiveHolder(holder, guard)) return false;
    // The guard's holder died inside the few milliseconds it holds it: clear the guard.
    await removeIfUnchanged(guard, observed);
    return true;
  }
  try {
    if ((await readOptional(path)) === staleContent) await unlink(path).catch(ignoreMissing);
  } finally {
    await releaseFile(guard, ownContent);
  }
  return true;
}

/** Moves the file aside atomically; if what moved is not what was judged dead, puts it back. */
async function removeIfUnchanged(path: string, expected: string): Promise<void> {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    ignoreMissing(error as NodeJS.ErrnoException);
    return;
  }
  if ((await readOptional(aside)) !== expected) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(ignoreMissing);
}

async function releaseFile(path: string, content: string): Promise<void> {
  heldLocks.delete(path);
  if ((await readOptional(path)) !== content) return;
  await unlink(path).catch(ignoreMissing);
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}

async function inUseError(dataDir: string, pid: number): Promise<SkiffError> {
  const info = await readInstanceFile(dataDir).catch(() => undefined);
  const where = info !== undefined && info.pid === pid ? `API ${info.apiServer}` : 'starting up';
  return new SkiffError(
    'SKF_CLI_DATA_DIR_IN_USE',
    `skiff is already running on ${dataDir} (pid ${pid}, ${where}); stop it with \`skiff down --data-dir ${dataDir}\``,
    { details: { pid, dataDir, ...(info?.pid === pid ? { apiServer: info.apiServer } : {}) } },
  );
}

function formatHolder(holder: LockHolder): string {
  return `${holder.pid}\n${holder.startTicks ?? ''}\n`;
}

function parseHolder(content: string): LockHolder | undefined {
  const [pidLine = '', ticksLine = ''] = content.split('\n');
  if (!/^[1-9][0-9]*$/.test(pidLine)) return undefined;
  const pid = Number(pidLine);
  if (!Number.isSafeInteger(pid)) return undefined;
  return { pid, startTicks: /^[0-9]+$/.test(ticksLine) ? ticksLine : undefined };
}

/** Field 22 of /proc/<pid>/stat; the command name (field 2) may contain spaces and parentheses. */
async function processStartTicks(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[22 - 3];
    return ticks !== undefined && /^[0-9]+$/.test(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

async function procfsAvailable(): Promise<boolean> {
  try {
    await readFile('/proc/self/stat', 'utf8');
    return true;
  } catch {
    return false;
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
