/**
 * Schedules one pod: if it is unbound, meant for the default scheduler, not gated and not
 * being deleted, pick a node it fits on (the one running the fewest of our pods) and bind
 * it through pods/binding, then record `Scheduled`. If no node fits, mark PodScheduled
 * False/Unschedulable, record `FailedScheduling`, and try again later (node changes also
 * requeue every pending pod).
 */
import type { KubeObject } from '../../../api/object.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import type { Client } from '../../../client/types.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import { fitNode, unschedulableMessage } from './resources/node-fit.ts';
import { cloneJson } from '../../../util/clone-json.ts';

export const POD = { apiVersion: 'v1', kind: 'Pod' } as const;
export const NODE = { apiVersion: 'v1', kind: 'Node' } as const;
export const DEFAULT_SCHEDULER = 'default-scheduler';
const RETRY_UNSCHEDULABLE_MS = 10_000;

export interface SchedulerView {
  pod(key: string): KubeObject | undefined;
  nodes(): KubeObject[];
  /** Pods currently bound to a node (for spreading). */
  podsOn(node: string): number;
}

export function wantsScheduling(pod: KubeObject): boolean {
  const spec = (pod.spec ?? {}) as { nodeName?: string; schedulerName?: string; schedulingGates?: unknown[] };
  if (spec.nodeName || pod.metadata.deletionTimestamp) return false;
  if ((spec.schedulerName ?? DEFAULT_SCHEDULER) !== DEFAULT_SCHEDULER) return false;
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && (spec.schedulingGates ?? []).length === 0;
}

export async function schedulePod(client: Client, events: EventRecorder, view: SchedulerView, key: string): Promise<ReconcileResult> {
  const pod = view.pod(key);
  if (!pod || !wantsScheduling(pod)) return;
  const verdicts = view.nodes().map((node) => fitNode(pod, node));
  const feasible = verdicts.filter((v) => v.failure === undefined).map((v) => v.node);
  const ref = { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name!, namespace: pod.metadata.namespace!, uid: pod.metadata.uid! };
  if (feasible.length === 0) {
    const message = unschedulableMessage(verdicts);
    await markUnschedulable(client, pod, message);
    events.event(ref, 'Warning', 'FailedScheduling', message);
    return { requeueAfterMs: RETRY_UNSCHEDULABLE_MS };
  }
  const node = feasible.sort((a, b) => view.podsOn(a) - view.podsOn(b) || a.localeCompare(b))[0]!;
  // The event is dated when the decision was made: the kubelet may report the pod before the binding call returns.
  const decidedAt = new Date();
  try {
    await client.createSubresource(POD, pod.metadata.namespace, pod.metadata.name!, 'binding', {
      apiVersion: 'v1', kind: 'Binding',
      metadata: { name: pod.metadata.name!, namespace: pod.metadata.namespace!, uid: pod.metadata.uid! },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    });
  } catch (err) {
    // Bound meanwhile, deleted, or recreated under the same name: nothing left to do here.
    if (isSkiffError(err, 'SKF_API_CONFLICT') || isSkiffError(err, 'SKF_API_NOT_FOUND')) return;
    throw err;
  }
  events.event(ref, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`, decidedAt);
}

async function markUnschedulable(client: Client, pod: KubeObject, message: string): Promise<void> {
  const status = cloneJson((pod.status ?? {}) as { conditions?: Array<Record<string, unknown>> });
  const conditions = status.conditions ?? [];
  const current = conditions.find((c) => c.type === 'PodScheduled');
  if (current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message) return;
  const condition = { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: current?.status === 'False' ? current.lastTransitionTime : new Date().toISOString().replace(/\.\d+Z$/, 'Z'), reason: 'Unschedulable', message };
  status.conditions = [...conditions.filter((c) => c.type !== 'PodScheduled'), condition];
  try {
    await client.updateStatus({ ...pod, status });
  } catch (err) {
    if (!isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
  }
}
