/**
 * The KIngress a Route wants (knative/serving pkg/reconciler/route/resources/ingress.go):
 * one networking.internal.knative.dev Ingress named after the Route, with per target name
 * (default and each tag) a cluster-local rule over the expanded `*.svc.cluster.local` hosts
 * and, unless the target is cluster-local, one external rule per public host. Each rule's
 * path splits traffic over the revisions' public Services (port 80, 81 for h2c, 443 with
 * system-internal TLS) and appends the Knative-Serving-Revision/-Namespace headers the
 * activator routes by. Zero-percent targets are left out of the split.
 */
import type { KubeObject } from '../../../api/object.ts';
import { ServingLabels } from '../../../api/knative/serving/keys.ts';
import { newControllerRef } from '../../core/replicaset/resources/controller-ref.ts';
import { KINDS } from '../shared/contracts.ts';
import type { RouteConfig } from './config.ts';
import { type RouteMeta, type Visibility, domainsForVisibility } from './domains.ts';
import { buildRollout, serializeRollout } from './rollout.ts';
import { DEFAULT_TARGET, type RevisionTarget, type TrafficConfig } from './traffic.ts';

export const INGRESS_ANNOTATIONS = {
  ingressClass: 'networking.knative.dev/ingress.class',
  ingressClassAlt: 'networking.knative.dev/ingress-class',
  certificateClassAlt: 'networking.knative.dev/certificate-class',
  httpOption: 'networking.knative.dev/httpOption',
  httpProtocol: 'networking.knative.dev/http-protocol',
  rollout: 'networking.internal.knative.dev/rollout',
  tagToHost: 'networking.internal.knative.dev/tag-to-host',
} as const;

export const ROUTE_NAMESPACE_LABEL = 'serving.knative.dev/routeNamespace';

/** Annotations a Route never hands its KIngress (resources/filters.go ExcludedAnnotations). */
const EXCLUDED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration', INGRESS_ANNOTATIONS.certificateClassAlt, INGRESS_ANNOTATIONS.ingressClassAlt]);

/** Wire names of the Knative data-plane headers as upstream spells them. */
const HEADER = { revision: 'Knative-Serving-Revision', namespace: 'Knative-Serving-Namespace', tag: 'Knative-Serving-Tag', defaultRoute: 'Knative-Serving-Default-Route' } as const;

export interface IngressSplit {
  serviceName: string;
  serviceNamespace: string;
  servicePort: number;
  percent: number;
  appendHeaders: Record<string, string>;
}

export interface IngressPath {
  headers?: Record<string, { exact: string }>;
  appendHeaders?: Record<string, string>;
  splits: IngressSplit[];
}

export interface IngressRule {
  hosts: string[];
  visibility: Visibility;
  http: { paths: IngressPath[] };
}

/** The ingress class: the Route's annotation (either spelling), else config-network's. */
export function ingressClassFor(route: KubeObject, cfg: RouteConfig): string {
  const a = route.metadata.annotations ?? {};
  return a[INGRESS_ANNOTATIONS.ingressClass] || a[INGRESS_ANNOTATIONS.ingressClassAlt] || cfg.network.defaultIngressClass;
}

/** GetHTTPOption: the Route's http-protocol annotation, else config-network's (disabled → unset). */
export function httpOptionFor(route: KubeObject, cfg: RouteConfig): 'Enabled' | 'Redirected' | undefined {
  const a = route.metadata.annotations ?? {};
  const annotated = a[INGRESS_ANNOTATIONS.httpOption] || a[INGRESS_ANNOTATIONS.httpProtocol] || '';
  if (annotated !== '') {
    const p = annotated.toLowerCase();
    if (p === 'enabled') return 'Enabled';
    if (p === 'redirected') return 'Redirected';
    throw new Error(`incorrect http-protocol annotation: ${p}`);
  }
  return cfg.network.httpProtocol === 'enabled' ? 'Enabled' : cfg.network.httpProtocol === 'redirected' ? 'Redirected' : undefined;
}

function servicePort(t: RevisionTarget, cfg: RouteConfig): number {
  if (cfg.network.systemInternalTLS) return 443;
  return t.protocol === 'h2c' ? 81 : 80;
}

/** makeBaseIngressPath: one split per target with traffic. */
export function basePath(namespace: string, targets: readonly RevisionTarget[], cfg: RouteConfig): IngressPath {
  const splits = targets.filter((t) => t.percent !== 0).map((t) => ({
    serviceName: t.revisionName,
    serviceNamespace: namespace,
    servicePort: servicePort(t, cfg),
    percent: t.percent,
    appendHeaders: { [HEADER.revision]: t.revisionName, [HEADER.namespace]: namespace },
  }));
  return { splits };
}

export const routeMeta = (route: KubeObject): RouteMeta => ({
  name: route.metadata.name!, namespace: route.metadata.namespace!, labels: route.metadata.labels, annotations: route.metadata.annotations,
});

/** makeIngressSpec: the rules, plus tag → primary hosts for the tag-to-host annotation. */
export function makeIngressSpec(route: KubeObject, tc: TrafficConfig, visibility: ReadonlyMap<string, Visibility>, cfg: RouteConfig): { spec: Record<string, unknown>; tagToHost: Record<string, string[]> } {
  const ns = route.metadata.namespace!;
  const meta = routeMeta(route);
  const names = [...tc.targets.keys()].sort();
  const rules: IngressRule[] = [];
  const tagToHost: Record<string, string[]> = {};
  for (const name of names) {
    const visibilities: Visibility[] = ['ClusterLocal'];
    if ((visibility.get(name) ?? 'ExternalIP') === 'ExternalIP') visibilities.push('ExternalIP');
    for (const vis of visibilities) {
      const domains = domainsForVisibility(cfg, name, meta, vis);
      const path = () => basePath(ns, tc.targets.get(name)!, cfg);
      // Cluster-local: one rule over every short form; external: one rule per host.
      const hostSets = vis === 'ClusterLocal' ? [domains.expanded] : domains.expanded.map((h) => [h]);
      for (const hosts of hostSets) {
        const rule: IngressRule = { hosts, visibility: vis, http: { paths: [path()] } };
        if (cfg.tagHeaderBasedRouting) addTagHeaderRouting(rule, name, names, ns, tc, cfg);
        rules.push(rule);
      }
      if (name !== DEFAULT_TARGET) (tagToHost[name] ??= []).push(domains.primary);
    }
  }
  const httpOption = httpOptionFor(route, cfg);
  return { spec: { rules, ...(httpOption ? { httpOption } : {}) }, tagToHost };
}

/**
 * tag-header-based-routing: the default host also routes `Knative-Serving-Tag: <tag>`
 * requests to that tag's revision; a tag host stamps its tag on the request so both ways in
 * look alike to queue-proxy.
 */
function addTagHeaderRouting(rule: IngressRule, name: string, names: readonly string[], ns: string, tc: TrafficConfig, cfg: RouteConfig): void {
  const first = rule.http.paths[0]!;
  if (name === DEFAULT_TARGET) {
    first.appendHeaders = { ...(first.appendHeaders ?? {}), [HEADER.defaultRoute]: 'true' };
    const tagPaths = names.filter((n) => n !== DEFAULT_TARGET).map((tag) => ({ headers: { [HEADER.tag]: { exact: tag } }, ...basePath(ns, tc.targets.get(tag)!, cfg) }));
    rule.http.paths = [...tagPaths, ...rule.http.paths];
  } else {
    first.appendHeaders = { ...(first.appendHeaders ?? {}), [HEADER.tag]: name };
  }
}

/** MakeIngress: the KIngress for the Route, controlled by it. */
export function makeIngress(route: KubeObject, tc: TrafficConfig, visibility: ReadonlyMap<string, Visibility>, cfg: RouteConfig): KubeObject {
  const { spec, tagToHost } = makeIngressSpec(route, tc, visibility, cfg);
  const annotations: Record<string, string> = {
    [INGRESS_ANNOTATIONS.ingressClass]: ingressClassFor(route, cfg),
    [INGRESS_ANNOTATIONS.rollout]: serializeRollout(buildRollout(tc)),
  };
  // The Route's own annotations (enablePassthrough, …) ride along and win, as kmeta.UnionMaps does.
  for (const [k, v] of Object.entries(route.metadata.annotations ?? {})) annotations[k] = v;
  for (const k of EXCLUDED_ANNOTATIONS) delete annotations[k];
  if (Object.keys(tagToHost).length > 0) annotations[INGRESS_ANNOTATIONS.tagToHost] = goJsonSortedKeys(tagToHost);
  return {
    apiVersion: KINDS.ingress.apiVersion,
    kind: KINDS.ingress.kind,
    metadata: {
      name: route.metadata.name,
      namespace: route.metadata.namespace,
      labels: { ...(route.metadata.labels ?? {}), [ServingLabels.route]: route.metadata.name!, [ROUTE_NAMESPACE_LABEL]: route.metadata.namespace! },
      annotations,
      ownerReferences: [newControllerRef(route)],
    },
    spec,
  };
}

/** json.Marshal of a map: keys sorted. */
function goJsonSortedKeys(m: Record<string, string[]>): string {
  return JSON.stringify(Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]])));
}
