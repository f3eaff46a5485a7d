/**
 * DIR/skiff.json: how the CLI finds a running instance (its pid, API URL, kubeconfig…).
 * Written atomically once the instance serves, removed when it stops cleanly; a file left by
 * a crash is recognised as stale because its pid no longer holds the data-directory lock.
 */
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.ts';
import type { InstanceInfo } from './types.ts';

export function instanceFilePath(dataDir: string): string {
  return join(dataDir, 'skiff.json');
}

export async function writeInstanceFile(dataDir: string, info: InstanceInfo): Promise<void> {
  await writeFileAtomic(instanceFilePath(dataDir), `${JSON.stringify(info, null, 2)}\n`, 0o600);
}

/** The recorded instance, or undefined when there is no file or it does not hold an InstanceInfo. */
export async function readInstanceFile(dataDir: string): Promise<InstanceInfo | undefined> {
  let text: string;
  try {
    text = await readFile(instanceFilePath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const value: unknown = JSON.parse(text);
    return isInstanceInfo(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Removes skiff.json if it still describes `pid` (never another instance's file). */
export async function removeInstanceFile(dataDir: string, pid: number): Promise<void> {
  const info = await readInstanceFile(dataDir);
  if (info !== undefined && info.pid !== pid) return;
  await unlink(instanceFilePath(dataDir)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

function isInstanceInfo(value: unknown): value is InstanceInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return Number.isSafeInteger(v.pid) && (v.pid as number) > 0
    && typeof v.apiServer === 'string' && typeof v.kubeconfig === 'string' && typeof v.dataDir === 'string'
    && typeof v.store === 'string' && typeof v.startedAt === 'string' && typeof v.version === 'string';
}
