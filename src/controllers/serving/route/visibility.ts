/**
 * Per-target visibility (knative/serving pkg/reconciler/route/visibility): a target is
 * cluster-local when the whole Route is (its domain resolves to svc.cluster.local — the
 * visibility label, or a config-domain with no public domain for it), or when its own
 * placeholder Service carries the `networking.knative.dev/visibility` label. The most
 * restrictive of the two wins.
 */
import type { KubeObject } from '../../../api/object.ts';
import { ServingLabels } from '../../../api/knative/serving/keys.ts';
import { CLUSTER_LOCAL_DOMAIN, type RouteConfig } from './config.ts';
import { type Visibility, hostnameFromTemplate, lookupDomainForLabels } from './domains.ts';
import { trafficNames } from './traffic.ts';

export function routeVisibility(cfg: RouteConfig, route: KubeObject): Visibility {
  return lookupDomainForLabels(cfg.domain, route.metadata.labels) === CLUSTER_LOCAL_DOMAIN ? 'ClusterLocal' : 'ExternalIP';
}

/** IsObjectLocalVisibility: any value of the label makes a placeholder Service's target local. */
const locallyVisible = (svc: KubeObject | undefined): boolean => (svc?.metadata.labels?.[ServingLabels.visibility] ?? '') !== '';

/**
 * Tag ('' for the default target) → visibility, for every name the spec uses.
 * `placeholders` are the Services labelled with this Route (looked up by name).
 */
export function resolveVisibility(cfg: RouteConfig, route: KubeObject, placeholders: readonly KubeObject[]): Map<string, Visibility> {
  const byName = new Map(placeholders.map((s) => [s.metadata.name!, s]));
  const routeLevel = routeVisibility(cfg, route);
  const out = new Map<string, Visibility>();
  for (const tag of trafficNames(route)) {
    const own: Visibility = locallyVisible(byName.get(hostnameFromTemplate(cfg, route.metadata.name!, tag))) ? 'ClusterLocal' : 'ExternalIP';
    out.set(tag, own === 'ClusterLocal' || routeLevel === 'ClusterLocal' ? 'ClusterLocal' : 'ExternalIP');
  }
  return out;
}
