/**
 * Starts the watchdog (watchdog-main.ts) in its own session, holding the write end of its
 * stdin: if skiff dies, the pipe closes and the watchdog kills every container process of
 * this runtime and removes `memoryVolumes` (memory-volumes.ts). `release()` closes the pipe
 * on a clean stop (nothing is left to kill then, and the volumes go as after a crash).
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

export interface Watchdog {
  readonly pid: number;
  release(): Promise<void>;
}

export async function startWatchdog(script: string, runtimeId: string, memoryVolumes?: string): Promise<Watchdog> {
  const child = spawn(process.execPath, [script, runtimeId, ...(memoryVolumes !== undefined ? [memoryVolumes] : [])], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env: { PATH: process.env.PATH ?? '' } });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  // Neither the child nor the pipe may keep skiff's event loop alive.
  child.unref();
  (child.stdin as unknown as Socket).unref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid!,
    release: async () => {
      child.stdin!.end();
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    },
  };
}
