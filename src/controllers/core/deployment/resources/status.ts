/**
 * A Deployment's status from its ReplicaSets (sync.go calculateStatus) and the Progressing
 * condition a rollout adds to it (progress.go syncRolloutStatus): NewReplicaSetAvailable
 * once complete, ReplicaSetUpdated while progress is made, ProgressDeadlineExceeded when no
 * progress was made for progressDeadlineSeconds. Available follows minimum availability
 * (replicas - maxUnavailable). Zero counts are omitted, as the JSON tags omit them.
 */
import type { ReplicaSet } from '../../replicaset/resources/types.ts';
import { canonicalJson } from './hash.ts';
import { getCondition, newCondition, removeCondition, setCondition } from './conditions.ts';
import { maxUnavailable } from './fenceposts.ts';
import { sum } from './replica-sets.ts';
import { deploymentComplete, deploymentProgressing } from './rollout.ts';
import type { Deployment, DeploymentStatus } from './types.ts';
import { REASON, desiredReplicas, hasProgressDeadline } from './types.ts';

function put(status: DeploymentStatus, key: 'observedGeneration' | 'replicas' | 'updatedReplicas' | 'readyReplicas' | 'availableReplicas' | 'unavailableReplicas', n: number): void {
  if (n !== 0) status[key] = n;
}

export function calculateStatus(allRSs: ReadonlyArray<ReplicaSet | undefined>, newRS: ReplicaSet | undefined, d: Deployment, now: Date): DeploymentStatus {
  const available = sum.available(allRSs);
  const unavailable = Math.max(0, sum.spec(allRSs) - available);
  const status: DeploymentStatus = {};
  put(status, 'observedGeneration', d.metadata.generation ?? 0);
  put(status, 'replicas', sum.actual(allRSs));
  put(status, 'updatedReplicas', sum.actual([newRS]));
  put(status, 'readyReplicas', sum.ready(allRSs));
  put(status, 'availableReplicas', available);
  put(status, 'unavailableReplicas', unavailable);
  if (d.status?.conditions?.length) status.conditions = d.status.conditions.map((c) => ({ ...c }));
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (available >= desiredReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', REASON.minimumReplicasAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition('Available', 'False', REASON.minimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

/** DeploymentTimedOut: no progress since the Progressing condition's lastUpdateTime + deadline. */
export function timedOut(d: Deployment, status: DeploymentStatus, now: Date): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(status, 'Progressing');
  if (!cond || cond.reason === REASON.newRSAvailable) return false;
  if (cond.reason === REASON.timedOut) return true;
  const from = Date.parse(cond.lastUpdateTime ?? cond.lastTransitionTime ?? '');
  return !Number.isNaN(from) && from + d.spec.progressDeadlineSeconds! * 1000 < now.getTime();
}

/** The status syncRolloutStatus writes: calculateStatus plus the Progressing and ReplicaFailure conditions. */
export function rolloutStatus(allRSs: ReadonlyArray<ReplicaSet | undefined>, newRS: ReplicaSet | undefined, d: Deployment, now: Date): DeploymentStatus {
  const status = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
  const current = getCondition(d.status, 'Progressing');
  const complete = (status.replicas ?? 0) === (status.updatedReplicas ?? 0) && current?.reason === REASON.newRSAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition('Progressing', 'True', REASON.newRSAvailable, `${subject} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, status)) {
      // Progress refreshes lastUpdateTime even when the reason stays the same.
      const cond = newCondition('Progressing', 'True', REASON.replicaSetUpdated, `${subject} is progressing.`, now);
      if (current?.status === 'True') cond.lastTransitionTime = current.lastTransitionTime!;
      removeCondition(status, 'Progressing');
      setCondition(status, cond);
    } else if (timedOut(d, status, now)) {
      setCondition(status, newCondition('Progressing', 'False', REASON.timedOut, `${subject} has timed out progressing.`, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(status, { type: 'ReplicaFailure', status: failure.status, reason: failure.reason ?? '', message: failure.message ?? '', lastTransitionTime: failure.lastTransitionTime ?? '', lastUpdateTime: failure.lastTransitionTime ?? '' });
  else removeCondition(status, 'ReplicaFailure');
  return status;
}

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure condition, else an old one's. */
function replicaFailure(allRSs: ReadonlyArray<ReplicaSet | undefined>, newRS: ReplicaSet | undefined) {
  const of = (rs: ReplicaSet | undefined) => rs?.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
  return of(newRS) ?? allRSs.map(of).find((c) => c !== undefined);
}

/**
 * When to look again for a progress deadline (requeueStuckDeployment): ms until the
 * deadline passes, or undefined when there is nothing to wait for.
 */
export function progressCheckDelay(d: Deployment, status: DeploymentStatus, now: Date): number | undefined {
  const cond = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !cond) return undefined;
  if (deploymentComplete(d, status) || cond.reason === REASON.timedOut) return undefined;
  const from = Date.parse(cond.lastUpdateTime ?? cond.lastTransitionTime ?? '');
  if (Number.isNaN(from)) return undefined;
  const after = from + d.spec.progressDeadlineSeconds! * 1000 - now.getTime();
  return after < 1000 ? 0 : after + 1000;
}

/** reflect.DeepEqual of two statuses (key order aside). */
export function sameStatus(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  return canonicalJson(a ?? {}) === canonicalJson(b);
}
