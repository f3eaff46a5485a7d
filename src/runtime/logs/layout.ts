/**
 * Where container logs live and what a log line looks like — the contract between the
 * runtime (which writes them) and `kubectl logs` (which serves them).
 *
 * Layout, as the kubelet's /var/log/pods:
 *   <dataDir>/runtime/pod-logs/<namespace>_<pod>_<uid>/<container>/<restartCount>.log
 * One file per container instance, and beside it `<restartCount>.id` holding the
 * instance's container ID (status.containerStatuses[].containerID / lastState…containerID),
 * so a reader can pick files the way the kubelet does (by the IDs in the status). The
 * runtime keeps the current instance and the one before it (`--previous`), removes older
 * ones, and removes the pod's folder when the pod is gone.
 *
 * Line format, as the CRI logging format (containerd/CRI-O):
 *   <RFC3339Nano timestamp> <stdout|stderr> <F|P> <content>\n
 * `F` ends a line of output; `P` is a part of a longer line that continues in the next
 * record (no newline between them when shown).
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface PodLogRef {
  namespace: string;
  name: string;
  uid: string;
}

export type LogStream = 'stdout' | 'stderr';

export interface LogRecord {
  /** RFC 3339 with 9 fractional digits, as written (`2026-11-23T07:32:49.401000000Z`). */
  timestamp: string;
  stream: LogStream;
  /** True for a `P` record: the line continues in the next record. */
  partial: boolean;
  content: string;
}

/** Container instances kept per container: the current one and the previous one. */
export const KEPT_INSTANCES = 2;

/** Records longer than this are split into `P` parts (containerd uses 16 KiB). */
export const MAX_RECORD_BYTES = 16 * 1024;

/** DIR/runtime: everything the runtime (skiff's kubelet) keeps on disk. */
export function runtimeDirOf(dataDir: string): string {
  return join(dataDir, 'runtime');
}

/** DIR/runtime/pod-logs: the root of all container logs. */
export function podLogsRootOf(dataDir: string): string {
  return join(runtimeDirOf(dataDir), 'pod-logs');
}

export function podLogDir(root: string, pod: PodLogRef): string {
  return join(root, `${pod.namespace}_${pod.name}_${pod.uid}`);
}

export function containerLogDir(root: string, pod: PodLogRef, container: string): string {
  return join(podLogDir(root, pod), container);
}

/** The log file of one container instance; `restartCount` is the instance's restart count. */
export function containerLogPath(root: string, pod: PodLogRef, container: string, restartCount: number): string {
  return join(containerLogDir(root, pod, container), `${restartCount}.log`);
}

/** The file holding the container ID of the instance logged in `containerLogPath(…, restartCount)`. */
export function containerIdPath(root: string, pod: PodLogRef, container: string, restartCount: number): string {
  return join(containerLogDir(root, pod, container), `${restartCount}.id`);
}

/** The log file of the instance with this container ID (`skiff://…`), if it is kept. */
export async function logPathForContainerID(root: string, pod: PodLogRef, container: string, containerID: string): Promise<string | undefined> {
  for (const n of (await loggedInstances(root, pod, container)).reverse()) {
    const id = await readFile(containerIdPath(root, pod, container, n), 'utf8').catch(() => '');
    if (id.trim() === containerID) return containerLogPath(root, pod, container, n);
  }
  return undefined;
}

/** The restart counts of the instances whose logs exist, oldest first. */
export async function loggedInstances(root: string, pod: PodLogRef, container: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(containerLogDir(root, pod, container));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const counts: number[] = [];
  for (const name of names) {
    const m = /^(\d+)\.log$/.exec(name);
    if (m) counts.push(Number(m[1]));
  }
  return counts.sort((a, b) => a - b);
}

/**
 * The current and the previous instance's log files (either may be missing). "Current" is
 * the newest instance, running or not; "previous" the one before it, as `kubectl logs -p`.
 */
export async function currentAndPreviousLogs(root: string, pod: PodLogRef, container: string): Promise<{ current?: string; previous?: string }> {
  const counts = await loggedInstances(root, pod, container);
  const current = counts.at(-1);
  const previous = counts.at(-2);
  return {
    ...(current !== undefined ? { current: containerLogPath(root, pod, container, current) } : {}),
    ...(previous !== undefined ? { previous: containerLogPath(root, pod, container, previous) } : {}),
  };
}

/**
 * The kubelet's RFC3339NanoFixed: always nine fractional digits. `nanos` (0–999999) adds
 * the sub-millisecond part a Date cannot carry.
 */
export function formatLogTimestamp(time: Date, nanos = 0): string {
  const iso = time.toISOString(); // 2026-11-23T07:32:49.401Z
  const fraction = String(time.getUTCMilliseconds() * 1_000_000 + Math.max(0, Math.min(999_999, Math.floor(nanos)))).padStart(9, '0');
  return `${iso.slice(0, 19)}.${fraction}Z`;
}

export function formatLogRecord(record: LogRecord): string {
  return `${record.timestamp} ${record.stream} ${record.partial ? 'P' : 'F'} ${record.content}\n`;
}

/** Parses one line of a log file (without its trailing newline); undefined if malformed. */
export function parseLogRecord(line: string): LogRecord | undefined {
  const m = /^(\S+) (stdout|stderr) ([FP]) ?(.*)$/s.exec(line);
  if (!m) return undefined;
  return { timestamp: m[1]!, stream: m[2] as LogStream, partial: m[3] === 'P', content: m[4]! };
}
