/**
 * Outbound clusters for one proxy (istiod's cluster builder): for every service the proxy
 * can see and every port, `outbound|<port>||<host>` with all endpoints, and one more per
 * DestinationRule subset with the endpoints whose labels carry the subset's labels. Each
 * cluster's load balancing, pools, outlier detection and TLS come from the DestinationRule
 * in effect (destination-rules.ts), merged for the port and subset.
 */
import { selectorMatches } from './config-order.ts';
import { connectionPoolOf, loadBalancerOf, outlierDetectionOf, upstreamTlsOf } from './cluster-policy.ts';
import { destinationRuleFor, effectiveTrafficPolicy } from './destination-rules.ts';
import type { MergedDestinationRule } from './destination-rules.ts';
import type { DestinationRule, Labels } from './istio-specs.ts';
import { clusterName } from './model.ts';
import type { Cluster } from './model.ts';
import type { MeshService, MeshServicePort, ServiceRegistry } from './service-registry.ts';

export interface ClusterProxy {
  namespace: string;
  labels: Labels;
}

const DISCOVERY: Readonly<Record<MeshService['resolution'], Cluster['discovery']>> = {
  CLIENT_SIDE_LB: 'EDS', PASSTHROUGH: 'ORIGINAL_DST', DNS: 'STRICT_DNS', DNS_ROUND_ROBIN: 'LOGICAL_DNS',
};

export function buildCluster(service: MeshService, port: MeshServicePort, rule: MergedDestinationRule | undefined, subset: string | undefined, autoMtls = true): Cluster {
  const policy = effectiveTrafficPolicy(rule, subset, port.port);
  const subsetLabels = subset === undefined ? undefined : rule?.subsets.find((s) => s.name === subset)?.labels ?? {};
  const endpoints = (service.endpoints.get(port.port) ?? []).filter((e) => subsetLabels === undefined || selectorMatches(subsetLabels, e.labels));
  const outlierDetection = outlierDetectionOf(policy);
  return {
    name: clusterName(port.port, subset, service.host),
    host: service.host, port: port.port, ...(subset !== undefined ? { subset } : {}),
    protocol: port.protocol,
    discovery: DISCOVERY[service.resolution],
    endpoints,
    meshExternal: service.meshExternal,
    tls: upstreamTlsOf(policy, service.meshExternal, port.port, subset, service.host, autoMtls),
    loadBalancer: loadBalancerOf(policy),
    connectionPool: connectionPoolOf(policy),
    ...(outlierDetection ? { outlierDetection } : {}),
    ...(rule ? { destinationRule: rule.from[0]! } : {}),
    source: { kind: service.kind, namespace: service.namespace, name: service.name },
  };
}

export function buildClusters(registry: ServiceRegistry, rules: readonly DestinationRule[], proxy: ClusterProxy, rootNamespace: string, autoMtls = true): Cluster[] {
  const clusters: Cluster[] = [];
  const seen = new Set<string>();
  for (const service of registry.visibleFrom(proxy.namespace)) {
    const rule = destinationRuleFor(rules, service.host, { clientNamespace: proxy.namespace, clientLabels: proxy.labels, serviceNamespace: service.namespace, rootNamespace });
    for (const port of service.ports) {
      for (const subset of [undefined, ...(rule?.subsets ?? []).map((s) => s.name).filter((n): n is string => !!n)]) {
        const cluster = buildCluster(service, port, rule, subset, autoMtls);
        // The first service for a host wins (registry order); later duplicates add nothing.
        if (seen.has(cluster.name)) continue;
        seen.add(cluster.name);
        clusters.push(cluster);
      }
    }
  }
  return clusters;
}
