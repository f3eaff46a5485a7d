/**
 * The gateway data plane (docs/gateways.md): proxy instances for gateway pods, configured by
 * H2's compiled ProxyConfig (src/dataplane/config/compile-proxy.ts).
 *
 *   const proxy = new GatewayProxy({ address: pod.status.podIP, chainDrainMs });
 *   const { ports, problems } = await proxy.apply(compileGatewayProxy(snapshot, workload), meshIdentity);
 *   await proxy.stop(terminationDrainMs);
 */
export { GatewayProxy, type ApplyResult, type GatewayProxyOptions } from './gateway-proxy.ts';
export { GatewayPort, type PortConfig } from './gateway-port.ts';
export { gatewayHttpHandler, type RoutingState } from './http-routing.ts';
export { selectChain } from './chain-selection.ts';
export { tlsServerOptions, type MeshIdentity } from './tls-options.ts';
