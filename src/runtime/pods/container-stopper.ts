/**
 * Stops a container instance as the kubelet's killContainer: record `Killing`, run the
 * preStop hook within the grace period, send SIGTERM to the container's processes, wait
 * for what is left of the grace period (never less than 2 s), then SIGKILL. A later, shorter
 * grace period (a second `kubectl delete --grace-period=…`) brings the SIGKILL forward.
 */
import type { KubeObject } from '../../api/object.ts';
import { containerRef, hookTarget, type PodRuntimeView } from './container-runner.ts';
import type { ContainerInstance, ContainerSpec } from './container-spec.ts';
import { runLifecycleHandler } from './lifecycle-hooks.ts';
import { formatPod, type RuntimeContext } from './runtime-context.ts';

/** The kubelet's minimumGracePeriodInSeconds. */
export const MINIMUM_GRACE_SECONDS = 2;

export interface StopRequest {
  graceSeconds: number;
  /** The Killing event's message (default `Stopping container <name>`); none when quiet. */
  message?: string;
  /** Skip the event and hook (skiff shutting down). */
  quiet?: boolean;
}

/** Resolves once the instance has exited. Calling it again only shortens the deadline. */
export async function stopInstance(ctx: RuntimeContext, view: PodRuntimeView, spec: ContainerSpec, init: boolean, instance: ContainerInstance, request: StopRequest): Promise<void> {
  const grace = Math.max(0, request.graceSeconds);
  const deadline = Date.now() + Math.max(grace, MINIMUM_GRACE_SECONDS) * 1000;
  if (instance.stopping) {
    if (deadline < instance.stopping.deadline) {
      instance.stopping.deadline = deadline;
      instance.stopping.wake();
    }
    await instance.proc.exited;
    return;
  }
  let wake: () => void = () => undefined;
  instance.stopping = { deadline, wake: () => wake() };
  let exited = false;
  void instance.proc.exited.then(() => {
    exited = true;
    wake();
  });

  if (!request.quiet) {
    ctx.events.event(containerRef(view.pod, spec, init), 'Normal', 'Killing', request.message ?? `Stopping container ${spec.name}`);
    const preStop = spec.lifecycle?.preStop;
    if (preStop && grace > 0) {
      const result = await Promise.race([
        runLifecycleHandler(preStop, hookTarget(view, spec, instance.exec), grace * 1000),
        instance.proc.exited.then(() => ({ ok: true, message: '' })),
      ]);
      if (!result.ok) {
        ctx.log.info({ pod: formatPod(view.pod), container: spec.name, message: result.message }, 'preStop hook failed');
        ctx.events.event(containerRef(view.pod, spec, init), 'Warning', 'FailedPreStopHook', 'PreStopHook failed');
      }
      // The grace period left after the hook, but never under the minimum.
      instance.stopping.deadline = Math.max(instance.stopping.deadline, Date.now() + MINIMUM_GRACE_SECONDS * 1000);
    }
  }
  if (!exited) instance.proc.signal('SIGTERM');
  while (!exited) {
    const left = instance.stopping.deadline - Date.now();
    if (left <= 0) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, left);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  if (!exited) instance.proc.signal('SIGKILL');
  await instance.proc.exited;
}

export function terminationGraceSeconds(pod: KubeObject): number {
  const spec = (pod.spec ?? {}) as { terminationGracePeriodSeconds?: number };
  return pod.metadata.deletionGracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
}
