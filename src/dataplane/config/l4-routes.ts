/**
 * VirtualService `tcp` and `tls` rules (istiod's TCP/TLS filter chain builders): for a
 * gateway's TCP chain (plain TCP, or TLS terminated then proxied) the `tcp` rules of the
 * VirtualServices bound to the server; for a TLS passthrough chain the `tls` rules whose
 * `sniHosts` fall under the server's hosts; for a sidecar's TCP port the `tcp` rules of the
 * oldest mesh VirtualService for the service, else the service's own cluster. Match blocks
 * are filtered per place as for HTTP (gateways, port, sourceLabels, sourceNamespace); the
 * first rule whose SNI and destination subnet fit takes the connection.
 */
import { inCidrs } from './authorization-match.ts';
import { hostsMatch, namespaceAllowed, selectByDomain } from './host-match.ts';
import type { L4Match, L4RouteRule, VirtualService } from './istio-specs.ts';
import { clusterName } from './model.ts';
import type { FilterChain, L4Route, WeightedCluster } from './model.ts';
import { resolveDestination } from './route-actions.ts';
import type { RouteContext } from './route-actions.ts';
import type { MeshService } from './service-registry.ts';
import { MESH_GATEWAY, boundGateways, resolveGatewayName, virtualServiceHosts, virtualServicesFor } from './virtual-service-routes.ts';
import type { RoutePlace } from './virtual-service-routes.ts';

function applies(m: L4Match, vs: VirtualService, place: RoutePlace): boolean {
  const gateways = m.gateways && m.gateways.length > 0 ? m.gateways.map((g) => resolveGatewayName(g, vs.metadata.namespace ?? '')) : boundGateways(vs);
  if (!gateways.includes(place.gateway)) return false;
  if (m.port && m.port !== place.port) return false;
  if (m.sourceNamespace && m.sourceNamespace !== place.proxyNamespace) return false;
  return !m.sourceLabels || Object.entries(m.sourceLabels).every(([k, v]) => place.proxyLabels[k] === v);
}

function weightedClusters(rule: L4RouteRule, vs: VirtualService, at: string, ctx: RouteContext): WeightedCluster[] {
  const destinations = rule.route ?? [];
  let weighted = destinations.map((d, i) => ({ d, i, weight: destinations.length === 1 ? 100 : d.weight ?? 0 })).filter((w) => w.weight > 0);
  if (weighted.length === 0) weighted = destinations.map((d, i) => ({ d, i, weight: 1 }));
  const total = weighted.reduce((sum, w) => sum + w.weight, 0);
  return weighted.map(({ d, i, weight }) => ({ ...resolveDestination(d.destination ?? {}, vs, `${at}.route[${i}].destination`, ctx), weight: (weight * 100) / total }));
}

/** The L4 routes of one VirtualService for a place; `kind` picks its `tcp` or `tls` rules. */
export function compileL4Rules(vs: VirtualService, kind: 'tcp' | 'tls', place: RoutePlace, ctx: RouteContext): L4Route[] {
  const origin = `${vs.metadata.namespace ?? ''}/${vs.metadata.name ?? ''}`;
  const routes: L4Route[] = [];
  (vs.spec?.[kind] ?? []).forEach((rule, ruleIndex) => {
    const declared = rule.match ?? [];
    const blocks = declared.filter((m) => applies(m, vs, place));
    if (declared.length > 0 && blocks.length === 0) return;
    if (declared.length === 0 && !boundGateways(vs).includes(place.gateway)) return;
    const clusters = weightedClusters(rule, vs, `spec.${kind}[${ruleIndex}]`, ctx);
    if (clusters.length === 0) return;
    // One route per match block keeps each block's SNI and subnet conditions together.
    for (const m of blocks.length > 0 ? blocks : [{}]) {
      routes.push({ origin: { virtualService: origin, ruleIndex, kind }, sniHosts: [...(m.sniHosts ?? [])], destinationSubnets: [...(m.destinationSubnets ?? [])], clusters });
    }
  });
  return routes;
}

/** Routes for a gateway's `tcp` or `tls-passthrough` chain. */
export function gatewayChainL4Routes(chain: FilterChain, virtualServices: readonly VirtualService[], place: Omit<RoutePlace, 'gateway' | 'port'>, ctx: RouteContext): L4Route[] {
  const kind = chain.kind === 'tls-passthrough' ? 'tls' : 'tcp';
  const routes: L4Route[] = [];
  for (const server of chain.servers) {
    const at: RoutePlace = { ...place, gateway: server.gateway, port: server.serverPort };
    for (const vs of virtualServicesFor(virtualServices, server.gateway, place.proxyNamespace)) {
      const vsNamespace = vs.metadata.namespace ?? '';
      const hosts = virtualServiceHosts(vs);
      if (!server.hosts.some((sh) => namespaceAllowed(sh.namespace, vsNamespace) && hosts.some((h) => hostsMatch(h, sh.host)))) continue;
      for (const route of compileL4Rules(vs, kind, at, { ...ctx, listenerPort: server.serverPort })) {
        // A TLS rule's SNI names must fall under the server's hosts to be reachable here.
        if (kind === 'tls' && !route.sniHosts.some((sni) => server.hosts.some((sh) => hostsMatch(sni, sh.host)))) continue;
        routes.push(route);
      }
    }
  }
  return routes;
}

/** The TCP route of a sidecar for one service port: the oldest mesh VirtualService's, else the default. */
export function sidecarL4Routes(service: MeshService, port: number, meshVirtualServices: readonly VirtualService[], place: Omit<RoutePlace, 'gateway' | 'port'>, ctx: RouteContext): L4Route[] {
  const vs = meshVirtualServices.find((v) => virtualServiceHosts(v).some((h) => hostsMatch(h, service.host)) && (v.spec?.tcp ?? []).length > 0);
  const routes = vs ? compileL4Rules(vs, 'tcp', { ...place, gateway: MESH_GATEWAY, port }, { ...ctx, listenerPort: port }) : [];
  if (routes.length > 0) return routes;
  return [{ origin: { virtualService: '', ruleIndex: -1, kind: 'default' }, sniHosts: [], destinationSubnets: [], clusters: [{ cluster: clusterName(port, undefined, service.host), host: service.host, port, weight: 100 }] }];
}

/** The first route a connection (its SNI and original destination address) fits. */
export function selectL4Route(routes: readonly L4Route[], conn: { sni?: string; destinationIp?: string }): L4Route | undefined {
  return routes.find((r) => {
    if (r.sniHosts.length > 0 && (conn.sni === undefined || !selectByDomain([{ domains: r.sniHosts }], conn.sni))) return false;
    return r.destinationSubnets.length === 0 || inCidrs(r.destinationSubnets, conn.destinationIp);
  });
}

/** AUTO_PASSTHROUGH: the SNI `outbound_.<port>_.<subset>_.<host>` names the cluster itself. */
export function autoPassthroughCluster(sni: string): string | undefined {
  const m = /^outbound_\.(\d+)_\.([^_]*)_\.(.+)$/.exec(sni);
  return m ? clusterName(Number(m[1]), m[2] === '' ? undefined : m[2], m[3]!) : undefined;
}
