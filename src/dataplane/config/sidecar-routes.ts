/**
 * Outbound HTTP routes of a sidecar for one port (istiod's buildSidecarOutboundHTTPRouteConfig,
 * route name = the port): one virtual host per service visible from the proxy's namespace
 * with that port. A service some mesh-bound VirtualService names gets that VirtualService's
 * routes — a VirtualService naming the host exactly before a wildcard one, then the oldest;
 * the others are reported and ignored — and no fallback: a request no rule matches gets
 * 404 (NR). Any other service, or one whose VirtualService has no route for this port, gets
 * the default route to `outbound|<port>||<host>` with Istio's default retries.
 */
import { hostsMatch } from './host-match.ts';
import type { DestinationRule, HttpRetry, Labels, VirtualService } from './istio-specs.ts';
import { clusterName } from './model.ts';
import type { CompiledRoute, RouteConfiguration, VirtualHost } from './model.ts';
import { problem, uniqueProblems } from './problems.ts';
import type { Problem } from './problems.ts';
import { emptyHeaders, retryPolicy } from './route-actions.ts';
import type { RouteContext } from './route-actions.ts';
import type { MeshService, ServiceRegistry } from './service-registry.ts';
import { MESH_GATEWAY, compileVirtualServiceRoutes, virtualServiceHosts, virtualServicesFor } from './virtual-service-routes.ts';

export interface SidecarRoutesInput {
  port: number;
  virtualServices: readonly VirtualService[];
  destinationRules: readonly DestinationRule[];
  registry: ServiceRegistry;
  proxy: { namespace: string; labels: Labels };
  rootNamespace: string;
  defaultRetries?: HttpRetry;
}

export interface SidecarRoutesOutput { routeConfig: RouteConfiguration; problems: Problem[] }

/** Protocols a sidecar proxies as bytes (HTTPS included: the sidecar does not terminate it). */
export const OPAQUE_PROTOCOLS: ReadonlySet<string> = new Set(['TCP', 'TLS', 'HTTPS', 'MONGO', 'REDIS', 'MYSQL', 'UDP']);

/** Names a client may use for a service: full, `name.ns.svc`, `name.ns`, and `name` within its namespace, plus its addresses. */
export function serviceDomains(service: MeshService, proxyNamespace: string): string[] {
  if (service.kind !== 'Service') return [service.host, ...service.addresses];
  const short = [`${service.name}.${service.namespace}.svc`, `${service.name}.${service.namespace}`];
  if (service.namespace === proxyNamespace) short.push(service.name);
  return [service.host, ...short, ...service.addresses];
}

export function defaultRoute(service: MeshService, port: number, meshDefaultRetries?: HttpRetry): CompiledRoute {
  return {
    origin: { virtualService: '', ruleIndex: -1 }, name: 'default', matches: [],
    action: { type: 'forward', clusters: [{ cluster: clusterName(port, undefined, service.host), host: service.host, port, weight: 100 }], retries: retryPolicy(undefined, meshDefaultRetries), mirrors: [] },
    requestHeaders: emptyHeaders(), responseHeaders: emptyHeaders(),
  };
}

export function compileSidecarRoutes(input: SidecarRoutesInput): SidecarRoutesOutput {
  const problems: Problem[] = [];
  const { port, proxy } = input;
  const ctx: RouteContext = { registry: input.registry, destinationRules: input.destinationRules, client: proxy, rootNamespace: input.rootNamespace, listenerPort: port, problems, ...(input.defaultRetries ? { defaultRetries: input.defaultRetries } : {}) };
  const place = { gateway: MESH_GATEWAY, port, proxyLabels: proxy.labels, proxyNamespace: proxy.namespace };
  const meshServices = virtualServicesFor(input.virtualServices, MESH_GATEWAY, proxy.namespace);
  const virtualHosts: VirtualHost[] = [];
  for (const service of input.registry.visibleFrom(proxy.namespace)) {
    const servicePort = service.ports.find((p) => p.port === port);
    if (!servicePort || OPAQUE_PROTOCOLS.has(servicePort.protocol)) continue;
    // An exact host beats a wildcard one (istiod's most-specific wildcard index), then the oldest wins.
    const exact = meshServices.filter((vs) => virtualServiceHosts(vs).some((h) => h.toLowerCase() === service.host));
    const wildcard = meshServices.filter((vs) => !exact.includes(vs) && virtualServiceHosts(vs).some((h) => hostsMatch(h, service.host)));
    const [vs, ...shadowed] = [...exact, ...wildcard];
    for (const other of shadowed) {
      problems.push(problem(other, 'virtual-service-duplicate-host', `host ${service.host} is already routed by the VirtualService ${vs!.metadata.namespace}/${vs!.metadata.name} (exact hosts before wildcards, then the oldest): this one is ignored for it in the mesh`, 'spec.hosts', 'warning'));
    }
    const compiled = vs ? compileVirtualServiceRoutes(vs, place, ctx) : [];
    // A VirtualService with no route for this port leaves the service its default route.
    const routes = compiled.length > 0 ? compiled : [defaultRoute(service, port, input.defaultRetries)];
    virtualHosts.push({ name: `${service.host}:${port}`, domains: serviceDomains(service, proxy.namespace), routes });
  }
  return { routeConfig: { name: String(port), virtualHosts }, problems: uniqueProblems(problems) };
}
