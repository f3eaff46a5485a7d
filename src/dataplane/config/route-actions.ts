/**
 * What a VirtualService http rule does once it matched (istiod's route translation in
 * pilot/pkg/networking/core/route): forward to weighted clusters (zero-weight destinations
 * dropped, the rest normalised to 100), or redirect, or answer directly; plus rewrite,
 * timeout, retries (Istio's default policy when none is given), fault injection, mirrors,
 * CORS and header operations. Destination hosts resolve in the VirtualService's namespace;
 * a destination without port takes the service's only port, else the listener's port.
 */
import { parseDurationMs } from '../../api/mesh/istio/names.ts';
import { destinationRuleFor } from './destination-rules.ts';
import { resolveShortName } from './host-match.ts';
import type { Destination, DestinationRule, HeaderOperations, HttpRetry, HttpRoute, Labels, VirtualService } from './istio-specs.ts';
import { clusterName } from './model.ts';
import type { CorsSettings, FaultPolicy, HeaderMutation, RetryPolicy, RouteAction, RouteMatch } from './model.ts';
import { problem } from './problems.ts';
import type { Problem } from './problems.ts';
import type { ServiceRegistry } from './service-registry.ts';
import { compileStringMatch } from './string-match.ts';

export interface RouteContext {
  registry: ServiceRegistry;
  destinationRules: readonly DestinationRule[];
  /** The proxy routing the request: its namespace decides visibility and DestinationRules. */
  client: { namespace: string; labels: Labels };
  rootNamespace: string;
  /** Gateway server port, or the service port for sidecar routes. */
  listenerPort: number;
  problems: Problem[];
  /** The mesh's defaultHttpRetryPolicy, for rules that name no retries. */
  defaultRetries?: HttpRetry;
}

/** Istio's default retry policy (pilot/pkg/networking/core/route/retry). */
export const DEFAULT_RETRY_ON = ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'];
// `retriable-status-codes` with no codes listed retries only on codes the client names in
// x-envoy-retriable-status-codes: istiod lists none.
export const DEFAULT_RETRY: RetryPolicy = { attempts: 2, retryOn: DEFAULT_RETRY_ON, retriableStatusCodes: [] };

export function emptyHeaders(): HeaderMutation {
  return { set: {}, add: {}, remove: [] };
}

/** Header operations as Envoy gets them: pseudo-headers (`:authority`, …) are not headers to set. */
export function headerMutation(ops: HeaderOperations | undefined): HeaderMutation {
  const plain = (table: Record<string, string> | undefined): Record<string, string> => Object.fromEntries(Object.entries(table ?? {}).filter(([k]) => !k.startsWith(':')));
  return { set: plain(ops?.set), add: plain(ops?.add), remove: [...(ops?.remove ?? [])] };
}

/** istiod's TranslateHeadersOperations: setting `:authority` or `host` rewrites the authority (`set` over `add`). */
function headerAuthority(ops: HeaderOperations | undefined): string | undefined {
  const find = (table: Record<string, string> | undefined): string | undefined => Object.entries(table ?? {}).find(([k]) => [':authority', 'host'].includes(k.toLowerCase()))?.[1];
  return find(ops?.set) ?? find(ops?.add);
}

/** The retry policy of a rule; `meshDefault` (MeshConfig defaultHttpRetryPolicy) stands in when it names none. */
export function retryPolicy(retries: HttpRetry | undefined, meshDefault?: HttpRetry): RetryPolicy {
  if (!retries) return meshDefault ? retryPolicy(meshDefault) : DEFAULT_RETRY;
  const attempts = retries.attempts ?? 0;
  if (attempts <= 0) return { attempts: 0, retryOn: [], retriableStatusCodes: [] };
  const parts = (retries.retryOn ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const codes = parts.filter((p) => /^\d+$/.test(p)).map(Number);
  let retryOn = parts.filter((p) => !/^\d+$/.test(p));
  if (parts.length === 0) retryOn = [...DEFAULT_RETRY_ON];
  else if (codes.length > 0 && !retryOn.includes('retriable-status-codes')) retryOn.push('retriable-status-codes');
  const perTry = retries.perTryTimeout ? parseDurationMs(retries.perTryTimeout) : undefined;
  return { attempts, retryOn, retriableStatusCodes: codes, ...(perTry ? { perTryTimeoutMs: perTry } : {}) };
}

function percent(p: { value?: number } | undefined, legacy?: number): number {
  if (p?.value !== undefined) return p.value;
  return legacy ?? 0;
}

export function faultPolicy(rule: HttpRoute): FaultPolicy | undefined {
  const f = rule.fault;
  if (!f) return undefined;
  const out: FaultPolicy = {};
  const delayMs = f.delay?.fixedDelay ? parseDurationMs(f.delay.fixedDelay) : undefined;
  if (f.delay && delayMs !== undefined) out.delay = { fixedDelayMs: delayMs, percentage: percent(f.delay.percentage, f.delay.percent) };
  if (f.abort && (f.abort.httpStatus !== undefined || f.abort.grpcStatus !== undefined)) {
    out.abort = { percentage: percent(f.abort.percentage), ...(f.abort.httpStatus !== undefined ? { httpStatus: f.abort.httpStatus } : {}), ...(f.abort.grpcStatus ? { grpcStatus: f.abort.grpcStatus } : {}) };
  }
  return out.delay || out.abort ? out : undefined;
}

function corsSettings(rule: HttpRoute): CorsSettings | undefined {
  const c = rule.corsPolicy;
  if (!c) return undefined;
  const origins = [...(c.allowOrigins ?? []), ...(c.allowOrigin ?? []).map((o) => (o === '*' ? { prefix: '' } : { exact: o }))];
  const maxAge = c.maxAge ? parseDurationMs(c.maxAge) : undefined;
  return {
    allowOrigins: origins.map((o) => compileStringMatch(o)).filter((m): m is Exclude<typeof m, string | undefined> => typeof m === 'object'),
    allowMethods: [...(c.allowMethods ?? [])], allowHeaders: [...(c.allowHeaders ?? [])], exposeHeaders: [...(c.exposeHeaders ?? [])],
    ...(maxAge !== undefined ? { maxAgeSeconds: Math.floor(maxAge / 1000) } : {}),
    ...(c.allowCredentials !== undefined ? { allowCredentials: c.allowCredentials } : {}),
  };
}

interface ResolvedDestination { cluster: string; host: string; port: number; subset?: string }

/** GetDestinationCluster, with problems for what istioctl analyze would flag. */
export function resolveDestination(dest: Destination, vs: VirtualService, field: string, ctx: RouteContext): ResolvedDestination {
  const host = resolveShortName(dest.host ?? '', vs.metadata.namespace ?? '');
  // Like istiod's buildNameToServiceMapForHTTPRoutes: a service the VirtualService's own
  // namespace sees counts too (a gateway routing to a namespace-private service).
  const service = ctx.registry.lookup(host, ctx.client.namespace) ?? ctx.registry.lookup(host, vs.metadata.namespace ?? '');
  let port = dest.port?.number ?? 0;
  if (!service) {
    ctx.problems.push(problem(vs, 'route-destination-unknown', `destination host ${host} is not a Service or ServiceEntry visible from namespace ${ctx.client.namespace}: requests to it fail with 503 (NC)`, `${field}.host`, 'warning'));
  } else if (port === 0 && service.ports.length === 1) {
    port = service.ports[0]!.port;
  } else if (port === 0) {
    ctx.problems.push(problem(vs, 'route-port-ambiguous', `destination ${host} has several ports (${service.ports.map((p) => p.port).join(', ')}) and the route names none: set destination.port.number`, `${field}.port`, 'warning'));
  }
  if (port === 0) port = ctx.listenerPort;
  const subset = dest.subset ? dest.subset : undefined;
  if (subset && service) {
    const rule = destinationRuleFor(ctx.destinationRules, host, { clientNamespace: ctx.client.namespace, clientLabels: ctx.client.labels, serviceNamespace: service.namespace, rootNamespace: ctx.rootNamespace });
    if (!rule?.subsets.some((s) => s.name === subset)) {
      ctx.problems.push(problem(vs, 'route-subset-unknown', `subset ${subset} of ${host} is defined by no DestinationRule: requests to it fail with 503 (NC)`, `${field}.subset`, 'warning'));
    }
  }
  return { cluster: clusterName(port, subset, host), host, port, ...(subset ? { subset } : {}) };
}

function rewriteOf(rule: HttpRoute, matches: readonly RouteMatch[]): Extract<RouteAction, { type: 'forward' }>['rewrite'] {
  const rw = rule.rewrite;
  const fromHeaders = headerAuthority(rule.headers?.request);
  if (!rw) return fromHeaders ? { authority: fromHeaders } : undefined;
  const out: NonNullable<Extract<RouteAction, { type: 'forward' }>['rewrite']> = {};
  if (fromHeaders) out.authority = fromHeaders;
  if (rw.uri !== undefined) {
    // Envoy's prefix_rewrite replaces the matched prefix; with no uri prefix match that is "/".
    const uri = matches.find((m) => m.uri)?.uri;
    out.uriPrefix = { matched: uri?.kind === 'prefix' || uri?.kind === 'exact' ? uri.value : '/', replacement: rw.uri };
  }
  if (rw.uriRegexRewrite?.match !== undefined) {
    try {
      out.uriRegex = { regex: new RegExp(rw.uriRegexRewrite.match, 'g'), replacement: (rw.uriRegexRewrite.rewrite ?? '').replace(/\\(\d)/g, '$$$1') };
    } catch { /* validation rejects bad regexes; an unusable one is ignored */ }
  }
  if (rw.authority) out.authority = rw.authority;
  return out;
}

/** The action of a rule (undefined when it has none and the caller must skip it). */
export function routeAction(rule: HttpRoute, vs: VirtualService, at: string, matches: readonly RouteMatch[], ctx: RouteContext): RouteAction | undefined {
  if (rule.redirect) {
    const r = rule.redirect;
    return {
      type: 'redirect', status: r.redirectCode ?? 301,
      ...(r.uri !== undefined ? { uri: r.uri } : {}), ...(r.authority ? { authority: r.authority } : {}), ...(r.port ? { port: r.port } : {}),
      ...(r.derivePort === 'FROM_PROTOCOL_DEFAULT' || r.derivePort === 'FROM_REQUEST_PORT' ? { derivePort: r.derivePort } : {}), ...(r.scheme ? { scheme: r.scheme } : {}),
    };
  }
  if (rule.directResponse) {
    const body = rule.directResponse.body;
    const text = body?.string ?? (body?.bytes !== undefined ? Buffer.from(body.bytes, 'base64').toString('utf8') : undefined);
    return { type: 'direct-response', status: rule.directResponse.status ?? 200, ...(text !== undefined ? { body: text } : {}) };
  }
  const destinations = rule.route ?? [];
  if (destinations.length === 0) return undefined;
  let weighted = destinations.map((d, i) => ({ d, i, weight: destinations.length === 1 ? 100 : d.weight ?? 0 })).filter((w) => w.weight > 0);
  // Validation forbids all-zero weights; should one slip through, share the traffic evenly.
  if (weighted.length === 0) weighted = destinations.map((d, i) => ({ d, i, weight: 1 }));
  const total = weighted.reduce((sum, w) => sum + w.weight, 0);
  const clusters = weighted.map(({ d, i, weight }) => {
    const resolved = resolveDestination(d.destination ?? {}, vs, `${at}.route[${i}].destination`, ctx);
    return {
      ...resolved, weight: (weight * 100) / total,
      ...(d.headers?.request ? { requestHeaders: headerMutation(d.headers.request) } : {}),
      ...(d.headers?.response ? { responseHeaders: headerMutation(d.headers.response) } : {}),
    };
  });
  const mirrorSpecs = [
    ...(rule.mirror ? [{ destination: rule.mirror, percentage: rule.mirrorPercentage?.value ?? rule.mirrorPercent ?? 100, field: `${at}.mirror` }] : []),
    ...(rule.mirrors ?? []).map((m, i) => ({ destination: m.destination ?? {}, percentage: m.percentage?.value ?? 100, field: `${at}.mirrors[${i}].destination` })),
  ];
  const timeoutMs = rule.timeout ? parseDurationMs(rule.timeout) : undefined;
  const rewrite = rewriteOf(rule, matches);
  const fault = faultPolicy(rule);
  const cors = corsSettings(rule);
  return {
    type: 'forward', clusters,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    retries: retryPolicy(rule.retries, ctx.defaultRetries),
    ...(rewrite ? { rewrite } : {}),
    mirrors: mirrorSpecs.map((m) => ({ ...resolveDestination(m.destination, vs, m.field, ctx), percentage: m.percentage })),
    ...(fault ? { fault } : {}),
    ...(cors ? { cors } : {}),
  };
}
