/**
 * Helpers for the runtime end-to-end suites: waiting on a condition (never on time), reading
 * a pod through kubectl, reading a container's log file as the runtime wrote it, and
 * finding the processes a skiff instance started (by its runtime marker, see
 * src/runtime/process/proc.ts).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statfsSync } from 'node:fs';
import type { KubeObject } from '../../src/api/object.ts';
import { currentAndPreviousLogs, parseLogRecord, podLogsRootOf } from '../../src/runtime/logs/layout.ts';
import { markedProcesses } from '../../src/runtime/process/proc.ts';
import type { Kubectl } from './kubectl.ts';

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Reads `read()` until its output matches `pattern`, and returns that output — for Events,
 * which are written asynchronously (as client-go's broadcaster writes them), so the status
 * that reports a change can be stored before the Event that tells of it. On timeout it fails
 * as assert.match does, showing the last output.
 */
export async function waitForMatch(read: () => Promise<string>, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  let last = '';
  try {
    return await waitFor(`output matching ${pattern}`, async () => {
      last = await read();
      return pattern.test(last) ? last : undefined;
    }, timeoutMs);
  } catch (err) {
    assert.match(last, pattern);
    throw err;
  }
}

export interface PodView extends KubeObject {
  spec: Record<string, unknown> & { nodeName?: string };
  status: {
    phase?: string;
    podIP?: string;
    hostIP?: string;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
    containerStatuses?: ContainerStatusView[];
    initContainerStatuses?: ContainerStatusView[];
  };
}

export interface ContainerStatusView {
  name: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state: { waiting?: { reason: string; message?: string }; running?: { startedAt: string }; terminated?: { exitCode: number; reason: string; message?: string } };
  lastState: { terminated?: { exitCode: number; reason: string; message?: string } };
}

export async function getPod(kubectl: Kubectl, name: string, namespace = 'default'): Promise<PodView | undefined> {
  const r = await kubectl(['get', 'pod', name, '-n', namespace, '-o', 'json']);
  if (r.code !== 0) return undefined;
  return JSON.parse(r.stdout) as PodView;
}

export function containerStatus(pod: PodView | undefined, container: string): ContainerStatusView | undefined {
  return [...(pod?.status.containerStatuses ?? []), ...(pod?.status.initContainerStatuses ?? [])].find((c) => c.name === container);
}

export function condition(pod: PodView | undefined, type: string): string | undefined {
  return pod?.status.conditions?.find((c) => c.type === type)?.status;
}

/** The text a container wrote (current instance, or the previous one). */
export async function containerLog(dataDir: string, pod: PodView, container: string, which: 'current' | 'previous' = 'current'): Promise<string> {
  const files = await currentAndPreviousLogs(podLogsRootOf(dataDir), { namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid! }, container);
  const file = files[which];
  if (!file) return '';
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => {
    const r = parseLogRecord(l)!;
    return r.partial ? r.content : `${r.content}\n`;
  }).join('');
}

/** The runtime marker of the skiff instance using `dataDir`. */
export function runtimeIdOf(dataDir: string): string {
  return createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 16);
}

/** Live processes started by the skiff instance using `dataDir` (containers and warm processes). */
export function skiffProcesses(dataDir: string): Promise<number[]> {
  return markedProcesses(runtimeIdOf(dataDir));
}

/** Live processes whose command line contains `needle`. */
export async function processesWith(needle: string): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (cmdline.replace(/\0/g, ' ').includes(needle) && !/\) Z /.test(stat)) out.push(Number(entry));
  }
  return out;
}

/** Whether skiff keeps memory-backed volumes on tmpfs here (/dev/shm is one), as memory-volumes.ts decides. */
export function memoryVolumesOnTmpfs(): boolean {
  try {
    return statfsSync('/dev/shm').type === 0x01021994;
  } catch {
    return false;
  }
}
