/**
 * Pure compilers from the mesh's API objects to proxy configuration; see
 * docs/dataplane-config.md. The entry points the proxies use, and the model they consume.
 */
export { buildRegistry, compileGatewayProxy, compileSidecarInboundFor, compileSidecarProxy } from './compile-proxy.ts';
export type { InboundPort, SidecarInbound } from './sidecar-inbound.ts';
export type { L4RouteTable, MeshSnapshot, ProxyConfig } from './compile-proxy.ts';
export { authorize, applicablePolicies, policyApplies, RBAC_DENIED_BODY, RBAC_DENIED_STATUS } from './authorization.ts';
export type { AuthzDecision, AuthzRequest, AuthzWorkload } from './authorization.ts';
export { pickCluster, rewritePath, selectRoute } from './route-selection.ts';
export type { RouteSelection } from './route-selection.ts';
export type { RouteRequest } from './route-match.ts';
export { autoPassthroughCluster, selectL4Route } from './l4-routes.ts';
export { selectFilterChain } from './chain-selection.ts';
export { analyzeGatewayReferences } from './analysis.ts';
export { DEFAULT_MESH_OPTIONS, meshOptionsFrom } from './mesh-options.ts';
export type { MeshOptions } from './mesh-options.ts';
export { compileGatewayListeners } from './gateway-listeners.ts';
export type { GatewayListenerInput, GatewayListenerOutput, GatewayWorkload } from './gateway-listeners.ts';
export { compileGatewayRoutes } from './gateway-routes.ts';
export { compileSidecarRoutes } from './sidecar-routes.ts';
export { buildClusters } from './clusters.ts';
export { destinationRuleFor, effectiveTrafficPolicy } from './destination-rules.ts';
export { loadServerCredential } from './credentials.ts';
export { catalogCodeOf, formatProblem } from './problems.ts';
export type { Problem, ProblemCatalogCode, ProblemCode } from './problems.ts';
export * from './model.ts';
export type * from './istio-specs.ts';
