/**
 * The Pod table as kube-apiserver prints it (printers.go printPod): READY counts ready
 * containers plus started-and-ready sidecars, STATUS summarises init progress and the first
 * waiting/terminated container, RESTARTS says when the last restart happened.
 */
import type { TablePrinter } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';
import { humanDuration, parseTimestamp } from '../human-duration.ts';
import { int, obj, objs, str } from '../util/obj.ts';
import { age, ageColumn, column, fieldColumn, nameColumn } from '../util/table.ts';

const POD_SPEC = 'io.k8s.api.core.v1.PodSpec';
const POD_STATUS = 'io.k8s.api.core.v1.PodStatus';

function isRestartable(container: unknown): boolean {
  return str(obj(container).restartPolicy) === 'Always';
}

/** The later of two finishedAt times (ms), keeping the first when the second is unset. */
function later(current: number, candidate: unknown): number {
  const ms = parseTimestamp(candidate);
  return ms !== undefined && ms > current ? ms : current;
}

function conditionTrue(conditions: unknown, type: string): boolean {
  return objs(conditions).some((c) => str(c.type) === type && str(c.status) === 'True');
}

interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

function terminatedReason(t: Record<string, unknown>, prefix: string): string {
  const reason = str(t.reason);
  if (reason !== '') return `${prefix}${reason}`;
  const signal = int(t.signal);
  return signal !== 0 ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${int(t.exitCode)}`;
}

export function summarisePod(pod: KubeObject, now: Date): PodSummary {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const initSpecs = objs(spec.initContainers);
  const initByName = new Map(initSpecs.map((c) => [str(c.name), c]));
  // Sidecars (restartable init containers) count as containers of the running pod.
  const total = objs(spec.containers).length + initSpecs.filter(isRestartable).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;

  const phase = str(status.phase);
  let reason = str(status.reason) !== '' ? str(status.reason) : phase;
  for (const c of objs(status.conditions)) {
    if (str(c.type) === 'PodScheduled' && str(c.reason) === 'SchedulingGated') reason = 'SchedulingGated';
  }

  let initializing = false;
  const initStatuses = objs(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    const state = obj(c.state);
    const terminated = state.terminated === undefined || state.terminated === null ? undefined : obj(state.terminated);
    const waiting = state.waiting === undefined || state.waiting === null ? undefined : obj(state.waiting);
    restarts += int(c.restartCount);
    const lastTerminated = obj(obj(c.lastState).terminated);
    lastRestart = later(lastRestart, lastTerminated.finishedAt);
    const sidecar = isRestartable(initByName.get(str(c.name)));
    if (sidecar) {
      sidecarRestarts += int(c.restartCount);
      lastSidecarRestart = later(lastSidecarRestart, lastTerminated.finishedAt);
    }
    if (terminated && int(terminated.exitCode) === 0) continue;
    if (sidecar && c.started === true) {
      if (c.ready === true) ready++;
      continue;
    }
    if (terminated) {
      reason = terminatedReason(terminated, 'Init:');
    } else if (waiting && str(waiting.reason) !== '' && str(waiting.reason) !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status.conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = objs(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      const state = obj(c.state);
      restarts += int(c.restartCount);
      lastRestart = later(lastRestart, obj(obj(c.lastState).terminated).finishedAt);
      const waiting = obj(state.waiting);
      const terminated = state.terminated === undefined || state.terminated === null ? undefined : obj(state.terminated);
      if (str(waiting.reason) !== '') reason = str(waiting.reason);
      else if (terminated) reason = terminatedReason(terminated, '');
      else if (c.ready === true && state.running !== undefined && state.running !== null) {
        hasRunning = true;
        ready++;
      }
    }
    // A completed container next to a running one: the pod is still up.
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status.conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  if (pod.metadata.deletionTimestamp && str(status.reason) === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const restartsText = restarts !== 0 && lastRestart !== 0
    ? `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`
    : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsText };
}

function readinessGates(pod: KubeObject): string {
  const gates = objs(obj(pod.spec).readinessGates);
  if (gates.length === 0) return '<none>';
  const conditions = objs(obj(pod.status).conditions);
  const trueCount = gates.filter((g) => {
    const c = conditions.find((x) => str(x.type) === str(g.conditionType));
    return c !== undefined && str(c.status) === 'True';
  }).length;
  return `${trueCount}/${gates.length}`;
}

export function podTable(): TablePrinter {
  return {
    columns: [
      nameColumn(),
      column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
      column('Status', 'string', 'The aggregate status of the containers in this pod.'),
      column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      ageColumn(),
      fieldColumn('IP', 'string', POD_STATUS, 'podIP', 1),
      fieldColumn('Node', 'string', POD_SPEC, 'nodeName', 1),
      fieldColumn('Nominated Node', 'string', POD_STATUS, 'nominatedNodeName', 1),
      fieldColumn('Readiness Gates', 'string', POD_SPEC, 'readinessGates', 1),
    ],
    row(pod, now) {
      const s = summarisePod(pod, now);
      const status = obj(pod.status);
      const podIP = str(objs(status.podIPs)[0]?.ip);
      return [
        pod.metadata.name ?? '', s.ready, s.status, s.restarts, age(pod, now),
        podIP || '<none>',
        str(obj(pod.spec).nodeName) || '<none>',
        str(status.nominatedNodeName) || '<none>',
        readinessGates(pod),
      ];
    },
  };
}
