/**
 * The ServerlessService a PodAutoscaler owns (knative/serving
 * pkg/reconciler/autoscaling/resources/sks.go MakeSKS): same name and namespace, the PA's
 * labels, its annotations minus the metric one, a controller reference to the PA, and a
 * spec naming the scale target (the SKS controller finds the pods through the Deployment's
 * selector — the SKS spec itself carries no selector), the protocol, the mode (Serve: pods
 * in the path; Proxy: the activator) and how many activators to put in the path.
 */
import type { Condition, KubeObject } from '../../../api/object.ts';
import { AutoscalingAnnotations } from '../../../api/knative/serving/keys.ts';
import { newControllerRef } from '../../core/replicaset/resources/controller-ref.ts';
import { KINDS } from '../shared/contracts.ts';
import type { PodAutoscalerLike } from './spec.ts';

export type SksMode = 'Serve' | 'Proxy';

export interface ServerlessService extends KubeObject {
  spec: { mode: SksMode; numActivators: number; objectRef: { apiVersion?: string; kind?: string; name?: string }; protocolType: string };
  status?: { serviceName?: string; privateServiceName?: string; conditions?: Condition[]; observedGeneration?: number };
}

export function makeSks(pa: PodAutoscalerLike, mode: SksMode, numActivators: number): ServerlessService {
  const metric = AutoscalingAnnotations.metric[0];
  const annotations = Object.fromEntries(Object.entries(pa.metadata.annotations ?? {}).filter(([k]) => k !== metric));
  return {
    ...KINDS.serverlessService,
    metadata: {
      name: pa.metadata.name,
      namespace: pa.metadata.namespace,
      labels: { ...(pa.metadata.labels ?? {}) },
      annotations,
      ownerReferences: [newControllerRef(pa)],
    },
    spec: {
      mode,
      numActivators,
      objectRef: { ...(pa.spec?.scaleTargetRef ?? {}) },
      protocolType: pa.spec?.protocolType ?? 'http1',
    },
  };
}
