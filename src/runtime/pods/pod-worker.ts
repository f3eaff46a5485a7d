/**
 * One pod on this node, driven to its desired state by a level-triggered sync (the
 * kubelet's pod worker + syncPod): set up the sandbox (address, directories, network
 * namespace) and volumes, run init containers in order, then keep every container running
 * as its restart policy says (with crash-loop back-off), watch probes, and write the
 * status through the status subresource. When the pod is deleted: mark it unready, stop
 * every container gracefully, write the final status, delete it with grace 0 and remove
 * what it left on disk. Syncs of one pod never overlap; anything that changes (an API
 * update, a process exit, a probe verdict, a back-off ending) asks for another.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../../api/object.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import { podLogDir } from '../logs/layout.ts';
import { isMeshedPod } from '../network/inner-address.ts';
import type { PodSandboxNetwork } from '../network/pod-network.ts';
import type { ProcessExit } from '../process/launcher.ts';
import { adoptContainers } from './adoption.ts';
import { formatDuration } from './backoff.ts';
import { apiTime, terminationReason, type ContainerRecord, type TerminatedState } from './container-record.ts';
import { probeTitle, readinessTryInFlight, startProbes, stopProbes, triggerReadiness } from './container-probes.ts';
import { containerRef, podFacts, startContainer, type PodRuntimeView } from './container-runner.ts';
import type { ContainerInstance, ContainerSlot, ContainerSpec } from './container-spec.ts';
import { stopInstance, terminationGraceSeconds } from './container-stopper.ts';
import { buildPodStatus, isRestartableInit } from './pod-status.ts';
import { formatPod, POD, type RuntimeContext } from './runtime-context.ts';
import { PodVolumes } from './volume-manager.ts';

const RESYNC_MS = 60_000;
/** How long a status write waits for the first readiness try of a container just started. */
const FIRST_TRY_WAIT_MS = 100;
const MAX_MOUNT_RETRY_MS = 120_000;
const MAX_TERMINATION_MESSAGE = 4096;
const DEADLINE_MESSAGE = 'Pod was active on the node longer than the specified deadline';

export class PodWorker {
  readonly uid: string;
  readonly #ctx: RuntimeContext;
  #pod: KubeObject;
  #removed = false;
  #shutdownCap: number | undefined;
  #sandbox: PodSandboxNetwork | undefined;
  readonly #podDir: string;
  readonly #memoryPodDir: string | undefined;
  readonly #volumes: PodVolumes;
  #volumeDirs = new Map<string, string>();
  readonly #init: ContainerSlot[];
  readonly #containers: ContainerSlot[];
  #startTime: string | undefined;
  #written: Record<string, unknown> | undefined;
  #writtenJson = '';
  #syncing = false;
  #dirty = false;
  #wakeTimer: NodeJS.Timeout | undefined;
  #wakeAt = Infinity;
  #mountRetryMs = 1000;
  #finished = false;
  /** Stopping for good: no container counts as ready any more. */
  #terminating = false;
  #deadlineExceeded = false;
  readonly #done: Promise<void>;
  #resolveDone!: () => void;

  constructor(ctx: RuntimeContext, pod: KubeObject) {
    this.#ctx = ctx;
    this.#pod = pod;
    this.uid = pod.metadata.uid!;
    this.#podDir = join(ctx.podsDir, this.uid);
    this.#memoryPodDir = ctx.memoryPodsDir === undefined ? undefined : join(ctx.memoryPodsDir, this.uid);
    this.#volumes = new PodVolumes(this.#podDir, this.#memoryPodDir);
    this.#done = new Promise((resolve) => (this.#resolveDone = resolve));
    const spec = (pod.spec ?? {}) as { initContainers?: ContainerSpec[]; containers?: ContainerSpec[] };
    const status = (pod.status ?? {}) as { initContainerStatuses?: never[]; containerStatuses?: never[]; startTime?: string; podIP?: string };
    const now = apiTime();
    const adoptedInit = adoptContainers(status.initContainerStatuses, now);
    const adopted = adoptContainers(status.containerStatuses, now);
    const slot = (c: ContainerSpec, init: boolean): ContainerSlot => {
      const a = (init ? adoptedInit : adopted).get(c.name);
      return { spec: c, init, probes: [], ranBefore: a?.ranBefore ?? false, startupPassed: false, readinessPassed: false, ...(a ? { record: a.record, ...(a.lastFinishedAt !== undefined ? { lastFinishedAt: a.lastFinishedAt } : {}) } : {}) };
    };
    this.#init = (spec.initContainers ?? []).map((c) => slot(c, true));
    this.#containers = (spec.containers ?? []).map((c) => slot(c, false));
    this.#startTime = status.startTime;
    if (status.podIP && isTerminalPhase(pod)) ctx.network.reserve(this.uid, status.podIP);
  }

  /** Resolves when the pod is gone from this node (or skiff stopped it). */
  get done(): Promise<void> {
    return this.#done;
  }

  get pod(): KubeObject {
    return this.#pod;
  }

  get sandbox(): PodSandboxNetwork | undefined {
    return this.#sandbox;
  }

  /** The running instance of a container (for exec, logs, port-forward). */
  instance(container: string): ContainerInstance | undefined {
    return [...this.#init, ...this.#containers].find((s) => s.spec.name === container)?.instance;
  }

  update(pod: KubeObject): void {
    this.#pod = pod;
    this.poke();
  }

  /** The pod left the API (deleted with grace 0, or its namespace went). */
  remove(): void {
    this.#removed = true;
    this.poke();
  }

  /** skiff is stopping: stop the containers (grace capped), write nothing. */
  shutdown(graceCapSeconds: number): Promise<void> {
    this.#shutdownCap = graceCapSeconds;
    this.poke();
    return this.#done;
  }

  poke(): void {
    this.#dirty = true;
    if (!this.#syncing) void this.#loop();
  }

  async #loop(): Promise<void> {
    this.#syncing = true;
    try {
      while (this.#dirty && !this.#finished) {
        this.#dirty = false;
        try {
          await this.#sync();
        } catch (err) {
          this.#ctx.log.warn({ err, pod: formatPod(this.#pod) }, 'pod sync failed; will retry');
          this.#wake(1000);
        }
      }
    } finally {
      this.#syncing = false;
    }
  }

  #wake(ms: number): void {
    const at = Date.now() + ms;
    if (at >= this.#wakeAt) return;
    clearTimeout(this.#wakeTimer);
    this.#wakeAt = at;
    this.#wakeTimer = setTimeout(() => {
      this.#wakeAt = Infinity;
      this.poke();
    }, ms);
    this.#wakeTimer.unref();
  }

  #view(): PodRuntimeView {
    return { pod: this.#pod, sandbox: this.#sandbox!, podDir: this.#podDir, volumeDirs: this.#volumeDirs };
  }

  // ── sync ───────────────────────────────────────────────────────────────────────────

  async #sync(): Promise<void> {
    if (this.#removed || this.#shutdownCap !== undefined || this.#pod.metadata.deletionTimestamp) return this.#syncTerminating();
    this.#wake(RESYNC_MS);
    if (isTerminalPhase(this.#pod) && !this.#anyRunning()) {
      // Done: only the last exits this worker saw may still need writing.
      if (this.#written) await this.#writeStatus(true);
      return;
    }

    if (!this.#sandbox) {
      const status = (this.#pod.status ?? {}) as { podIP?: string; startTime?: string };
      const spec = (this.#pod.spec ?? {}) as { hostname?: string };
      const ref = { uid: this.uid, namespace: this.#pod.metadata.namespace!, name: this.#pod.metadata.name!, hostname: spec.hostname || this.#pod.metadata.name!, meshed: isMeshedPod(this.#pod) };
      this.#sandbox = await this.#ctx.network.setUp(ref, status.podIP);
      this.#startTime ??= apiTime();
    }
    const setUp = await this.#volumes.setUp(this.#pod, this.#volumeSources(), podFacts(this.#ctx, this.#view()));
    this.#volumeDirs = setUp.dirs;
    if (setUp.failure) {
      this.#ctx.events.event(podRef(this.#pod), 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${setUp.failure.volume}" : ${setUp.failure.message}`);
      this.#wake(this.#mountRetryMs);
      this.#mountRetryMs = Math.min(this.#mountRetryMs * 2, MAX_MOUNT_RETRY_MS);
      return this.#writeStatus(false);
    }
    this.#mountRetryMs = 1000;

    if (this.#pastDeadline()) {
      // activeDeadlineSeconds: the pod fails and its containers stop (the kubelet's activeDeadlineHandler).
      if (!this.#deadlineExceeded) {
        this.#deadlineExceeded = true;
        this.#ctx.events.event(podRef(this.#pod), 'Normal', 'DeadlineExceeded', DEADLINE_MESSAGE);
      }
      for (const slot of [...this.#init, ...this.#containers]) if (slot.instance) void this.#stop(slot, slot.instance, terminationGraceSeconds(this.#pod));
      return this.#writeStatus(this.#anyRunning() ? false : true);
    }
    const initialized = await this.#syncInitContainers();
    const startedNow: ContainerSlot[] = [];
    if (initialized) {
      for (const slot of this.#containers) if (await this.#syncSlot(slot, this.#shouldRun(slot))) startedNow.push(slot);
    }
    for (const slot of this.#init) if (isRestartableInit(slot.spec)) triggerReadiness(slot);
    for (const slot of this.#containers) triggerReadiness(slot);
    await this.#awaitFirstReadinessTries(startedNow);
    await this.#writeStatus(false);
  }

  /**
   * Containers started in this sync have their readiness probe's first try under way
   * (triggered just above). The status write waits a moment for those tries, so a container
   * that is ready at once is reported Running and Ready in one write instead of two — as the
   * kubelet's status manager folds the changes that arrive before its write goes out. A try
   * still running after FIRST_TRY_WAIT_MS is left to report through the next write.
   */
  async #awaitFirstReadinessTries(startedNow: readonly ContainerSlot[]): Promise<void> {
    const tries = startedNow.map(readinessTryInFlight).filter((t): t is Promise<void> => t !== undefined);
    if (tries.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, FIRST_TRY_WAIT_MS)));
    try {
      // A try that fails reports through the probe's own path; here it only ends the wait.
      await Promise.race([Promise.all(tries.map((t) => t.catch(() => undefined))), waited]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs init containers in order; true once all have completed (sidecars: started). */
  async #syncInitContainers(): Promise<boolean> {
    // Regular containers that ever ran mean the pod was initialised before (kubelet rule).
    if (this.#containers.some((s) => s.record && ('running' in s.record.state || 'terminated' in s.record.state || s.record.lastState))) {
      for (const slot of this.#init.filter((s) => isRestartableInit(s.spec))) await this.#syncSlot(slot, true);
      return true;
    }
    for (const slot of this.#init) {
      if (isRestartableInit(slot.spec)) {
        await this.#syncSlot(slot, true);
        if (!(slot.instance && slot.startupPassed)) return false;
        continue;
      }
      const state = slot.record?.state;
      if (state && 'terminated' in state && state.terminated.exitCode === 0) continue;
      if (slot.instance) return false;
      await this.#syncSlot(slot, this.#shouldRun(slot));
      return false;
    }
    return true;
  }

  /** The restart policy's answer for a container that is not running. */
  #shouldRun(slot: ContainerSlot): boolean {
    if (!slot.ranBefore) return true;
    const policy = ((this.#pod.spec ?? {}) as { restartPolicy?: string }).restartPolicy ?? 'Always';
    if (slot.init && isRestartableInit(slot.spec)) return true;
    const last = lastExit(slot.record);
    if (slot.init) return policy !== 'Never' && last !== 0;
    if (policy === 'Always') return true;
    if (policy === 'OnFailure') return last !== 0;
    return false;
  }

  /** Starts the container when it should run and does not; true when it was started now. */
  async #syncSlot(slot: ContainerSlot, shouldRun: boolean): Promise<boolean> {
    if (slot.instance || !shouldRun) return false;
    const record = slot.record;
    const previous = record && 'terminated' in record.state ? record.state.terminated : record?.lastState;
    if (slot.ranBefore && slot.lastFinishedAt !== undefined) {
      const key = `${this.uid}/${slot.spec.name}`;
      if (this.#ctx.containerBackoff.isInBackOffSince(key, slot.lastFinishedAt)) {
        const delay = this.#ctx.containerBackoff.get(key);
        this.#ctx.events.event(containerRef(this.#pod, slot.spec, slot.init), 'Warning', 'BackOff', `Back-off restarting failed container ${slot.spec.name} in pod ${formatPod(this.#pod)}`);
        slot.record = { ...record!, state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${formatDuration(delay)} restarting failed container=${slot.spec.name} pod=${formatPod(this.#pod)}` } }, ...(previous ? { lastState: previous } : {}), ready: false, started: false };
        this.#wake(slot.lastFinishedAt + delay - Date.now() + 10);
        return false;
      }
      this.#ctx.containerBackoff.next(key, slot.lastFinishedAt);
    }
    const restartCount = record ? record.restartCount + (slot.ranBefore ? 1 : 0) : 0;
    const outcome = await startContainer(this.#ctx, this.#view(), slot.spec, slot.init, restartCount);
    const base = { name: slot.spec.name, image: record?.image ?? slot.spec.image ?? '', ...(record?.imageID ? { imageID: record.imageID } : {}), ready: false, started: false, ...(previous ? { lastState: previous } : {}) };
    if (outcome.kind === 'waiting') {
      slot.record = { ...base, ...(outcome.image ? { image: outcome.image, imageID: outcome.imageID! } : {}), restartCount: record?.restartCount ?? 0, state: { waiting: { reason: outcome.reason, message: outcome.message } } };
      this.#wake(Math.max(outcome.retryAfterMs, 100));
      return false;
    }
    if (outcome.kind === 'failed') {
      slot.record = { ...base, image: outcome.image, imageID: outcome.imageID, containerID: outcome.terminated.containerID!, restartCount, state: { terminated: outcome.terminated } };
      slot.ranBefore = true;
      slot.lastFinishedAt = Date.now();
      this.poke();
      return false;
    }
    const instance = outcome.instance;
    slot.instance = instance;
    slot.ranBefore = true;
    slot.record = { ...base, image: outcome.image, imageID: outcome.imageID, containerID: instance.id, restartCount, state: { running: { startedAt: apiTime(instance.startedAt) } } };
    void instance.proc.exited.then((exit) => this.#onExit(slot, instance, exit));
    startProbes(slot, instance, this.#sandbox!.ip, {
      unhealthy: (kind, output) => this.#ctx.events.event(containerRef(this.#pod, slot.spec, slot.init), 'Warning', 'Unhealthy', `${probeTitle(kind)} probe failed: ${output}`),
      changed: () => this.poke(),
      restart: (message, grace) => void this.#stop(slot, instance, grace ?? terminationGraceSeconds(this.#pod), message),
    });
    if (outcome.postStartFailed) void this.#stop(slot, instance, terminationGraceSeconds(this.#pod), 'FailedPostStartHook');
    return true;
  }

  #stop(slot: ContainerSlot, instance: ContainerInstance, graceSeconds: number, message?: string, quiet = false): Promise<void> {
    stopProbes(slot);
    return stopInstance(this.#ctx, this.#view(), slot.spec, slot.init, instance, { graceSeconds, ...(message ? { message } : {}), quiet });
  }

  async #onExit(slot: ContainerSlot, instance: ContainerInstance, exit: ProcessExit): Promise<void> {
    stopProbes(slot);
    await instance.logs.close();
    const message = await this.#terminationMessage(slot.spec, instance, exit.exitCode);
    const terminated: TerminatedState = {
      exitCode: exit.exitCode,
      reason: terminationReason(exit.exitCode),
      ...(message ? { message } : {}),
      startedAt: apiTime(instance.startedAt),
      finishedAt: apiTime(exit.finishedAt),
      containerID: instance.id,
    };
    if (slot.instance === instance) {
      slot.instance = undefined;
      slot.lastFinishedAt = exit.finishedAt.getTime();
      slot.record = { ...slot.record!, state: { terminated }, ready: false, started: false };
    }
    this.poke();
  }

  /** terminationMessagePath's contents, or with FallbackToLogsOnError the log's tail after a failure. */
  async #terminationMessage(spec: ContainerSpec, instance: ContainerInstance, exitCode: number): Promise<string | undefined> {
    const written = await readFile(instance.terminationLogPath, 'utf8').catch(() => '');
    if (written !== '') return written.slice(0, MAX_TERMINATION_MESSAGE);
    if (spec.terminationMessagePolicy !== 'FallbackToLogsOnError' || exitCode === 0) return undefined;
    const log = await readFile(instance.logPath, 'utf8').catch(() => '');
    const lines = log.split('\n').filter((l) => l !== '').slice(-80).map((l) => l.replace(/^\S+ (stdout|stderr) [FP] ?/, ''));
    const text = lines.join('\n');
    return text === '' ? undefined : text.slice(-2048);
  }

  // ── termination ───────────────────────────────────────────────────────────────────

  async #syncTerminating(): Promise<void> {
    const shuttingDown = this.#shutdownCap !== undefined;
    const slots = [...this.#init, ...this.#containers];
    for (const slot of slots) stopProbes(slot);
    const running = slots.filter((s) => s.instance);
    if (running.length > 0) {
      // Endpoints must drop the pod before its containers get SIGTERM.
      if (!this.#terminating) {
        this.#terminating = true;
        await this.#writeStatus(false);
      }
      const grace = shuttingDown ? Math.min(terminationGraceSeconds(this.#pod), this.#shutdownCap!) : terminationGraceSeconds(this.#pod);
      // Not awaited: each exit asks for another sync; a shorter grace period shortens the wait.
      for (const slot of running) void this.#stop(slot, slot.instance!, grace, undefined, shuttingDown);
      return;
    }
    if (!shuttingDown && !this.#removed) {
      await this.#writeStatus(true);
      try {
        await this.#ctx.client.delete(POD, this.#pod.metadata.namespace, this.#pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: this.uid } });
      } catch (err) {
        if (!isSkiffError(err, 'SKF_API_NOT_FOUND') && !isSkiffError(err, 'SKF_API_CONFLICT')) throw err;
      }
    }
    await this.#finish(!shuttingDown);
  }

  async #finish(removeFiles: boolean): Promise<void> {
    this.#finished = true;
    clearTimeout(this.#wakeTimer);
    if (removeFiles) {
      await this.#ctx.network.tearDown(this.uid);
      this.#ctx.containerBackoff.forgetPrefix(`${this.uid}/`);
      await rm(this.#podDir, { recursive: true, force: true });
      if (this.#memoryPodDir !== undefined) await rm(this.#memoryPodDir, { recursive: true, force: true });
      const ref = { namespace: this.#pod.metadata.namespace!, name: this.#pod.metadata.name!, uid: this.uid };
      await rm(podLogDir(this.#ctx.logsRoot, ref), { recursive: true, force: true });
    }
    this.#resolveDone();
  }

  #volumeSources() {
    const { caches, serviceAccountToken } = this.#ctx;
    return { configMap: (ns: string, n: string) => caches.configMap(ns, n), secret: (ns: string, n: string) => caches.secret(ns, n), serviceAccountToken };
  }

  /** Whether spec.activeDeadlineSeconds has passed since the pod started here (else wakes at that moment). */
  #pastDeadline(): boolean {
    const seconds = ((this.#pod.spec ?? {}) as { activeDeadlineSeconds?: number }).activeDeadlineSeconds;
    if (seconds === undefined || !this.#startTime) return false;
    const left = Date.parse(this.#startTime) + seconds * 1000 - Date.now();
    if (left > 0) this.#wake(left + 10);
    return left <= 0;
  }

  #anyRunning(): boolean {
    return [...this.#init, ...this.#containers].some((s) => s.instance);
  }

  // ── status ─────────────────────────────────────────────────────────────────────────

  async #writeStatus(terminal: boolean): Promise<void> {
    if (this.#removed || this.#shutdownCap !== undefined) return;
    const records = (slots: ContainerSlot[]) => new Map(slots.filter((s) => s.record).map((s) => [s.spec.name, this.#rendered(s)]));
    const apiStatus = (this.#pod.status ?? {}) as { conditions?: Array<{ type: string }> };
    const own = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);
    const written = (this.#written ?? {}) as { conditions?: Array<{ type: string }>; phase?: string };
    // Transition times continue from what this worker wrote last; other writers' conditions come from the API.
    const previous = {
      ...apiStatus,
      ...(written.phase ? { phase: written.phase } : {}),
      conditions: [...(written.conditions ?? apiStatus.conditions ?? []).filter((c) => own.has(c.type)), ...(apiStatus.conditions ?? []).filter((c) => !own.has(c.type))],
    };
    const podTerminal = isTerminalPhase({ ...this.#pod, status: previous }) || terminal;
    const status = buildPodStatus({
      pod: { ...this.#pod, status: previous },
      hostIP: this.#ctx.network.hostIP,
      ...(this.#sandbox ? { podIP: this.#sandbox.ip } : (this.#pod.status as { podIP?: string } | undefined)?.podIP ? { podIP: (this.#pod.status as { podIP: string }).podIP } : {}),
      ...(this.#startTime ? { startTime: this.#startTime } : {}),
      sandboxReady: this.#sandbox !== undefined && !podTerminal,
      init: records(this.#init),
      containers: records(this.#containers),
      terminal,
      now: apiTime(),
      ...(this.#deadlineExceeded ? { phaseOverride: 'Failed' as const, reason: 'DeadlineExceeded', message: DEADLINE_MESSAGE } : {}),
    });
    const json = JSON.stringify(status);
    if (json === this.#writtenJson) return;
    try {
      const { resourceVersion: _rv, ...metadata } = this.#pod.metadata;
      await this.#ctx.client.updateStatus({ ...this.#pod, metadata, status });
      this.#written = status;
      this.#writtenJson = json;
    } catch (err) {
      if (isSkiffError(err, 'SKF_API_NOT_FOUND')) {
        this.#removed = true;
        this.poke();
        return;
      }
      throw err;
    }
  }

  /** The record as the status shows it: readiness and startup from the probes. */
  #rendered(slot: ContainerSlot): ContainerRecord {
    const r = slot.record!;
    if (!slot.instance || !('running' in r.state)) return { ...r, ready: false, started: false };
    const started = slot.startupPassed;
    return { ...r, started, ready: started && slot.readinessPassed && !this.#terminating && !slot.instance.stopping };
  }
}

function podRef(pod: KubeObject) {
  return { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name!, namespace: pod.metadata.namespace!, uid: pod.metadata.uid! };
}

function isTerminalPhase(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function lastExit(record: ContainerRecord | undefined): number | undefined {
  if (!record) return undefined;
  if ('terminated' in record.state) return record.state.terminated.exitCode;
  return record.lastState?.exitCode;
}
