/**
 * Container records for a pod this runtime finds already bound and with a status — after
 * a skiff restart, when no process of the previous run survives (the watchdog or the
 * reaper ended them). As the kubelet does after a node reboot (convertToAPIContainerStatuses):
 * a container that was running is counted as terminated with `ContainerStatusUnknown`
 * (exit 137), so its restart policy decides whether it runs again (and its next start
 * counts as a restart); terminated containers (finished init containers, completed
 * run-to-completion pods) keep their state.
 */
import type { ContainerRecord, TerminatedState } from './container-record.ts';

export interface AdoptedContainer {
  record: ContainerRecord;
  /** When its last instance finished (ms), for back-off. */
  lastFinishedAt?: number;
  /** A previous instance ran: the next start is a restart. */
  ranBefore: boolean;
}

interface ApiContainerStatus {
  name: string;
  image?: string;
  imageID?: string;
  containerID?: string;
  restartCount?: number;
  state?: { running?: { startedAt?: string }; terminated?: TerminatedState; waiting?: { reason?: string; message?: string } };
  lastState?: { terminated?: TerminatedState };
}

export const UNKNOWN_STATUS_MESSAGE = 'The container could not be located when the pod was deleted.  The container used to be Running';

export function adoptContainers(statuses: readonly ApiContainerStatus[] | undefined, now: string): Map<string, AdoptedContainer> {
  const out = new Map<string, AdoptedContainer>();
  for (const s of statuses ?? []) {
    const base = { name: s.name, image: s.image ?? '', ...(s.imageID ? { imageID: s.imageID } : {}), ...(s.containerID ? { containerID: s.containerID } : {}), ready: false, started: false };
    const restartCount = s.restartCount ?? 0;
    if (s.state?.terminated) {
      out.set(s.name, {
        record: { ...base, restartCount, state: { terminated: s.state.terminated }, ...(s.lastState?.terminated ? { lastState: s.lastState.terminated } : {}) },
        lastFinishedAt: Date.parse(s.state.terminated.finishedAt),
        ranBefore: true,
      });
    } else if (s.state?.running) {
      const lost: TerminatedState = { exitCode: 137, reason: 'ContainerStatusUnknown', message: UNKNOWN_STATUS_MESSAGE, startedAt: s.state.running.startedAt, finishedAt: now, ...(s.containerID ? { containerID: s.containerID } : {}) };
      out.set(s.name, {
        record: { ...base, restartCount, state: { waiting: { reason: 'ContainerCreating' } }, lastState: lost },
        lastFinishedAt: Date.parse(now),
        ranBefore: true,
      });
    } else if (s.lastState?.terminated) {
      out.set(s.name, {
        record: { ...base, restartCount, state: { waiting: { reason: s.state?.waiting?.reason ?? 'ContainerCreating', ...(s.state?.waiting?.message ? { message: s.state.waiting.message } : {}) } }, lastState: s.lastState.terminated },
        lastFinishedAt: Date.parse(s.lastState.terminated.finishedAt),
        ranBefore: true,
      });
    }
  }
  return out;
}
