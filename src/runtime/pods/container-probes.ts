/**
 * The probes of one container instance, wired as the kubelet's prober manager: a startup
 * probe runs first and holds back readiness and liveness until it succeeds; a readiness
 * verdict changes the container's readiness; a failed liveness or startup probe asks for a
 * restart; every failed try is an `Unhealthy` event ("Liveness probe failed: …"); an
 * unready container's readiness probe is tried again whenever the pod is synced.
 */
import { execInContainer } from '../process/exec.ts';
import { ProbeWorker, type ProbeKind } from '../probes/probe-worker.ts';
import type { ContainerInstance, ContainerSlot } from './container-spec.ts';

export interface ProbeEvents {
  unhealthy(kind: ProbeKind, output: string): void;
  /** Readiness or startup changed: the status needs writing. */
  changed(): void;
  /** Liveness or startup failed: restart the container with this Killing message and grace. */
  restart(message: string, graceSeconds: number | undefined): void;
}

const TITLE: Record<ProbeKind, string> = { startup: 'Startup', readiness: 'Readiness', liveness: 'Liveness' };

export function startProbes(slot: ContainerSlot, instance: ContainerInstance, podIP: string, events: ProbeEvents): void {
  const spec = slot.spec;
  const target = { podIP, ports: spec.ports ?? [], exec: (argv: string[], timeoutMs: number) => execInContainer(instance.exec, argv, timeoutMs) };
  const startedAt = instance.startedAt.getTime();
  const current = () => slot.instance === instance;
  const make = (kind: ProbeKind) => {
    const probe = kind === 'startup' ? spec.startupProbe! : kind === 'readiness' ? spec.readinessProbe! : spec.livenessProbe!;
    const worker = new ProbeWorker(kind, probe, target, startedAt, {
      failed: (k, output) => {
        if (current()) events.unhealthy(k, output);
      },
      changed: (k, ok) => {
        if (!current()) return;
        if (k === 'startup' && ok) {
          slot.startupPassed = true;
          startMain();
          events.changed();
        } else if (k === 'readiness') {
          slot.readinessPassed = ok;
          events.changed();
        } else if (!ok) {
          events.restart(`Container ${spec.name} failed ${k} probe, will be restarted`, probe.terminationGracePeriodSeconds);
        }
      },
    });
    slot.probes.push(worker);
    worker.start();
  };
  const startMain = () => {
    if (spec.readinessProbe) make('readiness');
    if (spec.livenessProbe) make('liveness');
  };
  slot.readinessPassed = !spec.readinessProbe;
  slot.startupPassed = !spec.startupProbe;
  if (spec.startupProbe) make('startup');
  else startMain();
}

/**
 * The kubelet's UpdatePodStatus, run on every sync of the pod: a running container whose
 * readiness probe has not passed gets a try now, so a pod turns Ready when what its probe
 * needs appeared (a sidecar's agent answering a rewritten probe starts after the app)
 * instead of a whole period later.
 */
export function triggerReadiness(slot: ContainerSlot): void {
  if (!slot.instance || slot.readinessPassed) return;
  for (const p of slot.probes) if (p.kind === 'readiness') p.trigger();
}

/** The readiness try under way for a container not yet ready, if there is one. */
export function readinessTryInFlight(slot: ContainerSlot): Promise<void> | undefined {
  if (!slot.instance || slot.readinessPassed) return undefined;
  return slot.probes.find((p) => p.kind === 'readiness')?.tryInFlight;
}

export function stopProbes(slot: ContainerSlot): void {
  for (const p of slot.probes.splice(0)) p.stop();
}

export const probeTitle = (kind: ProbeKind): string => TITLE[kind];
