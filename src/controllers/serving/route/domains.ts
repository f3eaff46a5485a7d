/**
 * A Route's host names (knative/serving pkg/reconciler/route/domains, config/domain.go and
 * knative/networking pkg/ingress ExpandedHosts): the domain a Route lives under is picked by
 * config-domain's label selectors, the host is config-network's domain template over the
 * Route's metadata, and a tag's host name is the tag template first.
 *
 * Cluster-local routes always use the upstream default template, so they are reachable as
 * `<name>.<ns>.svc.cluster.local` whatever the cluster's public template is.
 */
import { fullyQualifiedDomainNameError } from '../../../api/knative/util/k8s-names.ts';
import { ServingLabels, VISIBILITY_CLUSTER_LOCAL } from '../../../api/knative/serving/keys.ts';
import { CLUSTER_DOMAIN, CLUSTER_LOCAL_DOMAIN, DEFAULT_DOMAIN_TEMPLATE, type DomainConfig, type RouteConfig } from './config.ts';
import { parseGoTemplate } from './template.ts';

export type Visibility = 'ClusterLocal' | 'ExternalIP';

/** The metadata a host is computed from (a Route's, possibly with its visibility label changed). */
export interface RouteMeta {
  name: string;
  namespace: string;
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
}

/** domains.ErrDomainName: the template or its result is unusable; the Route says `ErrorConfig`. */
export class DomainNameError extends Error {}

const DEFAULT_TEMPLATE = parseGoTemplate('domain-template', DEFAULT_DOMAIN_TEMPLATE);

const isClusterLocalLabelled = (labels: Readonly<Record<string, string>> | undefined): boolean => labels?.[ServingLabels.visibility] === VISIBILITY_CLUSTER_LOCAL;

/** LookupDomainForLabels: the most specific matching selector wins; ties go to the smaller key. */
export function lookupDomainForLabels(cfg: DomainConfig, labels: Readonly<Record<string, string>> | undefined): string {
  if (isClusterLocalLabelled(labels)) return CLUSTER_LOCAL_DOMAIN;
  let domain = '';
  let specificity = -1;
  for (const [key, entry] of cfg.domains) {
    const selector = Object.entries(entry.selector);
    if (!selector.every(([k, v]) => labels?.[k] === v)) continue;
    if (selector.length < specificity) continue;
    if (selector.length > specificity || key < domain) {
      domain = key;
      specificity = selector.length;
    }
  }
  return domain;
}

/** The route's metadata with its visibility label set (cluster-local) or removed (labels.SetVisibility). */
export function withVisibility(meta: RouteMeta, clusterLocal: boolean): RouteMeta {
  const labels = { ...(meta.labels ?? {}) };
  if (clusterLocal) labels[ServingLabels.visibility] = VISIBILITY_CLUSTER_LOCAL;
  else delete labels[ServingLabels.visibility];
  return { ...meta, labels };
}

/** HostnameFromTemplate: the route name itself for the default target, the tag template for a tag. */
export function hostnameFromTemplate(cfg: RouteConfig, name: string, tag: string): string {
  if (tag === '') return name;
  try {
    return cfg.network.tagTemplate.execute({ Name: name, Tag: tag });
  } catch (err) {
    throw new DomainNameError(`domain name error: error executing the TagTemplate: ${(err as Error).message}`);
  }
}

/** DomainNameFromTemplate: the full host for `name` (a route or tag host name) under the route's domain. */
export function domainNameFromTemplate(cfg: RouteConfig, meta: RouteMeta, name: string): string {
  const domain = lookupDomainForLabels(cfg.domain, meta.labels);
  const template = isClusterLocalLabelled(meta.labels) ? DEFAULT_TEMPLATE : cfg.network.domainTemplate;
  let host: string;
  try {
    host = template.execute({ Name: name, Namespace: meta.namespace, Domain: domain, Annotations: meta.annotations, Labels: meta.labels });
  } catch (err) {
    throw new DomainNameError(`domain name error: error executing the DomainTemplate: ${(err as Error).message}`);
  }
  const invalid = fullyQualifiedDomainNameError('url', host);
  if (invalid) throw new DomainNameError(`domain name error: invalid domain name "${host}": ${invalid}`);
  return host;
}

/** ingress.ExpandedHosts: a cluster-local host also answers to its short forms (`name.ns`, `name.ns.svc`). */
export function expandedHosts(hosts: Iterable<string>): string[] {
  const suffixes = ['', `.${CLUSTER_DOMAIN}`, `.svc.${CLUSTER_DOMAIN}`];
  const out = new Set<string>();
  for (const h of [...hosts].sort()) {
    for (const suffix of suffixes) {
      if (suffix !== '' && !h.endsWith(suffix)) continue;
      const trimmed = suffix === '' ? h : h.slice(0, -suffix.length);
      if (isValidTopLevelDomain(trimmed)) out.add(trimmed);
    }
  }
  return [...out].sort();
}

/** The last label is at most 63 characters and not all digits (so `name.1234` is no host). */
function isValidTopLevelDomain(domain: string): boolean {
  const tld = domain.split('.').at(-1)!;
  return tld.length <= 63 && /[^0-9]/.test(tld);
}

export interface Domains {
  primary: string;
  /** Sorted; cluster-local domains include their short forms. */
  expanded: string[];
}

/** GetDomainsForVisibility: a target's host under one visibility. */
export function domainsForVisibility(cfg: RouteConfig, tag: string, route: RouteMeta, visibility: Visibility): Domains {
  const hostname = hostnameFromTemplate(cfg, route.name, tag);
  const clusterLocal = visibility === 'ClusterLocal';
  const primary = domainNameFromTemplate(cfg, withVisibility(route, clusterLocal), hostname);
  return { primary, expanded: clusterLocal ? expandedHosts([primary]) : [primary] };
}

/** The host of one traffic target (the default target is tag ''), under its visibility. */
export function targetHost(cfg: RouteConfig, route: RouteMeta, tag: string, visibility: Visibility | undefined): string {
  return domainsForVisibility(cfg, tag, route, visibility ?? 'ExternalIP').primary;
}

/** `<name>.<ns>.svc.cluster.local`: the placeholder Service's name in cluster DNS (names.K8sServiceFullname). */
export function serviceHostname(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}
