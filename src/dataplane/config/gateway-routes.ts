/**
 * Route configurations of a gateway workload (istiod's buildGatewayHTTPRouteConfig): for
 * each HTTP filter chain (`http.<port>` for plain HTTP, one `https.<port>.<name>.<gw>.<ns>`
 * per terminating HTTPS server), the VirtualServices bound to the chain's Gateways whose
 * hosts meet a server host — the virtual host's domain is the narrower of the two, and a
 * server host `ns/host` admits only VirtualServices of that namespace. Several
 * VirtualServices for one domain merge (older first); as istiod does on gateways, catch-all
 * routes then move to the end of the virtual host. Servers with
 * httpsRedirect make their virtual hosts answer 301 to https.
 */
import { hostsMatch, namespaceAllowed, narrowerHost } from './host-match.ts';
import type { DestinationRule, HttpRetry, Labels, VirtualService } from './istio-specs.ts';
import type { CompiledRoute, FilterChain, ProxyListener, RouteConfiguration, VirtualHost } from './model.ts';
import { uniqueProblems } from './problems.ts';
import type { Problem } from './problems.ts';
import type { RouteContext } from './route-actions.ts';
import type { ServiceRegistry } from './service-registry.ts';
import { catchAllLast, compileVirtualServiceRoutes, virtualServiceHosts, virtualServicesFor } from './virtual-service-routes.ts';

export interface GatewayRoutesInput {
  listeners: readonly ProxyListener[];
  virtualServices: readonly VirtualService[];
  destinationRules: readonly DestinationRule[];
  registry: ServiceRegistry;
  workload: { namespace: string; labels: Labels };
  rootNamespace: string;
  defaultRetries?: HttpRetry;
}

export interface GatewayRoutesOutput { routeConfigs: RouteConfiguration[]; problems: Problem[] }

interface HostBucket { domain: string; port: number; routes: CompiledRoute[]; sources: Set<string>; requireTls: boolean }

function buildRouteConfig(name: string, chain: FilterChain, input: GatewayRoutesInput, problems: Problem[]): RouteConfiguration {
  const buckets = new Map<string, HostBucket>();
  const bucket = (domain: string, port: number): HostBucket => {
    let b = buckets.get(domain);
    if (!b) { b = { domain, port, routes: [], sources: new Set(), requireTls: false }; buckets.set(domain, b); }
    return b;
  };
  for (const server of chain.servers) {
    const ctx: RouteContext = { registry: input.registry, destinationRules: input.destinationRules, client: input.workload, rootNamespace: input.rootNamespace, listenerPort: server.serverPort, problems, ...(input.defaultRetries ? { defaultRetries: input.defaultRetries } : {}) };
    const place = { gateway: server.gateway, port: server.serverPort, proxyLabels: input.workload.labels, proxyNamespace: input.workload.namespace };
    const redirecting = server.httpsRedirect === true;
    for (const vs of virtualServicesFor(input.virtualServices, server.gateway, input.workload.namespace)) {
      const domains = new Set<string>();
      for (const vsHost of virtualServiceHosts(vs)) {
        for (const sh of server.hosts) {
          if (namespaceAllowed(sh.namespace, vs.metadata.namespace ?? '') && hostsMatch(vsHost, sh.host)) domains.add(narrowerHost(vsHost, sh.host).toLowerCase());
        }
      }
      if (domains.size === 0) continue;
      const routes = compileVirtualServiceRoutes(vs, place, ctx);
      for (const domain of domains) {
        const b = bucket(domain, server.serverPort);
        const source = `${vs.metadata.namespace ?? ''}/${vs.metadata.name ?? ''}`;
        if (b.sources.has(source)) continue;
        b.sources.add(source);
        b.routes.push(...routes);
        b.requireTls ||= redirecting;
      }
    }
    // A redirecting server answers 301 for its hosts even without any VirtualService.
    if (redirecting) for (const sh of server.hosts) if (!buckets.has(sh.host.toLowerCase())) bucket(sh.host.toLowerCase(), server.serverPort).requireTls = true;
  }
  const virtualHosts: VirtualHost[] = [...buckets.values()].map((b) => ({
    name: `${b.domain}:${b.port}`,
    domains: [b.domain],
    routes: catchAllLast(b.routes),
    ...(b.requireTls ? { requireTls: true } : {}),
  }));
  return { name, virtualHosts };
}

export function compileGatewayRoutes(input: GatewayRoutesInput): GatewayRoutesOutput {
  const problems: Problem[] = [];
  const routeConfigs: RouteConfiguration[] = [];
  const done = new Set<string>();
  for (const listener of input.listeners) {
    for (const chain of listener.filterChains) {
      if (chain.kind !== 'http' || !chain.routeConfigName || done.has(chain.routeConfigName)) continue;
      done.add(chain.routeConfigName);
      routeConfigs.push(buildRouteConfig(chain.routeConfigName, chain, input, problems));
    }
  }
  return { routeConfigs, problems: uniqueProblems(problems) };
}
