/**
 * The runtime's record of one container of a pod across its instances — what the kubelet
 * renders into status.containerStatuses: the current state (waiting, running, terminated),
 * the last termination, the restart count, readiness and startup.
 */
export interface TerminatedState {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt?: string;
  finishedAt: string;
  containerID?: string;
  signal?: number;
}

export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: TerminatedState };

export interface ContainerRecord {
  name: string;
  /** The image as the runtime resolved it (normalised reference). */
  image: string;
  imageID?: string;
  containerID?: string;
  restartCount: number;
  state: ContainerState;
  lastState?: TerminatedState;
  /** Readiness: running, started, and the readiness probe (if any) succeeds. */
  ready: boolean;
  /** Running and past its startup probe (if any). */
  started: boolean;
}

export const isRunning = (r: ContainerRecord | undefined): boolean => r !== undefined && 'running' in r.state;
export const isTerminated = (r: ContainerRecord | undefined): r is ContainerRecord & { state: { terminated: TerminatedState } } => r !== undefined && 'terminated' in r.state;
export const isWaiting = (r: ContainerRecord | undefined): boolean => r !== undefined && 'waiting' in r.state;

/** Exit code → the runtime's termination reason (Completed for 0, Error otherwise). */
export function terminationReason(exitCode: number): string {
  return exitCode === 0 ? 'Completed' : 'Error';
}

/** RFC 3339 without fractional seconds, as the API's metav1.Time. */
export function apiTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}
