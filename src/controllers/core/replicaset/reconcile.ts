/**
 * The ReplicaSet reconciler (pkg/controller/replicaset syncReplicaSet): claim the active
 * pods that match the selector, create or delete pods until their number is
 * `spec.replicas` (unless earlier creates/deletes have not been observed yet), then write
 * the status. Pods are created in slow-start batches of 1, 2, 4 … so that a failing create
 * stops early, and at most 500 are created or deleted per sync (burstReplicas).
 */
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { isPodActive, isPodReady, podReadyTime } from '../../../api/builtin/core/pod-readiness.ts';
import { labelSelectorFromObject } from '../../../api/selectors/label-selector.ts';
import { objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { claim } from './claim.ts';
import { involved, type EventSink } from './events.ts';
import type { Expectations } from './expectations.ts';
import { controllerOf } from './resources/controller-ref.ts';
import { podsToDelete } from './resources/deletion-order.ts';
import { podFromTemplate } from './resources/pod-template.ts';
import { replicaSetStatus, statusChanged } from './resources/status.ts';
import { POD, REPLICA_SET, replicasOf, type ReplicaSet } from './resources/types.ts';

const BURST_REPLICAS = 500;

export interface ReplicaSetDeps {
  client: Client;
  events: EventSink;
  expectations: Expectations;
  replicaSet(key: string): ReplicaSet | undefined;
  /** Every pod of a namespace, from the informer cache. */
  pods(namespace: string): Pod[];
  now(): Date;
}

export async function syncReplicaSet(deps: ReplicaSetDeps, key: string): Promise<ReconcileResult> {
  const rs = deps.replicaSet(key);
  if (!rs) {
    deps.expectations.forget(key);
    return;
  }
  const mayAct = deps.expectations.satisfied(key);
  let selector;
  try {
    selector = labelSelectorFromObject(rs.spec.selector);
  } catch {
    return; // validation keeps invalid selectors out; nothing sensible to do with one.
  }
  const namespacePods = deps.pods(rs.metadata.namespace!);
  const active = namespacePods.filter(isPodActive);
  const owned = await claim({ client: deps.client, owner: rs, ownerType: REPLICA_SET, selector, type: POD }, active);

  let manageError: string | undefined;
  if (mayAct && !rs.metadata.deletionTimestamp) manageError = await manageReplicas(deps, key, rs, owned, relatedPods(rs, namespacePods, deps));

  const now = deps.now();
  const status = replicaSetStatus(rs, owned, manageError, now);
  if (statusChanged(rs, status)) await deps.client.updateStatus({ ...rs, status });
  if (manageError !== undefined) throw new Error(manageError);
  return requeueForAvailability(rs, owned, now.getTime());
}

/** The active pods of every ReplicaSet that shares this one's owner (getIndirectlyRelatedPods). */
function relatedPods(rs: ReplicaSet, pods: readonly Pod[], deps: ReplicaSetDeps): Pod[] {
  const owner = controllerOf(rs);
  return pods.filter((p) => {
    const ref = controllerOf(p);
    if (!ref || ref.kind !== 'ReplicaSet' || !isPodActive(p)) return false;
    if (ref.uid === rs.metadata.uid) return true;
    const sibling = deps.replicaSet(`${rs.metadata.namespace}/${ref.name}`);
    return owner !== undefined && sibling !== undefined && controllerOf(sibling)?.uid === owner.uid;
  });
}

async function manageReplicas(deps: ReplicaSetDeps, key: string, rs: ReplicaSet, pods: Pod[], related: Pod[]): Promise<string | undefined> {
  const diff = pods.length - replicasOf(rs);
  if (diff < 0) return createPods(deps, key, rs, Math.min(-diff, BURST_REPLICAS));
  if (diff > 0) return deletePods(deps, key, rs, podsToDelete(pods, related, Math.min(diff, BURST_REPLICAS), deps.now().getTime()));
  return undefined;
}

async function createPods(deps: ReplicaSetDeps, key: string, rs: ReplicaSet, count: number): Promise<string | undefined> {
  deps.expectations.expectCreations(key, count);
  let created = 0;
  let firstError: string | undefined;
  let remaining = count;
  let terminating = false;
  for (let batch = 1; remaining > 0 && firstError === undefined && !terminating; batch *= 2) {
    const size = Math.min(batch, remaining);
    remaining -= size;
    const results = await Promise.allSettled(Array.from({ length: size }, () => deps.client.create(podFromTemplate(rs))));
    for (const r of results) {
      if (r.status === 'fulfilled') {
        created++;
        deps.events.event(involved(rs), 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata.name}`);
        continue;
      }
      // A terminating namespace refuses every create; upstream reports nothing.
      if (isSkiffError(r.reason, 'SKF_API_FORBIDDEN') && /being terminated/.test((r.reason as Error).message)) {
        terminating = true;
        continue;
      }
      const message = (r.reason as Error).message;
      deps.events.event(involved(rs), 'Warning', 'FailedCreate', `Error creating: ${message}`);
      firstError ??= message;
    }
  }
  if (count - created > 0) deps.expectations.lowerCreations(key, count - created);
  return firstError;
}

async function deletePods(deps: ReplicaSetDeps, key: string, rs: ReplicaSet, victims: Pod[]): Promise<string | undefined> {
  deps.expectations.expectDeletions(key, victims.map(objectKeyOf));
  let firstError: string | undefined;
  await Promise.all(victims.map(async (pod) => {
    try {
      await deps.client.delete(POD, pod.metadata.namespace, pod.metadata.name!);
      deps.events.event(involved(rs), 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (err) {
      deps.expectations.deletionObserved(key, objectKeyOf(pod));
      if (isSkiffError(err, 'SKF_API_NOT_FOUND')) return;
      const message = (err as Error).message;
      deps.events.event(involved(rs), 'Warning', 'FailedDelete', `Error deleting: ${message}`);
      firstError ??= message;
    }
  }));
  return firstError;
}

/** With minReadySeconds, sync again when the next ready pod becomes available. */
function requeueForAvailability(rs: ReplicaSet, pods: readonly Pod[], now: number): ReconcileResult {
  const minReady = rs.spec.minReadySeconds ?? 0;
  if (minReady === 0) return;
  const waits = pods.filter(isPodReady).map((p) => (podReadyTime(p) ?? now) + minReady * 1000 - now).filter((ms) => ms > 0);
  return waits.length > 0 ? { requeueAfterMs: Math.min(...waits) + 1 } : undefined;
}
