/**
 * The Deployment reconciler (deployment_controller.go syncDeployment): claim the
 * ReplicaSets that match the selector, then — unless the Deployment is being deleted —
 * record pause/resume, resize on a scaling event or while paused, and otherwise roll out by
 * the strategy. Requeues itself for progress-deadline checks.
 */
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { labelSelectorFromObject } from '../../../api/selectors/label-selector.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import { claim } from '../replicaset/claim.ts';
import { involved } from '../replicaset/events.ts';
import { controllerOf } from '../replicaset/resources/controller-ref.ts';
import { REPLICA_SET, type ReplicaSet } from '../replicaset/resources/types.ts';
import { DeploymentSync, type SyncDeps } from './deployment-sync.ts';
import { getCondition, newCondition, setCondition } from './resources/conditions.ts';
import { findNewReplicaSet, findOldReplicaSets } from './resources/replica-sets.ts';
import { DEPLOYMENT, REASON, hasProgressDeadline, type Deployment } from './resources/types.ts';
import { isScalingEvent, rolloutRecreate, rolloutRolling, syncScaling } from './strategies.ts';
import { cloneJson } from '../../../util/clone-json.ts';

export interface DeploymentDeps extends SyncDeps {
  deployment(key: string): Deployment | undefined;
  replicaSets(namespace: string): ReplicaSet[];
  pods(namespace: string): Pod[];
}

export async function syncDeployment(deps: DeploymentDeps, key: string): Promise<ReconcileResult> {
  const cached = deps.deployment(key);
  if (!cached) return;
  const d = cached;
  const selectorEmpty = Object.keys(d.spec.selector?.matchLabels ?? {}).length === 0 && (d.spec.selector?.matchExpressions ?? []).length === 0;
  if (selectorEmpty) {
    deps.events.event(involved(d), 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
    if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) await deps.client.updateStatus({ ...d, status: { ...(d.status ?? {}), observedGeneration: d.metadata.generation } });
    return;
  }
  let selector;
  try {
    selector = labelSelectorFromObject(d.spec.selector);
  } catch {
    return;
  }
  const rsList = await claim({ client: deps.client, owner: d, ownerType: DEPLOYMENT, selector, type: REPLICA_SET }, deps.replicaSets(d.metadata.namespace!));
  const s = new DeploymentSync(deps, d, rsList);

  if (d.metadata.deletionTimestamp) {
    // syncStatusOnly: a Deployment being deleted changes nothing, but its status stays true.
    const newRS = findNewReplicaSet(s.d, rsList);
    await s.syncStatus([...findOldReplicaSets(s.d, rsList), newRS], newRS);
    return;
  }
  await checkPausedConditions(s, deps);
  if (s.d.spec.paused || (await isScalingEvent(s))) {
    await syncScaling(s);
  } else if (s.d.spec.strategy?.type === 'Recreate') {
    const owned = new Set(rsList.map((rs) => rs.metadata.uid));
    await rolloutRecreate(s, deps.pods(d.metadata.namespace!).filter((p) => owned.has(controllerOf(p)?.uid)));
  } else {
    await rolloutRolling(s);
  }
  return s.requeueAfterMs !== undefined ? { requeueAfterMs: s.requeueAfterMs } : undefined;
}

/** checkPausedConditions: Progressing Unknown with DeploymentPaused / DeploymentResumed. */
async function checkPausedConditions(s: DeploymentSync, deps: DeploymentDeps): Promise<void> {
  const d = s.d;
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, 'Progressing');
  if (cond?.reason === REASON.timedOut) return;
  const pausedCond = cond?.reason === REASON.paused;
  const status = cloneJson(d.status ?? {});
  if (d.spec.paused && !pausedCond) setCondition(status, newCondition('Progressing', 'Unknown', REASON.paused, 'Deployment is paused', deps.now()));
  else if (!d.spec.paused && pausedCond) setCondition(status, newCondition('Progressing', 'Unknown', REASON.resumed, 'Deployment is resumed', deps.now()));
  else return;
  await s.writeStatus(status);
}
