/**
 * The pod status the kubelet writes (generateAPIPodStatus), from the pod and the runtime's
 * container records: phase (getPhase), the conditions PodReadyToStartContainers,
 * Initialized, Ready and ContainersReady (PodScheduled and other writers' conditions are
 * kept), addresses, start time, and init/regular container statuses. Pure: same input,
 * same status; transition times move only when a condition's status changes.
 */
import type { KubeObject } from '../../api/object.ts';
import type { ContainerRecord } from './container-record.ts';

type Status = 'True' | 'False';

export interface PodCondition {
  type: string;
  status: Status | 'Unknown';
  lastProbeTime: null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

export interface PodStatusInput {
  pod: KubeObject;
  hostIP: string;
  podIP?: string;
  startTime?: string;
  /** The pod's sandbox (address, directories, network namespace) exists. */
  sandboxReady: boolean;
  /** Records in spec order; a container without one has not been seen yet. */
  init: ReadonlyMap<string, ContainerRecord>;
  containers: ReadonlyMap<string, ContainerRecord>;
  /** The pod will run no more containers (deleted, or done under its restart policy). */
  terminal: boolean;
  now: string;
  /** Pod-level reason/message (e.g. DeadlineExceeded). */
  reason?: string;
  message?: string;
  phaseOverride?: 'Failed';
}

interface ContainerSpec { name: string; restartPolicy?: string; volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }> }
interface PodSpec { containers?: ContainerSpec[]; initContainers?: ContainerSpec[]; restartPolicy?: string; readinessGates?: Array<{ conditionType: string }> }

const OWN_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);

export const isRestartableInit = (c: ContainerSpec): boolean => c.restartPolicy === 'Always';

export function buildPodStatus(input: PodStatusInput): Record<string, unknown> {
  const spec = (input.pod.spec ?? {}) as PodSpec;
  const old = (input.pod.status ?? {}) as { conditions?: PodCondition[]; qosClass?: string; phase?: string; startTime?: string };
  const initSpecs = spec.initContainers ?? [];
  const specs = spec.containers ?? [];
  const hasInit = initSpecs.some((c) => !isRestartableInit(c));
  const initStatuses = initSpecs.map((c) => containerStatus(c, input.init.get(c.name), 'PodInitializing'));
  const statuses = specs.map((c) => containerStatus(c, input.containers.get(c.name), hasInit ? 'PodInitializing' : 'ContainerCreating'));

  let phase = input.phaseOverride ?? getPhase(spec, initSpecs, specs, input, input.terminal);
  // A terminal phase is final (the status manager refuses to leave it).
  if (old.phase === 'Succeeded' || old.phase === 'Failed') phase = old.phase;

  const previous = new Map((old.conditions ?? []).map((c) => [c.type, c]));
  const condition = (type: string, status: Status, reason?: string, message?: string): PodCondition => {
    const prior = previous.get(type);
    return {
      type, status, lastProbeTime: null,
      lastTransitionTime: prior?.status === status ? prior.lastTransitionTime : input.now,
      ...(reason ? { reason } : {}), ...(message ? { message } : {}),
    };
  };
  const containersReady = containersReadyCondition(initSpecs, specs, input, phase);
  const ready = readyCondition(containersReady, spec, old.conditions ?? []);
  const conditions = [
    condition('PodReadyToStartContainers', input.sandboxReady ? 'True' : 'False'),
    condition('Initialized', ...initializedCondition(initSpecs, specs, input, phase)),
    condition('Ready', ...ready),
    condition('ContainersReady', ...containersReady),
    ...(old.conditions ?? []).filter((c) => !OWN_CONDITIONS.has(c.type)),
  ];

  const status: Record<string, unknown> = {
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    ...(input.podIP ? { podIP: input.podIP, podIPs: [{ ip: input.podIP }] } : {}),
    ...(input.startTime ?? old.startTime ? { startTime: input.startTime ?? old.startTime } : {}),
    ...(initStatuses.length > 0 ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: statuses,
    ...(old.qosClass ? { qosClass: old.qosClass } : {}),
    ...(input.reason ? { reason: input.reason } : {}),
    ...(input.message ? { message: input.message } : {}),
  };
  return status;
}

function containerStatus(spec: ContainerSpec, record: ContainerRecord | undefined, defaultWaiting: string): Record<string, unknown> {
  const volumeMounts = (spec.volumeMounts ?? []).map((m) => ({ name: m.name, mountPath: m.mountPath, ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}) }));
  if (!record) {
    return { name: spec.name, state: { waiting: { reason: defaultWaiting } }, lastState: {}, ready: false, restartCount: 0, image: '', imageID: '', started: false, ...(volumeMounts.length ? { volumeMounts } : {}) };
  }
  return {
    name: spec.name,
    state: record.state,
    lastState: record.lastState ? { terminated: record.lastState } : {},
    ready: record.ready,
    restartCount: record.restartCount,
    image: record.image,
    imageID: record.imageID ?? '',
    ...(record.containerID ? { containerID: record.containerID } : {}),
    started: record.started,
    ...(volumeMounts.length ? { volumeMounts } : {}),
  };
}

/** kubelet getPhase. */
function getPhase(spec: PodSpec, initSpecs: ContainerSpec[], specs: ContainerSpec[], input: PodStatusInput, podIsTerminal: boolean): string {
  let pendingRegularInit = 0;
  let pendingRestartableInit = 0;
  let failedInitialization = 0;
  for (const c of initSpecs) {
    if (isRestartableInit(c)) continue;
    const r = input.init.get(c.name);
    if (!r || 'running' in r.state) pendingRegularInit++;
    else if ('terminated' in r.state) { if (r.state.terminated.exitCode !== 0) failedInitialization++; }
    else if (r.lastState) { if (r.lastState.exitCode !== 0) failedInitialization++; }
    else pendingRegularInit++;
  }
  let unknown = 0, running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const c of initSpecs) {
    if (!isRestartableInit(c)) continue;
    const r = input.init.get(c.name);
    if (!r) { unknown++; continue; }
    if ('running' in r.state) { if (!r.started) pendingRestartableInit++; running++; }
    else if ('waiting' in r.state && !r.lastState) { pendingRestartableInit++; waiting++; }
  }
  for (const c of specs) {
    const r = input.containers.get(c.name);
    if (!r) { unknown++; continue; }
    if ('running' in r.state) running++;
    else if ('terminated' in r.state) { stopped++; if (r.state.terminated.exitCode === 0) succeeded++; }
    else if (r.lastState) stopped++;
    else waiting++;
  }
  const policy = spec.restartPolicy ?? 'Always';
  if (failedInitialization > 0 && policy === 'Never') return 'Failed';
  const anyRegularStarted = specs.some((c) => { const r = input.containers.get(c.name); return r !== undefined && ('running' in r.state || 'terminated' in r.state || r.lastState !== undefined); });
  if (pendingRegularInit > 0 || (pendingRestartableInit > 0 && !anyRegularStarted) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

type ConditionValue = [Status, string?, string?];

function initializedCondition(initSpecs: ContainerSpec[], specs: ContainerSpec[], input: PodStatusInput, phase: string): ConditionValue {
  if (initSpecs.length === 0) return ['True'];
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of initSpecs) {
    const r = input.init.get(c.name);
    if (!r) { unknown.push(c.name); continue; }
    const done = isRestartableInit(c) ? r.started : 'terminated' in r.state && r.state.terminated.exitCode === 0;
    if (!done) incomplete.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return ['True', 'PodCompleted'];
  if (specs.some((c) => { const r = input.containers.get(c.name); return r !== undefined && ('running' in r.state || 'terminated' in r.state || r.lastState !== undefined); })) return ['True'];
  const messages = [
    ...(unknown.length ? [`containers with unknown status: ${goList(unknown)}`] : []),
    ...(incomplete.length ? [`containers with incomplete status: ${goList(incomplete)}`] : []),
  ];
  return messages.length ? ['False', 'ContainersNotInitialized', messages.join(', ')] : ['True'];
}

function containersReadyCondition(initSpecs: ContainerSpec[], specs: ContainerSpec[], input: PodStatusInput, phase: string): ConditionValue {
  const unknown: string[] = [];
  const unready: string[] = [];
  for (const c of initSpecs.filter(isRestartableInit)) {
    const r = input.init.get(c.name);
    if (!r) unknown.push(c.name);
    else if (!r.ready) unready.push(c.name);
  }
  for (const c of specs) {
    const r = input.containers.get(c.name);
    if (!r) unknown.push(c.name);
    else if (!r.ready) unready.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return ['False', 'PodCompleted'];
  const messages = [
    ...(unknown.length ? [`containers with unknown status: ${goList(unknown)}`] : []),
    ...(unready.length ? [`containers with unready status: ${goList(unready)}`] : []),
  ];
  return messages.length ? ['False', 'ContainersNotReady', messages.join(', ')] : ['True'];
}

function readyCondition(containersReady: ConditionValue, spec: PodSpec, conditions: PodCondition[]): ConditionValue {
  if (containersReady[0] !== 'True') return containersReady;
  const messages: string[] = [];
  for (const gate of spec.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c) messages.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') messages.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
  }
  return messages.length ? ['False', 'ReadinessGatesNotReady', messages.join(', ')] : ['True'];
}

/** Go's %s of a []string: `[a b]`. */
function goList(names: string[]): string {
  return `[${names.join(' ')}]`;
}
