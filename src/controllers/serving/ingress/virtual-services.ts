/**
 * KIngress → Istio VirtualServices (net-istio pkg/reconciler/ingress/resources/
 * virtual_service.go), pure:
 *  - `<ing>-ingress`: every host (expanded), bound to the Knative gateways — external rules
 *    to the external gateways (plus the per-ingress TLS gateways), cluster-local rules to the
 *    local gateways; `gateways` lists only those its matches use.
 *  - `<ing>-mesh`: the cluster-local hosts for in-mesh clients, gateway `mesh`.
 * Each path becomes one HTTP route: authority prefix matches (one per distinct host prefix),
 * optional uri prefix, exact header matches; weighted destinations with `headers.request.set`
 * from appendHeaders; `rewrite.authority` for rewriteHost; `retries: {}` (no Istio retries:
 * the activator and queue-proxy own retrying). The probe paths go first (probe-hash.ts).
 */
import type { KubeObject, OwnerReference } from '../../../api/object.ts';
import { childName } from '../../../api/knative/util/kmeta.ts';
import { CLUSTER_DOMAIN, INGRESS_LABEL, visibilityOf, type HTTPIngressPath, type IngressRule, type KIngress, type Visibility } from './kingress.ts';
import { distinctHostPrefixes, expandedHosts, ingressHosts, isClusterLocalHost } from './hosts.ts';
import { withProbe } from './probe-hash.ts';

export const VIRTUAL_SERVICE = { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService' } as const;
export const MESH_GATEWAY = 'mesh';
const ROUTE_LABELS = ['serving.knative.dev/route', 'serving.knative.dev/routeNamespace'];

/** Qualified gateway names (`ns/name`) per rule visibility. */
export type GatewaysByVisibility = Readonly<Record<Visibility, readonly string[]>>;

export const ingressVirtualServiceName = (ing: KIngress): string => childName(ing.metadata.name!, '-ingress');
export const meshVirtualServiceName = (ing: KIngress): string => childName(ing.metadata.name!, '-mesh');

export function ownerRefTo(ing: KubeObject): OwnerReference {
  return { apiVersion: ing.apiVersion, kind: ing.kind, name: ing.metadata.name!, uid: ing.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

interface HttpMatch {
  gateways: string[];
  authority: { prefix: string };
  uri?: { prefix: string };
  headers?: Record<string, { exact: string }>;
}

export interface VsHttpRoute {
  match: HttpMatch[];
  route: Array<{ destination: { host: string; port: { number: number } }; weight: number; headers?: { request: { set: Record<string, string> } } }>;
  rewrite?: { authority: string };
  headers?: { request: { set: Record<string, string> } };
  retries: Record<string, never>;
}

const serviceHost = (name: string, ns: string): string => `${name}.${ns}.svc.${CLUSTER_DOMAIN}`;
const portNumber = (p: number | string): number => (typeof p === 'number' ? p : /^\d+$/.test(p) ? Number(p) : 0);
const setHeaders = (h: Record<string, string> | undefined) => (h && Object.keys(h).length > 0 ? { request: { set: { ...h } } } : undefined);

function makeMatch(host: string, path: HTTPIngressPath, gateways: readonly string[]): HttpMatch {
  const headers = Object.entries(path.headers ?? {}).filter(([, m]) => m.exact !== undefined);
  return {
    gateways: [...gateways].sort(),
    authority: { prefix: host },
    ...(path.path ? { uri: { prefix: path.path } } : {}),
    ...(headers.length > 0 ? { headers: Object.fromEntries(headers.map(([k, m]) => [k, { exact: m.exact! }])) } : {}),
  };
}

function makeRoute(hosts: Set<string>, path: HTTPIngressPath, gateways: readonly string[]): VsHttpRoute {
  const headers = setHeaders(path.appendHeaders);
  return {
    match: distinctHostPrefixes(hosts).map((h) => makeMatch(h, path, gateways)),
    route: path.splits.map((s) => {
      const h = setHeaders(s.appendHeaders);
      return { destination: { host: serviceHost(s.serviceName, s.serviceNamespace), port: { number: portNumber(s.servicePort) } }, weight: s.percent ?? 0, ...(h ? { headers: h } : {}) };
    }),
    ...(path.rewriteHost ? { rewrite: { authority: path.rewriteHost } } : {}),
    ...(headers ? { headers } : {}),
    retries: {},
  };
}

function makeSpec(rules: readonly IngressRule[], gateways: GatewaysByVisibility, hosts: Set<string>): { hosts: string[]; gateways: string[]; http: VsHttpRoute[] } {
  const http: VsHttpRoute[] = [];
  const used = new Set<string>();
  for (const rule of rules) {
    const ruleHosts = new Set([...hosts].filter((h) => expandedHosts(rule.hosts ?? []).has(h) || (rule.hosts ?? []).includes(h)));
    if (ruleHosts.size === 0) continue;
    for (const path of rule.http?.paths ?? []) {
      const route = makeRoute(ruleHosts, path, gateways[visibilityOf(rule)]);
      for (const m of route.match) for (const g of m.gateways) used.add(g);
      http.push(route);
    }
  }
  return { hosts: [...hosts].sort(), gateways: [...used].sort(), http };
}

function metaFor(ing: KIngress, name: string): KubeObject['metadata'] {
  const labels = Object.fromEntries(Object.entries(ing.metadata.labels ?? {}).filter(([k]) => !ROUTE_LABELS.includes(k)));
  return {
    name,
    namespace: ing.metadata.namespace!,
    labels: { ...labels, [INGRESS_LABEL]: ing.metadata.name! },
    ...(ing.metadata.annotations ? { annotations: { ...ing.metadata.annotations } } : {}),
    ownerReferences: [ownerRefTo(ing)],
  };
}

/**
 * The VirtualServices a KIngress needs, its probe hash included. The `-ingress` one is
 * left out when no gateway serves its rules (mesh-only mode); the `-mesh` one when the
 * ingress has no cluster-local hosts.
 */
export function makeVirtualServices(ing: KIngress, gateways: GatewaysByVisibility): { virtualServices: KubeObject[]; hash: string } {
  const { spec, hash } = withProbe(ing);
  const rules = spec.rules ?? [];
  const out: KubeObject[] = [];
  let localHosts = new Set([...ingressHosts(ing)].filter(isClusterLocalHost));
  // Expanded only when a local gateway exists (knative/serving#5396), as upstream.
  if (gateways.ClusterLocal.length > 0) localHosts = expandedHosts(localHosts);
  if (localHosts.size > 0) {
    const meshOnly: GatewaysByVisibility = { ExternalIP: [MESH_GATEWAY], ClusterLocal: [MESH_GATEWAY] };
    out.push({ ...VIRTUAL_SERVICE, metadata: metaFor(ing, meshVirtualServiceName(ing)), spec: makeSpec(rules, meshOnly, localHosts) });
  }
  const needed = new Set(rules.map(visibilityOf));
  if ([...needed].every((v) => gateways[v].length > 0) && rules.length > 0) {
    out.push({ ...VIRTUAL_SERVICE, metadata: metaFor(ing, ingressVirtualServiceName(ing)), spec: makeSpec(rules, gateways, expandedHosts(ingressHosts(ing))) });
  }
  return { virtualServices: out, hash };
}
