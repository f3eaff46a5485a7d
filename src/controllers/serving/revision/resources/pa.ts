/**
 * The PodAutoscaler `<rev>` (knative/serving pkg/reconciler/revision/resources/pa.go MakePA):
 * it scales the revision's Deployment, carries the revision's annotations (the autoscaling
 * ones are its knobs; class and metric filled in as the PodAutoscaler webhook would), and
 * says whether the revision is reachable: routed (`routingState: active`) → Reachable,
 * parked (`reserve`) → Unreachable (min-scale then no longer holds pods), else Unknown. A
 * revision whose resources failed and that has no ready pod is Unreachable whatever its
 * routing, so it is not kept up.
 */
import type { KubeObject } from '../../../../api/object.ts';
import { HPA_CLASS, KPA_CLASS, ServingLabels } from '../../../../api/knative/serving/keys.ts';
import { RevisionConditions } from '../../../../api/knative/conditions.ts';
import type { RevisionConfig } from './config.ts';
import { controllerRef, deploymentName, podAutoscalerName, revisionAnnotations, revisionLabels } from './meta.ts';
import { containerConcurrency, protocolType } from './revision-view.ts';

export type Reachability = 'Reachable' | 'Unreachable' | 'Unknown';

const CLASS_KEY = 'autoscaling.knative.dev/class';
const METRIC_KEY = 'autoscaling.knative.dev/metric';

interface DeploymentView {
  spec?: { replicas?: number };
  status?: { readyReplicas?: number };
}

export function reachability(rev: KubeObject, deployment: DeploymentView | undefined): Reachability {
  const conditions = ((rev.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions) ?? [];
  const infraFailure = [RevisionConditions.ResourcesAvailable, RevisionConditions.ContainerHealthy]
    .some((t) => conditions.find((c) => c.type === t)?.status === 'False');
  if (infraFailure && deployment?.spec?.replicas !== undefined && deployment.spec.replicas > 0 && (deployment.status?.readyReplicas ?? 0) === 0) return 'Unreachable';
  switch (rev.metadata.labels?.[ServingLabels.routingState]) {
    case 'active': return 'Reachable';
    case 'reserve': return 'Unreachable';
    default: return 'Unknown';
  }
}

export function makePodAutoscaler(rev: KubeObject, cfg: RevisionConfig, deployment?: DeploymentView): KubeObject {
  const annotations = revisionAnnotations(rev);
  if (annotations[CLASS_KEY] === undefined) annotations[CLASS_KEY] = cfg.autoscaler.podAutoscalerClass;
  if (annotations[METRIC_KEY] === undefined) {
    const cls = annotations[CLASS_KEY];
    const metric = cls === KPA_CLASS ? 'concurrency' : cls === HPA_CLASS ? 'cpu' : '';
    if (metric) annotations[METRIC_KEY] = metric;
  }
  return {
    apiVersion: 'autoscaling.internal.knative.dev/v1alpha1',
    kind: 'PodAutoscaler',
    metadata: {
      name: podAutoscalerName(rev.metadata.name!),
      namespace: rev.metadata.namespace,
      labels: revisionLabels(rev),
      annotations,
      ownerReferences: [controllerRef(rev)],
    },
    spec: {
      containerConcurrency: containerConcurrency(rev),
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deploymentName(rev.metadata.name!) },
      protocolType: protocolType(rev),
      reachability: reachability(rev, deployment),
    },
  };
}
