/**
 * Which DestinationRule applies to traffic from a workload to a host (istiod's
 * PushContext.destinationRule): the rules of the client's own namespace first (all of
 * them, whatever their exportTo; those with a workloadSelector only when it matches; in the
 * root namespace only its private ones), then the ones the service's namespace exports to
 * the client, then the root namespace's. In
 * each namespace the most specific host wins (exact, else the longest wildcard), and several
 * rules for one host merge the way istiod's mergeDestinationRule does: the oldest rule's
 * traffic policy (a newer one's only if the oldest has none), subsets appended, the first
 * of a name kept.
 */
import { selectorMatches, sortedByCreation } from './config-order.ts';
import { mostSpecificHostMatch, resolveShortName } from './host-match.ts';
import type { DestinationRule, Labels, Subset, TrafficPolicy } from './istio-specs.ts';
import { normalizeExportTo, visibleTo } from './service-registry.ts';

export interface MergedDestinationRule {
  /** The host as written (resolved to a full name): may be a wildcard. */
  host: string;
  trafficPolicy?: TrafficPolicy;
  subsets: Subset[];
  /** `namespace/name` of every rule merged in, oldest first. */
  from: string[];
}

export interface DestinationRuleScope {
  clientNamespace: string;
  clientLabels: Labels;
  serviceNamespace: string;
  rootNamespace: string;
}

function fullHost(dr: DestinationRule): string {
  return resolveShortName(dr.spec?.host ?? '', dr.metadata.namespace ?? '');
}

function merge(rules: readonly DestinationRule[], host: string): MergedDestinationRule {
  const merged: MergedDestinationRule = { host, subsets: [], from: [] };
  for (const dr of rules) {
    merged.from.push(`${dr.metadata.namespace ?? ''}/${dr.metadata.name ?? ''}`);
    if (merged.trafficPolicy === undefined && dr.spec?.trafficPolicy) merged.trafficPolicy = dr.spec.trafficPolicy;
    for (const subset of dr.spec?.subsets ?? []) {
      if (!merged.subsets.some((s) => s.name === subset.name)) merged.subsets.push(subset);
    }
  }
  return merged;
}

/** The best rule among `candidates` (already visible) for `host`, merged with its same-host siblings. */
function bestIn(candidates: readonly DestinationRule[], host: string): MergedDestinationRule | undefined {
  if (candidates.length === 0) return undefined;
  const match = mostSpecificHostMatch(host, new Set(candidates.map(fullHost)));
  if (match === undefined) return undefined;
  return merge(candidates.filter((dr) => fullHost(dr) === match), match);
}

export function destinationRuleFor(rules: readonly DestinationRule[], host: string, scope: DestinationRuleScope): MergedDestinationRule | undefined {
  const ordered = sortedByCreation(rules);
  const inNamespace = (ns: string): DestinationRule[] => ordered.filter((dr) => dr.metadata.namespace === ns);
  const exportTo = (dr: DestinationRule): string[] => normalizeExportTo(dr.spec?.exportTo, dr.metadata.namespace ?? '');
  // `exportTo: ["."]`: visible in its own namespace only (istiod's namespace-local index).
  const isPrivate = (dr: DestinationRule): boolean => { const e = exportTo(dr); return e.length === 1 && e[0] === dr.metadata.namespace; };
  const withoutSelector = (dr: DestinationRule): boolean => dr.spec?.workloadSelector === undefined;

  // 1. The client's own namespace — except the root namespace, where only its private rules
  //    count here, so that mesh-wide defaults there do not hide a service's own rule.
  const own = inNamespace(scope.clientNamespace).filter((dr) => scope.clientNamespace !== scope.rootNamespace || isPrivate(dr));
  const selected = own.filter((dr) => dr.spec?.workloadSelector !== undefined && selectorMatches(dr.spec.workloadSelector.matchLabels ?? {}, scope.clientLabels));
  const found = bestIn(selected, host) ?? bestIn(own.filter(withoutSelector), host);
  if (found) return found;
  // 2./3. The rules the service's namespace, then the root namespace, export: the most
  //    specific host first, then whether it is exported to the client (no fallback to a wider one).
  for (const ns of [...new Set([scope.serviceNamespace, scope.rootNamespace])]) {
    const best = bestIn(inNamespace(ns).filter((dr) => withoutSelector(dr) && !isPrivate(dr)), host);
    if (!best) continue;
    const exported = rules.filter((dr) => best.from.includes(`${dr.metadata.namespace ?? ''}/${dr.metadata.name ?? ''}`) && visibleTo(exportTo(dr), scope.clientNamespace));
    if (exported.length > 0) return merge(sortedByCreation(exported), best.host);
  }
  return undefined;
}

/**
 * The traffic policy for one port of one subset (istiod's MergeTrafficPolicy): the top
 * level, overridden field by field by its port-level settings for `port`, then by the
 * subset's policy and the subset's own port-level settings.
 */
export function effectiveTrafficPolicy(rule: MergedDestinationRule | undefined, subsetName: string | undefined, port: number): TrafficPolicy {
  const layers: (TrafficPolicy | undefined)[] = [rule?.trafficPolicy];
  const subset = subsetName === undefined ? undefined : rule?.subsets.find((s) => s.name === subsetName);
  layers.push(subset?.trafficPolicy);
  const result: TrafficPolicy = {};
  for (const layer of layers) {
    if (!layer) continue;
    overlay(result, layer);
    const portLevel = (layer.portLevelSettings ?? []).find((p) => p.port?.number === port);
    if (portLevel) overlay(result, portLevel);
  }
  return result;
}

function overlay(into: TrafficPolicy, from: Omit<TrafficPolicy, 'portLevelSettings'>): void {
  if (from.connectionPool) into.connectionPool = from.connectionPool;
  if (from.loadBalancer) into.loadBalancer = from.loadBalancer;
  if (from.outlierDetection) into.outlierDetection = from.outlierDetection;
  if (from.tls) into.tls = from.tls;
}
