/**
 * One VirtualService's http rules as routes for one place: a gateway server (gateway
 * `ns/name`) or the mesh (`mesh`, the sidecars), as istiod's BuildHTTPRoutesForVirtualService
 * does it. A match block counts only where it applies — its `port` (the gateway server port
 * or service port) and its own `gateways`, or without those its `sourceLabels` /
 * `sourceNamespace` against the proxy, all decided when compiling. A rule whose every block
 * is filtered out disappears (it does not become a catch-all); rule order is kept; a
 * catch-all (a rule without match, or a block testing nothing but `/`) ends the list.
 */
import { sortedByCreation } from './config-order.ts';
import { resolveShortName } from './host-match.ts';
import type { HttpMatchRequest, Labels, VirtualService } from './istio-specs.ts';
import type { CompiledRoute, RouteMatch } from './model.ts';
import { problem } from './problems.ts';
import { emptyHeaders, headerMutation, routeAction } from './route-actions.ts';
import type { RouteContext } from './route-actions.ts';
import { compileRouteMatch } from './route-match.ts';
import { normalizeExportTo, visibleTo } from './service-registry.ts';

export const MESH_GATEWAY = 'mesh';

/**
 * A name in `gateways` as `namespace/name` (or `mesh`): `name` is relative to the
 * VirtualService's namespace; the legacy `name.namespace[.svc.cluster.local]` is accepted.
 */
export function resolveGatewayName(name: string, vsNamespace: string): string {
  if (name === MESH_GATEWAY || name.includes('/')) return name;
  const dot = name.indexOf('.');
  if (dot > 0) return `${name.slice(dot + 1).split('.')[0]}/${name.slice(0, dot)}`;
  return `${vsNamespace}/${name}`;
}

export function boundGateways(vs: VirtualService): string[] {
  const names = vs.spec?.gateways ?? [];
  return names.length === 0 ? [MESH_GATEWAY] : names.map((n) => resolveGatewayName(n, vs.metadata.namespace ?? ''));
}

/** VirtualService hosts as full names (short names resolved in its namespace). */
export function virtualServiceHosts(vs: VirtualService): string[] {
  return (vs.spec?.hosts ?? []).map((h) => resolveShortName(h, vs.metadata.namespace ?? ''));
}

/** VirtualServices bound to `gateway` and visible to `namespace` (the proxy's), oldest first. */
export function virtualServicesFor(all: readonly VirtualService[], gateway: string, namespace: string): VirtualService[] {
  return sortedByCreation(all).filter((vs) => {
    const visible = vs.metadata.namespace === namespace || visibleTo(normalizeExportTo(vs.spec?.exportTo, vs.metadata.namespace ?? ''), namespace);
    return visible && boundGateways(vs).includes(gateway);
  });
}

export interface RoutePlace {
  /** `namespace/name` of the gateway, or `mesh`. */
  gateway: string;
  port: number;
  proxyLabels: Labels;
  proxyNamespace: string;
}

/**
 * istiod's TranslateRoute filters: the block's port must be the listener's, and either
 * one of its own `gateways` is this place, or (without them) its sourceLabels and
 * sourceNamespace fit the proxy.
 */
function blockApplies(m: HttpMatchRequest, vsNamespace: string, place: RoutePlace): boolean {
  if (m.port && m.port !== place.port) return false;
  if (m.gateways && m.gateways.length > 0) return m.gateways.map((g) => resolveGatewayName(g, vsNamespace)).includes(place.gateway);
  if (m.sourceLabels && !Object.entries(m.sourceLabels).every(([k, v]) => place.proxyLabels[k] === v)) return false;
  return !m.sourceNamespace || m.sourceNamespace === place.proxyNamespace;
}

export function compileVirtualServiceRoutes(vs: VirtualService, place: RoutePlace, ctx: RouteContext): CompiledRoute[] {
  const vsNamespace = vs.metadata.namespace ?? '';
  const origin = `${vsNamespace}/${vs.metadata.name ?? ''}`;
  const routes: CompiledRoute[] = [];
  const rules = vs.spec?.http ?? [];
  for (let ruleIndex = 0; ruleIndex < rules.length; ruleIndex++) {
    const rule = rules[ruleIndex]!;
    const at = `spec.http[${ruleIndex}]`;
    if (rule.delegate) {
      ctx.problems.push(problem(vs, 'route-invalid', 'delegate VirtualServices are not supported: rule skipped', `${at}.delegate`, 'warning'));
      continue;
    }
    const declared = rule.match ?? [];
    const matches: RouteMatch[] = [];
    let invalid = false;
    // Like istiod, stop at a catch-all: nothing after it could ever match.
    let catchAll = declared.length === 0;
    for (const block of declared.filter((m) => blockApplies(m, vsNamespace, place))) {
      // Place-specific conditions were decided above; the proxy need not test them again.
      const { port: _p, sourceLabels: _l, sourceNamespace: _n, gateways: _g, ...rest } = block;
      const compiled = compileRouteMatch(rest);
      if (compiled.error) {
        ctx.problems.push(problem(vs, 'route-invalid', `${compiled.error}: rule skipped`, `${at}.match`));
        invalid = true;
        break;
      }
      matches.push(compiled.match!);
      if (isCatchAllMatch(compiled.match)) { catchAll = true; break; }
    }
    if (invalid || (declared.length > 0 && matches.length === 0)) continue;
    const action = routeAction(rule, vs, at, matches, ctx);
    if (!action) {
      ctx.problems.push(problem(vs, 'route-invalid', 'rule has no route, redirect or directResponse: skipped', at));
      continue;
    }
    routes.push({
      origin: { virtualService: origin, ruleIndex }, ...(rule.name ? { name: rule.name } : {}),
      matches: catchAll ? [] : matches, action,
      requestHeaders: rule.headers?.request ? headerMutation(rule.headers.request) : emptyHeaders(),
      responseHeaders: rule.headers?.response ? headerMutation(rule.headers.response) : emptyHeaders(),
    });
    if (catchAll) break;
  }
  return routes;
}

/** Envoy's view of one match block: catch-all when only the path is tested, against `/` (prefix) or `.*` (regex). */
function isCatchAllMatch(m: RouteMatch | undefined): boolean {
  if (!m) return true;
  const uriCatchAll = !m.uri || (m.uri.kind === 'prefix' && m.uri.value === '/') || (m.uri.kind === 'regex' && m.uri.value === '.*');
  return uriCatchAll && !m.method && !m.authority && !m.scheme && m.headers.length === 0 && m.queryParams.length === 0;
}

/**
 * Istio's SortVHostRoutes for gateway virtual hosts: istiod emits one Envoy route per match
 * block, then moves the catch-all ones to the end keeping the others' order. Routes are
 * split per block here first so that the same reordering happens.
 */
export function catchAllLast(routes: readonly CompiledRoute[]): CompiledRoute[] {
  const split = routes.flatMap((r) => (r.matches.length <= 1 ? [r] : r.matches.map((m) => ({ ...r, matches: [m] }))));
  const isCatchAll = (r: CompiledRoute): boolean => isCatchAllMatch(r.matches[0]);
  return [...split.filter((r) => !isCatchAll(r)), ...split.filter(isCatchAll)];
}
