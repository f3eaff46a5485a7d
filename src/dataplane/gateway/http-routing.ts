/**
 * The per-request half of a gateway's HTTP routing, for H1's engine: the route
 * configuration of the filter chain the connection came in on picks a virtual host by
 * authority and the first matching route (H2's selectRoute), and the route's action becomes
 * the engine's decision — forward to one of the chosen cluster's ready endpoints (pod IP :
 * target port, by its DestinationRule's load balancer; retries may move on), redirect,
 * direct response, fault abort, CORS preflight, mirrors — or Envoy's 404 `route_not_found` (NR)
 * when nothing matches. AuthorizationPolicies that
 * apply to the gateway decide first (403 `RBAC: access denied`), as Envoy's RBAC filter does.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DownstreamInfo, ForwardDecision, Http1Handler, RetryOn, RetryPolicy as EngineRetry, RouteDecision, TryPicker, UpstreamEndpoint } from '../http1/index.ts';
import { EndpointPicker, type PickContext } from './load-balancer.ts';
import type { OutlierTracker } from './outlier-detection.ts';
import { ENVOY_REPLIES } from '../http1/index.ts';
import type { RequestHead } from '../http1/index.ts';
import type { RequestRecord, WorkloadPeer } from '../request-record.ts';
import { applyCors } from './cors.ts';
import { sendMirror } from './mirror.ts';
import { upstreamTls } from './upstream-tls.ts';
import type { MeshIdentity } from './tls-options.ts';
import { endpointPeerOf } from './peers.ts';
import type { Cluster, CompiledRoute, Endpoint, HeaderMutation, RetryPolicy, RouteAction, RouteConfiguration, WeightedCluster } from '../config/model.ts';
import { pickCluster, rewritePath, selectRoute } from '../config/route-selection.ts';
import { authorize, RBAC_DENIED_BODY, RBAC_DENIED_STATUS, type AuthzWorkload } from '../config/authorization.ts';
import type { AuthorizationPolicy } from '../config/istio-specs.ts';

/** AuthorizationPolicies in force on the gateway workload (Envoy's RBAC filter runs before routing). */
export interface AuthzScope {
  policies: readonly AuthorizationPolicy[];
  workload: AuthzWorkload;
  rootNamespace: string;
}

export interface RoutingState {
  routeConfig: RouteConfiguration | undefined;
  clusters: ReadonlyMap<string, Cluster>;
  authz?: AuthzScope;
  outliers?: OutlierTracker;
  /** The gateway's workload certificate: what ISTIO_MUTUAL (and auto mTLS) upstreams present. */
  mesh?: MeshIdentity;
  /** The gateway pod's IP: upstream connections leave from it, as a pod's own traffic would. */
  localAddress?: string;
}

/** What the TLS handshake told about a connection (looked up by the peer's `ip:port`). */
export interface ConnectionPeer { principal?: string; sni?: string }

export interface RoutingOptions {
  /** The Gateway server port (what VirtualService `match.port` compares). */
  serverPort: number;
  /** The port the gateway listens on (what AuthorizationPolicy `ports` compare, as in Istio). */
  listenPort?: number;
  peerOf?: (remote: string) => ConnectionPeer | undefined;
  /** Current state: read per request, so a new config applies to the next request. */
  state: () => RoutingState;
  random?: () => number;
}

const ENGINE_RETRY_ON = new Set<string>(['5xx', 'gateway-error', 'connect-failure', 'reset', 'retriable-4xx', 'refused-stream', 'retriable-status-codes']);

export function headerRecord(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    out[name] = out[name] === undefined ? raw[i + 1]! : `${out[name]},${raw[i + 1]!}`;
  }
  return out;
}

function engineRetry(policy: RetryPolicy): EngineRetry | undefined {
  if (policy.attempts <= 0) return undefined;
  const retryOn = policy.retryOn.filter((r) => ENGINE_RETRY_ON.has(r)) as RetryOn[];
  if (retryOn.length === 0) return undefined;
  return { attempts: policy.attempts, retryOn, ...(policy.perTryTimeoutMs ? { perTryTimeoutMs: policy.perTryTimeoutMs } : {}), ...(policy.retriableStatusCodes.length > 0 ? { retriableStatusCodes: policy.retriableStatusCodes } : {}) };
}

/** `add` has no engine counterpart: it is applied as `set` (one value per name). */
function mutations(...all: (HeaderMutation | undefined)[]): { set: [string, string][]; remove: string[] } {
  const set: [string, string][] = [];
  const remove: string[] = [];
  for (const m of all) {
    if (!m) continue;
    for (const [k, v] of [...Object.entries(m.set), ...Object.entries(m.add)]) set.push([k, v]);
    remove.push(...m.remove);
  }
  return { set, remove };
}

function redirectDecision(action: Extract<RouteAction, { type: 'redirect' }>, head: RequestHead, secure: boolean): RouteDecision {
  const scheme = action.scheme ?? (secure ? 'https' : 'http');
  let authority = action.authority ?? head.authority;
  if (action.port !== undefined) authority = `${authority.replace(/:\d+$/, '')}:${action.port}`;
  else if (action.derivePort === 'FROM_PROTOCOL_DEFAULT') authority = authority.replace(/:\d+$/, '');
  const location = `${scheme}://${authority}${action.uri ?? head.path}`;
  return { kind: 'reply', status: action.status, headers: ['location', location], details: 'direct_response' };
}

export function gatewayHttpHandler(opts: RoutingOptions): Http1Handler {
  const picker = new EndpointPicker();
  const random = opts.random ?? Math.random;
  return (head, downstream) => {
    const { routeConfig, clusters, authz, outliers, mesh, localAddress } = opts.state();
    const headers = headerRecord(head.headers);
    if (authz && authz.policies.length > 0) {
      const peer = opts.peerOf?.(downstream.remote);
      const decision = authorize(authz.policies, authz.workload, authz.rootNamespace, {
        protocol: 'http', sourceIp: downstream.remoteAddress, remoteIp: downstream.remoteAddress, destinationIp: downstream.localAddress,
        destinationPort: opts.listenPort ?? opts.serverPort, method: head.method, path: head.path, host: head.authority, headers,
        ...(peer?.principal ? { principal: peer.principal } : {}), ...(peer?.sni ? { sni: peer.sni } : {}),
      });
      if (!decision.allowed) {
        // Istio names Envoy's RBAC policies `ns[<ns>]-policy[<name>]-rule[<i>]`; no ALLOW match is `none`.
        const [ns, name] = (decision.policy ?? '/').split('/');
        const details = decision.policy ? `rbac_access_denied_matched_policy[ns[${ns}]-policy[${name}]-rule[${decision.ruleIndex ?? 0}]]` : 'rbac_access_denied_matched_policy[none]';
        return { kind: 'reply', status: RBAC_DENIED_STATUS, body: RBAC_DENIED_BODY, headers: ['content-type', 'text/plain'], details };
      }
    }
    const selection = routeConfig
      ? selectRoute(routeConfig, { method: head.method, path: head.path, authority: head.authority, scheme: downstream.secure ? 'https' : 'http', headers, port: opts.serverPort })
      : { found: false as const };
    if (!selection.found) {
      return { kind: 'reply', status: ENVOY_REPLIES.noRoute.status, flags: ['NR'], details: ENVOY_REPLIES.noRoute.details };
    }
    if (selection.virtualHost.requireTls && !downstream.secure) {
      return { kind: 'reply', status: 301, headers: ['location', `https://${head.authority.replace(/:\d+$/, '')}${head.path}`], details: 'direct_response' };
    }
    return decide(selection.route, head, headers, downstream, { clusters, picker, random, ...(outliers ? { outliers } : {}), ...(mesh ? { mesh } : {}), ...(localAddress ? { localAddress } : {}) });
  };
}

interface Upstreams { clusters: ReadonlyMap<string, Cluster>; picker: EndpointPicker; random: () => number; outliers?: OutlierTracker; mesh?: MeshIdentity; localAddress?: string }

/** Synchronous unless a fault delay applies (then the decision comes after the delay). */
function decide(route: CompiledRoute, head: RequestHead, headers: Readonly<Record<string, string>>, downstream: DownstreamInfo, up: Upstreams): RouteDecision | Promise<RouteDecision> {
  const { random } = up;
  const action = route.action;
  const routeName = route.name ?? `${route.origin.virtualService}.${route.origin.ruleIndex}`;
  if (action.type === 'redirect') return redirectDecision(action, head, downstream.secure);
  if (action.type === 'direct-response') return { kind: 'reply', status: action.status, ...(action.body !== undefined ? { body: action.body } : {}), details: 'direct_response', record: { routeName } };
  // Envoy's filter order: CORS, then fault, then the router.
  const cors = applyCors(action.cors, head.method, headers);
  if (cors.kind === 'preflight') return { kind: 'reply', status: 200, headers: cors.headers, details: 'cors_response', record: { routeName } };
  const fault = action.fault;
  if (fault?.abort?.httpStatus !== undefined && random() * 100 < fault.abort.percentage) {
    return { kind: 'reply', status: fault.abort.httpStatus, body: 'fault filter abort', flags: ['FI'], details: 'fault_filter_abort', record: { routeName } };
  }
  if (fault?.delay && random() * 100 < fault.delay.percentage) {
    return sleep(fault.delay.fixedDelayMs).then(() => forward(route, action, routeName, cors, head, headers, downstream, up));
  }
  return forward(route, action, routeName, cors, head, headers, downstream, up);
}

/**
 * What one weighted target of a route needs per request, worked out once: the compiled
 * configuration is replaced, never mutated, on a new apply, so the objects are the keys.
 */
interface TargetPlan {
  route: CompiledRoute;
  req: { set: [string, string][]; remove: string[] };
  res: { set: [string, string][]; remove: string[] };
  retry: EngineRetry | undefined;
}

const targetPlans = new WeakMap<WeightedCluster, TargetPlan>();

function planOf(route: CompiledRoute, target: WeightedCluster, retries: RetryPolicy): TargetPlan {
  let plan = targetPlans.get(target);
  if (plan?.route !== route) {
    plan = { route, req: mutations(route.requestHeaders, target.requestHeaders), res: mutations(route.responseHeaders, target.responseHeaders), retry: engineRetry(retries) };
    targetPlans.set(target, plan);
  }
  return plan;
}

/** Upstream endpoints (and their pool keys' inputs) per cluster endpoint, for the mesh identity and source address in force. */
interface EndpointEntry { cluster: Cluster; mesh: MeshIdentity | undefined; localAddress: string | undefined; upstream: UpstreamEndpoint; peer: WorkloadPeer }
const upstreamEndpoints = new WeakMap<Endpoint, EndpointEntry>();

function upstreamOf(cluster: Cluster, e: Endpoint, mesh: MeshIdentity | undefined, localAddress: string | undefined): EndpointEntry {
  let entry = upstreamEndpoints.get(e);
  if (entry?.cluster !== cluster || entry.mesh !== mesh || entry.localAddress !== localAddress) {
    // Per endpoint: auto mTLS reaches sidecar'd endpoints over mTLS and the others in plaintext.
    const upstream: UpstreamEndpoint = { host: e.address, port: e.port, ...(localAddress ? { localAddress } : {}), ...(upstreamTls(cluster, e, mesh) ?? {}) };
    entry = { cluster, mesh, localAddress, upstream, peer: endpointPeerOf(e) };
    upstreamEndpoints.set(e, entry);
  }
  return entry;
}

/** The engine's endpoint choice for one request: each try asks again, so a retry may move to another endpoint. */
class ClusterChoice implements TryPicker {
  constructor(
    private readonly cluster: Cluster | undefined,
    private readonly ctx: PickContext,
    private readonly up: Upstreams,
    private readonly record: Partial<RequestRecord>,
  ) {}

  pick(attempt: number): UpstreamEndpoint | undefined {
    const { cluster, up } = this;
    if (!cluster) return undefined;
    const outliers = up.outliers;
    const e = up.picker.pick(cluster, this.ctx, attempt, outliers && cluster.outlierDetection ? (ep) => outliers.isEjected(cluster, `${ep.address}:${ep.port}`) : undefined);
    if (!e) return undefined;
    const entry = upstreamOf(cluster, e, up.mesh, up.localAddress);
    // The engine reads the record when the request ends: it names the endpoint's workload.
    this.record.destination = entry.peer;
    return entry.upstream;
  }
}

function forward(
  route: CompiledRoute, action: Extract<RouteAction, { type: 'forward' }>, routeName: string, cors: ReturnType<typeof applyCors>,
  head: RequestHead, headers: Readonly<Record<string, string>>, downstream: DownstreamInfo, up: Upstreams,
): RouteDecision {
  const { clusters, picker, random } = up;
  const target = pickCluster(action.clusters, random());
  if (!target) return { kind: 'reply', status: ENVOY_REPLIES.noRoute.status, flags: ['NR'], details: ENVOY_REPLIES.noRoute.details };
  const cluster = clusters.get(target.cluster);
  const dot = target.host.indexOf('.');
  const record: Partial<RequestRecord> = {
    routeName, upstreamCluster: target.cluster, destinationService: target.host,
    destinationServiceName: dot > 0 ? target.host.slice(0, dot) : target.host,
  };
  if (cluster?.source.kind === 'Service') record.destinationServiceNamespace = cluster.source.namespace;
  const plan = planOf(route, target, action.retries);
  const { req } = plan;
  let res = plan.res;
  if (cors.kind === 'actual') res = { set: [...res.set, ...cors.responseHeaders], remove: res.remove };
  const path = rewritePath(head.path, action);
  const ctx: PickContext = { headers, path: head.path, clientIp: downstream.remoteAddress, random };
  for (const m of action.mirrors) {
    const mirrorCluster = clusters.get(m.cluster);
    if (!mirrorCluster || random() * 100 >= m.percentage) continue;
    const e = picker.pick(mirrorCluster, ctx);
    if (e) sendMirror(head, path, upstreamOf(mirrorCluster, e, up.mesh, up.localAddress).upstream);
  }
  const decision: ForwardDecision = { kind: 'forward', upstream: new ClusterChoice(cluster, ctx, up, record), record };
  if (path !== head.path) decision.path = path;
  if (action.rewrite?.authority) decision.authority = action.rewrite.authority;
  if (req.set.length > 0) decision.setRequestHeaders = req.set;
  if (req.remove.length > 0) decision.removeRequestHeaders = req.remove;
  if (res.set.length > 0) decision.setResponseHeaders = res.set;
  if (res.remove.length > 0) decision.removeResponseHeaders = res.remove;
  if (action.timeoutMs) decision.timeoutMs = action.timeoutMs;
  if (plan.retry) decision.retry = plan.retry;
  return decision;
}
