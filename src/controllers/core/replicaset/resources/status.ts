/**
 * A ReplicaSet's status from the pods it owns (replica_set_utils.go calculateStatus):
 * `replicas` counts its active pods, `fullyLabeledReplicas` those carrying every template
 * label, `readyReplicas` the ready ones and `availableReplicas` those ready for
 * minReadySeconds. A failed create or delete shows as the ReplicaFailure condition until a
 * sync succeeds. Zero counts are left out, as the omitempty JSON tags leave them out.
 */
import type { Pod } from '../../../../api/builtin/core/pod-readiness.ts';
import { isPodAvailable, isPodReady } from '../../../../api/builtin/core/pod-readiness.ts';
import type { ReplicaSet, ReplicaSetStatus, WorkloadCondition } from './types.ts';
import { replicasOf } from './types.ts';

function hasLabels(pod: Pod, want: Record<string, string>): boolean {
  const labels = pod.metadata.labels ?? {};
  return Object.entries(want).every(([k, v]) => labels[k] === v);
}

function omitZero<K extends string>(key: K, n: number): { [P in K]?: number } {
  return (n !== 0 ? { [key]: n } : {}) as { [P in K]?: number };
}

export function replicaSetStatus(rs: ReplicaSet, pods: readonly Pod[], manageError: string | undefined, now: Date): ReplicaSetStatus {
  const templateLabels = rs.spec.template.metadata?.labels ?? {};
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (hasLabels(pod, templateLabels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, rs.spec.minReadySeconds ?? 0, now.getTime())) available++;
    }
  }
  let conditions = [...(rs.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === 'ReplicaFailure');
  if (manageError !== undefined && !failure) {
    const diff = pods.length - replicasOf(rs);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const cond: WorkloadCondition = { type: 'ReplicaFailure', status: 'True', lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, 'Z'), reason, message: manageError };
    conditions.push(cond);
  } else if (manageError === undefined && failure) {
    conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  }
  return {
    replicas: pods.length,
    ...omitZero('fullyLabeledReplicas', fullyLabeled),
    ...omitZero('readyReplicas', ready),
    ...omitZero('availableReplicas', available),
    ...omitZero('observedGeneration', rs.metadata.generation ?? 0),
    ...(conditions.length > 0 ? { conditions } : {}),
  };
}

/** Whether a status write would change anything (updateReplicaSetStatus's short-cut). */
export function statusChanged(rs: ReplicaSet, next: ReplicaSetStatus): boolean {
  const cur = rs.status ?? { replicas: 0 };
  return cur.replicas !== next.replicas
    || (cur.fullyLabeledReplicas ?? 0) !== (next.fullyLabeledReplicas ?? 0)
    || (cur.readyReplicas ?? 0) !== (next.readyReplicas ?? 0)
    || (cur.availableReplicas ?? 0) !== (next.availableReplicas ?? 0)
    || (cur.observedGeneration ?? 0) !== (rs.metadata.generation ?? 0)
    || JSON.stringify(cur.conditions ?? []) !== JSON.stringify(next.conditions ?? []);
}
