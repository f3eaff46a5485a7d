/**
 * Finds the skiff running on a data directory. The lock names the live process; skiff.json
 * (written once the API serves) says where to reach it. Either without the other means the
 * instance is starting, stopping, or left a stale file behind when it crashed.
 */
import { SkiffError } from '../errors/skiff-error.ts';
import { readInstanceFile } from '../server/instance-file.ts';
import { readLockHolder } from '../server/instance-lock.ts';
import type { InstanceInfo } from '../server/types.ts';

export type InstanceState =
  | { state: 'running'; pid: number; info: InstanceInfo }
  | { state: 'starting'; pid: number }
  | { state: 'stopped'; stale: InstanceInfo | undefined };

export async function inspectInstance(dataDir: string): Promise<InstanceState> {
  const [holder, info] = await Promise.all([readLockHolder(dataDir), readInstanceFile(dataDir)]);
  if (holder === undefined) return { state: 'stopped', stale: info };
  if (info !== undefined && info.pid === holder.pid) return { state: 'running', pid: holder.pid, info };
  return { state: 'starting', pid: holder.pid };
}

/** The running instance's InstanceInfo, or SKF_CLI_NOT_RUNNING saying why there is none. */
export async function requireRunningInstance(dataDir: string): Promise<InstanceInfo> {
  const found = await inspectInstance(dataDir);
  if (found.state === 'running') return found.info;
  throw notRunningError(dataDir, found);
}

export function notRunningError(dataDir: string, found: Exclude<InstanceState, { state: 'running' }>): SkiffError {
  if (found.state === 'starting') {
    return new SkiffError('SKF_CLI_NOT_RUNNING', `skiff on ${dataDir} (pid ${found.pid}) is starting or stopping: its API is not serving`, { details: { dataDir, pid: found.pid } });
  }
  const stale = found.stale === undefined ? '' : ` (skiff.json names pid ${found.stale.pid}, which is no longer running)`;
  return new SkiffError('SKF_CLI_NOT_RUNNING', `skiff is not running on ${dataDir}${stale}`, { details: { dataDir } });
}
