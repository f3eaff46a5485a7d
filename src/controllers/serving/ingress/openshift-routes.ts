/**
 * KIngress → OpenShift Routes, as the serverless-operator's `knative-openshift-ingress`
 * controller makes them (serving/ingress/pkg/reconciler/ingress/resources/route.go), pure.
 * One route.openshift.io/v1 Route per external host, in the namespace of the ingress's public
 * load balancer (parsed from `status.publicLoadBalancer.ingress[].domainInternal`), pointing
 * at that gateway Service: edge TLS on the router by default, or passthrough to the gateway
 * (which then terminates TLS itself, e.g. with `wildcard-certs`) when the ingress asks for it,
 * carries its own TLS, or targets a revision's internal-TLS port. Routes live in another
 * namespace than the KIngress, so no owner references: labels name the ingress instead.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../../api/object.ts';
import { INGRESS_LABEL, visibilityOf, type KIngress } from './kingress.ts';

export const OPENSHIFT_ROUTE = { apiVersion: 'route.openshift.io/v1', kind: 'Route' } as const;
export const OCP_INGRESS_NAME_LABEL = 'serving.knative.openshift.io/ingressName';
export const OCP_INGRESS_NAMESPACE_LABEL = 'serving.knative.openshift.io/ingressNamespace';
export const DISABLE_ROUTE_ANNOTATION = 'serving.knative.openshift.io/disableRoute';
export const ENABLE_PASSTHROUGH_ANNOTATION = 'serving.knative.openshift.io/enablePassthrough';
export const SET_ROUTE_TIMEOUT_ANNOTATION = 'serving.knative.openshift.io/setRouteTimeout';
export const HAPROXY_TIMEOUT_ANNOTATION = 'haproxy.router.openshift.io/timeout';
/** Serving's max-revision-timeout-seconds default: a request may run that long. */
export const DEFAULT_ROUTE_TIMEOUT_SECONDS = 600;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const ARGOCD_PREFIX = 'argocd.argoproj.io/';
/** Port names of the gateway Service (Maistra's istio-ingressgateway, Kourier's). */
const HTTP_TARGET_PORT = 'http2';
const HTTPS_TARGET_PORT = 'https';

export function routeName(ingressUid: string, host: string): string {
  return `route-${ingressUid}-${createHash('sha256').update(host).digest('hex').slice(0, 6)}`;
}

/** `name.namespace.svc.cluster.local` of the public load balancer → its Service and namespace. */
export function publicLoadBalancerService(ing: KIngress): { name: string; namespace: string } | undefined {
  let found: { name: string; namespace: string } | undefined;
  for (const lb of ing.status?.publicLoadBalancer?.ingress ?? []) {
    const parts = (lb.domainInternal ?? '').split('.');
    if (parts.length >= 2 && parts[0] && parts[1]) found = { name: parts[0], namespace: parts[1] };
  }
  return found;
}

/** Hosts like `hello.default.svc.cluster.local` (third label `svc`) stay inside the cluster. */
function isClusterHost(host: string): boolean {
  const parts = host.split('.');
  return parts.length <= 2 || parts[2] === 'svc';
}

function wantsPassthrough(ing: KIngress): boolean {
  if (ing.metadata.annotations?.[ENABLE_PASSTHROUGH_ANNOTATION] === 'true') return true;
  if ((ing.spec?.tls ?? []).length > 0) return true;
  // A split to port 443 is a revision serving internal TLS: the router must not terminate.
  return (ing.spec?.rules ?? []).some((r) => (r.http?.paths ?? []).some((p) => p.splits.some((s) => String(s.servicePort) === '443')));
}

function timeoutOf(ing: KIngress, envTimeout: string | undefined): string {
  const fromAnnotation = ing.metadata.annotations?.[SET_ROUTE_TIMEOUT_ANNOTATION];
  const seconds = [fromAnnotation, envTimeout].find((v) => v !== undefined && /^\d+$/.test(v)) ?? String(DEFAULT_ROUTE_TIMEOUT_SECONDS);
  return `${seconds}s`;
}

const withoutKeys = (m: Record<string, string> | undefined, drop: (k: string) => boolean): Record<string, string> =>
  Object.fromEntries(Object.entries(m ?? {}).filter(([k]) => !drop(k)));

export interface RouteOptions {
  /** ROUTE_HAPROXY_TIMEOUT of the upstream controller's environment (seconds). */
  routeTimeoutSeconds?: string;
}

export function makeRoutes(ing: KIngress, opts: RouteOptions = {}): KubeObject[] {
  if (ing.metadata.annotations?.[DISABLE_ROUTE_ANNOTATION] !== undefined) return [];
  const lb = publicLoadBalancerService(ing);
  if (!lb) return [];
  const passthrough = wantsPassthrough(ing);
  const annotations = { ...withoutKeys(ing.metadata.annotations, (k) => k === LAST_APPLIED || k.startsWith(ARGOCD_PREFIX)), [HAPROXY_TIMEOUT_ANNOTATION]: timeoutOf(ing, opts.routeTimeoutSeconds) };
  const labels = {
    ...withoutKeys(ing.metadata.labels, (k) => k.startsWith(ARGOCD_PREFIX)),
    [INGRESS_LABEL]: ing.metadata.name!,
    [OCP_INGRESS_NAME_LABEL]: ing.metadata.name!,
    [OCP_INGRESS_NAMESPACE_LABEL]: ing.metadata.namespace!,
  };
  const routes = new Map<string, KubeObject>();
  for (const rule of ing.spec?.rules ?? []) {
    if (visibilityOf(rule) === 'ClusterLocal') continue;
    for (const host of rule.hosts ?? []) {
      if (isClusterHost(host)) continue;
      const name = routeName(ing.metadata.uid!, host);
      routes.set(name, {
        ...OPENSHIFT_ROUTE,
        metadata: { name, namespace: lb.namespace, labels: { ...labels }, annotations: { ...annotations } },
        spec: {
          host,
          port: { targetPort: passthrough ? HTTPS_TARGET_PORT : HTTP_TARGET_PORT },
          to: { kind: 'Service', name: lb.name, weight: 100 },
          tls: passthrough
            ? { termination: 'passthrough', insecureEdgeTerminationPolicy: 'Redirect' }
            : { termination: 'edge', insecureEdgeTerminationPolicy: ing.spec?.httpOption === 'Redirected' ? 'Redirect' : 'Allow' },
          wildcardPolicy: 'None',
        },
      });
    }
  }
  return [...routes.values()];
}
