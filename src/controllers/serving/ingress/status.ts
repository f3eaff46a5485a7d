/**
 * The KIngress status net-istio writes (knative/networking ingress_lifecycle.go), pure:
 * NetworkConfigured once the Istio objects are written; LoadBalancerReady once every gateway
 * pod serves this version of the routes, with the load balancers filled in (the gateway
 * Services' hosts, or `meshOnly` when there is no such gateway); Ready straight to Unknown
 * `ReconcileIngressFailed` when the reconcile itself failed (MarkIngressNotReady).
 */
import { CONDITION_SETS, IngressConditions } from '../../../api/knative/conditions.ts';
import { KnativeConditions } from '../shared/conditions.ts';
import type { KIngress, LoadBalancerIngressStatus } from './kingress.ts';

export const NOT_RECONCILED_REASON = 'ReconcileIngressFailed';
export const NOT_RECONCILED_MESSAGE = 'Ingress reconciliation failed';

export type IngressOutcome =
  | { kind: 'failed' }
  | { kind: 'configured'; loadBalancerReady: false }
  | { kind: 'configured'; loadBalancerReady: true; publicService: string | undefined; privateService: string | undefined };

const lbStatus = (service: string | undefined): LoadBalancerIngressStatus[] => (service ? [{ domainInternal: service }] : [{ meshOnly: true }]);

export function ingressStatus(ing: KIngress, outcome: IngressOutcome, now: () => Date): Record<string, unknown> {
  const prev = ing.status ?? {};
  const conditions = new KnativeConditions(CONDITION_SETS['Ingress.networking.internal.knative.dev']!, prev.conditions, now).initialize();
  const status: Record<string, unknown> = { ...prev };
  if (outcome.kind === 'failed') {
    conditions.markUnknown(IngressConditions.Ready, NOT_RECONCILED_REASON, NOT_RECONCILED_MESSAGE);
  } else {
    conditions.markTrue(IngressConditions.NetworkConfigured);
    if (outcome.loadBalancerReady) {
      status.publicLoadBalancer = { ingress: lbStatus(outcome.publicService) };
      status.privateLoadBalancer = { ingress: lbStatus(outcome.privateService) };
      conditions.markTrue(IngressConditions.LoadBalancerReady);
    } else {
      conditions.markUnknown(IngressConditions.LoadBalancerReady, 'Uninitialized', 'Waiting for load balancer to be ready');
    }
  }
  status.conditions = conditions.list;
  status.observedGeneration = ing.metadata.generation;
  return status;
}
