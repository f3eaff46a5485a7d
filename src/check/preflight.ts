/**
 * `skiff check --pre`: seed 002 §1.4.1, "Verifying installation prerequisites", as checks.
 *
 * 1. No Gateway binds port 443 with hosts `*` except those in knative-serving and those of
 *    another mesh (Istio lets only one Gateway claim a wildcard host on a port; Serverless's
 *    knative-ingress-gateway must be that one) — the seed's `oc get gateway -A … | grep '*'`.
 * 2. `istio-ingressgateway` is not exposed as NodePort or LoadBalancer — the seed's
 *    `oc get svc -A | grep istio-ingressgateway` "should not return a Service object of type
 *    NodePort or LoadBalancer": external traffic reaches Knative Services through Routes.
 */
import type { KubeObject } from '../api/object.ts';
import { type GatewaySpec, bareHost, fullName, meshOfNamespace, nameOf, namespaceOf, specOf } from './objects.ts';
import { type CheckCategory, type CheckResult, type ClusterSnapshot, failed, passed, warned } from './types.ts';

export const SERVERLESS_NAMESPACE = 'knative-serving';
export const INGRESS_GATEWAY_SERVICE = 'istio-ingressgateway';

export function preflightCategory(snapshot: ClusterSnapshot, meshNamespace: string): CheckCategory {
  return { categoryName: 'pre-serverless-mesh', checks: [wildcardHttpsGatewayCheck(snapshot, meshNamespace), ingressGatewayServiceCheck(snapshot)] };
}

export function wildcardHttpsGatewayCheck(snapshot: ClusterSnapshot, meshNamespace: string): CheckResult {
  const description = `no Gateway outside ${SERVERLESS_NAMESPACE} binds port 443 with hosts "*"`;
  const offenders = snapshot.gateways.filter((gw) => {
    if (namespaceOf(gw) === SERVERLESS_NAMESPACE) return false;
    const mesh = meshOfNamespace(snapshot.namespaces, namespaceOf(gw));
    if (mesh !== undefined && mesh !== meshNamespace) return false;
    return (specOf<GatewaySpec>(gw).servers ?? []).some((s) => s.port?.number === 443 && (s.hosts ?? []).some((h) => bareHost(h) === '*'));
  });
  if (offenders.length === 0) return passed(description);
  return failed(
    description,
    `Gateway ${offenders.map(describeGateway).join(', ')} binds port 443 with hosts ["*"]`,
    `Only one Gateway may claim hosts "*" on port 443 of a mesh, and Serverless needs it for ${SERVERLESS_NAMESPACE}/knative-ingress-gateway: delete the Gateway or narrow its hosts (kubectl edit gateway -n ${namespaceOf(offenders[0]!)} ${nameOf(offenders[0]!)}), or install Serverless into a separate ServiceMeshControlPlane.`,
  );
}

export function ingressGatewayServiceCheck(snapshot: ClusterSnapshot): CheckResult {
  const description = `${INGRESS_GATEWAY_SERVICE} is not exposed as NodePort or LoadBalancer`;
  const services = snapshot.services.filter((s) => nameOf(s) === INGRESS_GATEWAY_SERVICE);
  if (services.length === 0) {
    return warned(description, `no Service named ${INGRESS_GATEWAY_SERVICE} exists`, 'Install the ServiceMeshControlPlane (seed 002 §1.4.2); it creates the ingress gateway and its ClusterIP Service.');
  }
  const exposed = services.filter((s) => ['NodePort', 'LoadBalancer'].includes(serviceType(s)));
  if (exposed.length === 0) return passed(description);
  return failed(
    description,
    exposed.map((s) => `Service ${fullName(s)} has type ${serviceType(s)}`).join('; '),
    `Accessing the mesh directly is not supported: Knative Services are reached through Routes (the router). Set spec.gateways.ingress.service.type to ClusterIP in the ServiceMeshControlPlane, or run kubectl patch svc -n ${namespaceOf(exposed[0]!)} ${INGRESS_GATEWAY_SERVICE} -p '{"spec":{"type":"ClusterIP"}}'.`,
  );
}

function serviceType(service: KubeObject): string {
  return specOf<{ type: string }>(service).type ?? 'ClusterIP';
}

function describeGateway(gw: KubeObject): string {
  return fullName(gw);
}
