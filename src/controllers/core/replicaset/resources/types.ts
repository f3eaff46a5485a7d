/**
 * The apps/v1 shapes the workload controllers read and write, as far as they use them.
 * Objects arrive defaulted by the API server (replicas, strategy, revisionHistoryLimit …).
 */
import type { KubeObject, ObjectMeta } from '../../../../api/object.ts';
import type { LabelSelectorObject } from '../../../../api/selectors/label-selector.ts';

export interface PodTemplate {
  metadata?: Pick<ObjectMeta, 'labels' | 'annotations' | 'finalizers'> & Record<string, unknown>;
  spec?: Record<string, unknown>;
}

export interface WorkloadCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: WorkloadCondition[];
}

export interface ReplicaSet extends KubeObject {
  spec: {
    replicas?: number;
    minReadySeconds?: number;
    selector: LabelSelectorObject;
    template: PodTemplate;
  };
  status?: ReplicaSetStatus;
}

export const REPLICA_SET = { apiVersion: 'apps/v1', kind: 'ReplicaSet' } as const;
export const POD = { apiVersion: 'v1', kind: 'Pod' } as const;

export function replicasOf(rs: { spec: { replicas?: number } }): number {
  return rs.spec.replicas ?? 1;
}
