/**
 * The entry points the proxies' configuration is pushed from: everything one gateway or
 * sidecar needs, compiled from one snapshot of the API objects — listeners (gateways),
 * route configurations, TCP/TLS routes, clusters, the AuthorizationPolicies in force, and
 * every problem met on the way (for `skiff check`, events and logs).
 */
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import type { EndpointSlice, Service } from '../../api/builtin/core/service-view.ts';
import { applicablePolicies } from './authorization.ts';
import { buildClusters } from './clusters.ts';
import { compileGatewayListeners } from './gateway-listeners.ts';
import type { GatewayWorkload } from './gateway-listeners.ts';
import { compileGatewayRoutes } from './gateway-routes.ts';
import type { AuthorizationPolicy, DestinationRule, Gateway, Labels, Secret, ServiceEntry, VirtualService } from './istio-specs.ts';
import { gatewayChainL4Routes, sidecarL4Routes } from './l4-routes.ts';
import type { Cluster, L4Route, ProxyListener, RouteConfiguration } from './model.ts';
import { uniqueProblems } from './problems.ts';
import type { Problem } from './problems.ts';
import type { RouteContext } from './route-actions.ts';
import { serviceEntryServices } from './service-entries.ts';
import { ServiceRegistry, kubernetesService } from './service-registry.ts';
import { OPAQUE_PROTOCOLS, compileSidecarRoutes } from './sidecar-routes.ts';
import { MESH_GATEWAY, virtualServicesFor } from './virtual-service-routes.ts';
import { DEFAULT_MESH_OPTIONS } from './mesh-options.ts';
import type { MeshOptions } from './mesh-options.ts';
import type { PeerAuthentication } from './peer-authentication.ts';
import { compileSidecarInbound, endpointAcceptsMtls } from './sidecar-inbound.ts';
import type { SidecarInbound } from './sidecar-inbound.ts';
import type { Pod as PodObject } from '../../api/builtin/core/pod-readiness.ts';

export interface MeshSnapshot {
  /** The control plane's namespace (istiod's root namespace), `istio-system` by default. */
  rootNamespace: string;
  services: readonly Service[];
  endpointSlices: readonly EndpointSlice[];
  pods: readonly Pod[];
  secrets: readonly Secret[];
  gateways: readonly Gateway[];
  virtualServices: readonly VirtualService[];
  destinationRules: readonly DestinationRule[];
  serviceEntries: readonly ServiceEntry[];
  authorizationPolicies: readonly AuthorizationPolicy[];
  /** Clock for certificate validity (ms since epoch); defaults to now. */
  now?: number;
  /** MeshConfig settings (mesh-options.ts meshOptionsFrom); Istio's defaults when absent. */
  mesh?: MeshOptions;
  /** For auto mTLS (a DISABLE port gets plaintext) and the sidecar inbound side. */
  peerAuthentications?: readonly PeerAuthentication[];
}

export interface L4RouteTable {
  /** Gateways: the listener name and filter chain index; sidecars: the service host and port. */
  listener?: string;
  chainIndex?: number;
  host?: string;
  port?: number;
  /** Sidecars: the service's addresses (cluster IPs, ServiceEntry addresses/CIDRs) a connection's original destination is matched against. */
  addresses?: string[];
  routes: L4Route[];
}

export interface ProxyConfig {
  listeners: ProxyListener[];
  routeConfigs: RouteConfiguration[];
  l4Routes: L4RouteTable[];
  clusters: Cluster[];
  authorizationPolicies: AuthorizationPolicy[];
  /** Sidecars: traffic to a destination no service claims — passed through (ALLOW_ANY) or answered 502 (REGISTRY_ONLY). */
  unknownDestinations: 'passthrough' | 'blackhole';
  problems: Problem[];
}

/** Auto mTLS per endpoint: a sidecar endpoint whose PeerAuthentication DISABLEs the port gets plaintext. */
function applyPeerAuthentication(clusters: Cluster[], snapshot: MeshSnapshot): Cluster[] {
  const policies = snapshot.peerAuthentications ?? [];
  if (policies.length === 0) return clusters;
  return clusters.map((c) => (!c.tls.auto ? c : {
    ...c,
    endpoints: c.endpoints.map((e) => (e.tlsMode === 'istio' && !endpointAcceptsMtls(e, policies, snapshot.rootNamespace) ? { ...e, tlsMode: 'disabled' as const } : e)),
  }));
}

/** The inbound side of a sidecar'd pod: served ports, their mTLS modes, the AuthorizationPolicies in force. */
export function compileSidecarInboundFor(snapshot: MeshSnapshot, pod: PodObject): SidecarInbound {
  return compileSidecarInbound({ pod, services: snapshot.services, peerAuthentications: snapshot.peerAuthentications ?? [], authorizationPolicies: snapshot.authorizationPolicies, rootNamespace: snapshot.rootNamespace });
}

export function buildRegistry(snapshot: MeshSnapshot): { registry: ServiceRegistry; problems: Problem[] } {
  const fromServices = snapshot.services.map((s) => kubernetesService(s, snapshot.endpointSlices, snapshot.pods));
  const problems: Problem[] = [];
  const fromEntries = snapshot.serviceEntries.flatMap((entry) => {
    const out = serviceEntryServices(entry, snapshot.pods);
    problems.push(...out.problems);
    return out.services;
  });
  return { registry: new ServiceRegistry([...fromServices, ...fromEntries]), problems };
}

export function compileGatewayProxy(snapshot: MeshSnapshot, workload: GatewayWorkload): ProxyConfig {
  const { registry, problems } = buildRegistry(snapshot);
  const listenersOut = compileGatewayListeners({ workload, services: snapshot.services, gateways: snapshot.gateways, secrets: snapshot.secrets, ...(snapshot.now !== undefined ? { now: snapshot.now } : {}) });
  const mesh = snapshot.mesh ?? DEFAULT_MESH_OPTIONS;
  const routesOut = compileGatewayRoutes({
    listeners: listenersOut.listeners, virtualServices: snapshot.virtualServices, destinationRules: snapshot.destinationRules,
    registry, workload, rootNamespace: snapshot.rootNamespace, ...(mesh.defaultHttpRetryPolicy ? { defaultRetries: mesh.defaultHttpRetryPolicy } : {}),
  });
  problems.push(...listenersOut.problems, ...routesOut.problems);
  const ctx: RouteContext = { registry, destinationRules: snapshot.destinationRules, client: workload, rootNamespace: snapshot.rootNamespace, listenerPort: 0, problems };
  const l4Routes: L4RouteTable[] = [];
  for (const listener of listenersOut.listeners) {
    listener.filterChains.forEach((chain, chainIndex) => {
      if (chain.kind !== 'tcp' && chain.kind !== 'tls-passthrough') return;
      const routes = gatewayChainL4Routes(chain, snapshot.virtualServices, { proxyLabels: workload.labels, proxyNamespace: workload.namespace }, ctx);
      l4Routes.push({ listener: listener.name, chainIndex, routes });
    });
  }
  return {
    listeners: listenersOut.listeners, routeConfigs: routesOut.routeConfigs, l4Routes,
    clusters: applyPeerAuthentication(buildClusters(registry, snapshot.destinationRules, workload, snapshot.rootNamespace, mesh.enableAutoMtls), snapshot),
    authorizationPolicies: applicablePolicies(snapshot.authorizationPolicies, workload, snapshot.rootNamespace),
    unknownDestinations: mesh.outboundTrafficPolicy === 'REGISTRY_ONLY' ? 'blackhole' : 'passthrough',
    problems: uniqueProblems(problems),
  };
}


/** A sidecar's outbound configuration: HTTP route configurations per port, TCP routes per service port, clusters. */
export function compileSidecarProxy(snapshot: MeshSnapshot, workload: { namespace: string; labels: Labels }): ProxyConfig {
  const { registry, problems } = buildRegistry(snapshot);
  const mesh = snapshot.mesh ?? DEFAULT_MESH_OPTIONS;
  const defaultRetries = mesh.defaultHttpRetryPolicy ? { defaultRetries: mesh.defaultHttpRetryPolicy } : {};
  const visible = registry.visibleFrom(workload.namespace);
  const httpPorts = [...new Set(visible.flatMap((s) => s.ports.filter((p) => !OPAQUE_PROTOCOLS.has(p.protocol)).map((p) => p.port)))].sort((a, b) => a - b);
  const routeConfigs = httpPorts.map((port) => {
    const out = compileSidecarRoutes({ port, virtualServices: snapshot.virtualServices, destinationRules: snapshot.destinationRules, registry, proxy: workload, rootNamespace: snapshot.rootNamespace, ...defaultRetries });
    problems.push(...out.problems);
    return out.routeConfig;
  });
  const ctx: RouteContext = { registry, destinationRules: snapshot.destinationRules, client: workload, rootNamespace: snapshot.rootNamespace, listenerPort: 0, problems };
  const meshVirtualServices = virtualServicesFor(snapshot.virtualServices, MESH_GATEWAY, workload.namespace);
  const l4Routes: L4RouteTable[] = [];
  for (const service of visible) {
    // Sniffed (AUTO) ports get both: HTTP routes, and a TCP route for whatever is not HTTP.
    for (const port of service.ports.filter((p) => (OPAQUE_PROTOCOLS.has(p.protocol) && p.protocol !== 'UDP') || p.protocol === 'AUTO')) {
      l4Routes.push({ host: service.host, port: port.port, addresses: [...service.addresses], routes: sidecarL4Routes(service, port.port, meshVirtualServices, { proxyLabels: workload.labels, proxyNamespace: workload.namespace }, ctx) });
    }
  }
  return {
    listeners: [], routeConfigs, l4Routes,
    clusters: applyPeerAuthentication(buildClusters(registry, snapshot.destinationRules, workload, snapshot.rootNamespace, mesh.enableAutoMtls), snapshot),
    authorizationPolicies: applicablePolicies(snapshot.authorizationPolicies, workload, snapshot.rootNamespace),
    unknownDestinations: mesh.outboundTrafficPolicy === 'REGISTRY_ONLY' ? 'blackhole' : 'passthrough',
    problems: uniqueProblems(problems),
  };
}
