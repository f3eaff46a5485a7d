/**
 * What a sync does, by situation (deployment_controller.go syncDeployment and rolling.go,
 * recreate.go, sync.go): a paused Deployment or a scaling event only resizes; RollingUpdate
 * grows the new ReplicaSet within maxSurge and shrinks old ones within maxUnavailable;
 * Recreate scales old ReplicaSets to zero, waits until none of their pods runs, then
 * scales the new one up.
 */
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { isPodTerminal } from '../../../api/builtin/core/pod-readiness.ts';
import { controllerOf } from '../replicaset/resources/controller-ref.ts';
import { replicasOf, type ReplicaSet } from '../replicaset/resources/types.ts';
import type { DeploymentSync } from './deployment-sync.ts';
import { maxSurge, maxUnavailable } from './resources/fenceposts.ts';
import { byCreation, bySizeNewer, bySizeOlder, filterActive, findActiveOrLatest, sum } from './resources/replica-sets.ts';
import { deploymentComplete, desiredReplicasAnnotation, getProportion, isSaturated, newRSNewReplicas } from './resources/rollout.ts';
import { desiredReplicas, isRollingUpdate } from './resources/types.ts';

/** isScalingEvent: an active ReplicaSet was annotated for a different replica count. */
export async function isScalingEvent(s: DeploymentSync): Promise<boolean> {
  const { newRS, oldRSs } = await s.newAndOld(false);
  return filterActive([...oldRSs, newRS]).some((rs) => {
    const desired = desiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== desiredReplicas(s.d);
  });
}

/** sync: scale proportionally, clean up when paused, write status. */
export async function syncScaling(s: DeploymentSync): Promise<void> {
  const { newRS, oldRSs } = await s.newAndOld(false);
  await scale(s, newRS, oldRSs);
  if (s.d.spec.paused) await s.cleanup(oldRSs);
  await s.syncStatus([...oldRSs, newRS], newRS);
}

/**
 * scale: one active ReplicaSet takes the whole count; a saturated new one sends the old ones
 * to zero; otherwise (RollingUpdate) the change is spread over the active ReplicaSets in
 * proportion to their size, leftovers going to the largest.
 */
async function scale(s: DeploymentSync, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const d = s.d;
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (replicasOf(activeOrLatest) !== desiredReplicas(d)) await s.scaleAndRecord(activeOrLatest, desiredReplicas(d));
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActive(oldRSs)) await s.scaleAndRecord(old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const all = filterActive([...oldRSs, newRS]);
  const allowed = desiredReplicas(d) > 0 ? desiredReplicas(d) + maxSurge(d) : 0;
  const toAdd = allowed - sum.spec(all);
  let direction: string | undefined;
  if (toAdd > 0) {
    all.sort(bySizeNewer);
    direction = 'up';
  } else if (toAdd < 0) {
    all.sort(bySizeOlder);
    direction = 'down';
  }
  let added = 0;
  const sizes = new Map<string, number>();
  for (const rs of all) {
    if (toAdd === 0) {
      sizes.set(rs.metadata.uid!, replicasOf(rs));
      continue;
    }
    const proportion = getProportion(rs, d, toAdd, added);
    sizes.set(rs.metadata.uid!, replicasOf(rs) + proportion);
    added += proportion;
  }
  for (const [i, rs] of all.entries()) {
    let size = sizes.get(rs.metadata.uid!)!;
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    await s.scale(rs, size, direction);
  }
}

/** rolloutRolling. */
export async function rolloutRolling(s: DeploymentSync): Promise<void> {
  const { newRS: created, oldRSs } = await s.newAndOld(true);
  let newRS = created!;
  const all = () => [...oldRSs, newRS];
  const d = s.d;
  // Scale up, if we can.
  if (replicasOf(newRS) !== desiredReplicas(d)) {
    const target = replicasOf(newRS) > desiredReplicas(d) ? desiredReplicas(d) : newRSNewReplicas(d, all(), newRS);
    const r = await s.scaleAndRecord(newRS, target);
    newRS = r.rs;
    if (r.scaled) return s.syncRolloutStatus(all(), newRS);
  }
  // Scale down, if we can.
  if (await reconcileOldReplicaSets(s, oldRSs, newRS)) return s.syncRolloutStatus(all(), newRS);
  if (deploymentComplete(d, d.status ?? {})) await s.cleanup(oldRSs);
  await s.syncRolloutStatus(all(), newRS);
}

/**
 * reconcileOldReplicaSets: first scale down old ReplicaSets' unhealthy replicas (they add no
 * availability), then old healthy ones as far as maxUnavailable allows.
 */
async function reconcileOldReplicaSets(s: DeploymentSync, oldRSs: ReplicaSet[], newRS: ReplicaSet): Promise<boolean> {
  const d = s.d;
  const active = filterActive(oldRSs);
  if (sum.spec(active) === 0) return false;
  const allPods = sum.spec([...active, newRS]);
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;

  let cleaned = 0;
  const byAge = [...active].sort(byCreation);
  for (const [i, rs] of byAge.entries()) {
    if (cleaned >= maxScaledDown) break;
    if (replicasOf(rs) === 0) continue;
    const unhealthy = replicasOf(rs) - (rs.status?.availableReplicas ?? 0);
    if (unhealthy <= 0) continue;
    const count = Math.min(maxScaledDown - cleaned, unhealthy);
    const r = await s.scaleAndRecord(rs, replicasOf(rs) - count);
    byAge[i] = r.rs;
    cleaned += count;
  }

  const available = sum.available([...byAge, newRS]);
  if (available <= minAvailable) return cleaned > 0;
  const total = available - minAvailable;
  let scaledDown = 0;
  for (const rs of byAge) {
    if (scaledDown >= total) break;
    if (replicasOf(rs) === 0) continue;
    const count = Math.min(replicasOf(rs), total - scaledDown);
    await s.scaleAndRecord(rs, replicasOf(rs) - count);
    scaledDown += count;
  }
  return cleaned + scaledDown > 0;
}

/** rolloutRecreate: old ReplicaSets to zero, wait for their pods to stop, then the new one up. */
export async function rolloutRecreate(s: DeploymentSync, pods: readonly Pod[]): Promise<void> {
  let { newRS, oldRSs } = await s.newAndOld(false);
  let scaledDown = false;
  for (const [i, rs] of oldRSs.entries()) {
    if (replicasOf(rs) === 0) continue;
    const r = await s.scaleAndRecord(rs, 0);
    oldRSs[i] = r.rs;
    scaledDown ||= r.scaled;
  }
  if (scaledDown || oldPodsRunning(newRS, oldRSs, pods)) return s.syncRolloutStatus([...oldRSs, newRS], newRS);
  if (!newRS) ({ newRS, oldRSs } = await s.newAndOld(true));
  await s.scaleAndRecord(newRS!, desiredReplicas(s.d));
  if (deploymentComplete(s.d, s.d.status ?? {})) await s.cleanup(oldRSs);
  await s.syncRolloutStatus([...oldRSs, newRS], newRS);
}

/** oldPodsRunning: an old ReplicaSet still reports pods, or one of its pods has not finished. */
function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], pods: readonly Pod[]): boolean {
  if (sum.actual(oldRSs) > 0) return true;
  const oldUids = new Set(oldRSs.map((rs) => rs.metadata.uid));
  return pods.some((p) => {
    const ref = controllerOf(p);
    return ref !== undefined && ref.uid !== newRS?.metadata.uid && oldUids.has(ref.uid) && !isPodTerminal(p);
  });
}
