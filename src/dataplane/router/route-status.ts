/**
 * `status.ingress[]` as the OpenShift router writes it for its own router name: host,
 * routerName, wildcardPolicy, routerCanonicalHostname and the `Admitted` condition. Entries
 * of other routers are kept; the transition time moves only when the condition changes.
 */
import type { KubeObject } from '../../api/object.ts';
import { asArray, asRecord } from '../../api/mesh/fields.ts';
import type { RouteVerdict } from './compile.ts';
import { canonicalHostname } from './route-hosts.ts';

export const ROUTER_NAME = 'default';

interface Condition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

interface IngressEntry {
  host: string;
  routerName: string;
  conditions: Condition[];
  wildcardPolicy: string;
  routerCanonicalHostname: string;
}

function sameCondition(a: Condition | undefined, b: Condition): boolean {
  return a !== undefined && a.status === b.status && (a.reason ?? '') === (b.reason ?? '') && (a.message ?? '') === (b.message ?? '');
}

/**
 * The route's status with this router's entry set from `verdict`, or undefined when the
 * stored status already says so (no write needed).
 */
export function routeStatusFor(route: KubeObject, verdict: RouteVerdict, domain: string, now: Date): Record<string, unknown> | undefined {
  const status = asRecord(route.status) ?? {};
  const ingresses = asArray(status.ingress).map((i) => asRecord(i) ?? {});
  const mine = ingresses.find((i) => i.routerName === ROUTER_NAME);
  const previous = asArray(mine?.conditions).map((c) => asRecord(c) as unknown as Condition).find((c) => c?.type === 'Admitted');
  const condition: Condition = verdict.admitted
    ? { type: 'Admitted', status: 'True', lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, 'Z') }
    : { type: 'Admitted', status: 'False', lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, 'Z'), reason: verdict.reason ?? '', message: verdict.message ?? '' };
  const unchangedCondition = sameCondition(previous, condition);
  if (unchangedCondition && previous?.lastTransitionTime) condition.lastTransitionTime = previous.lastTransitionTime;
  const entry: IngressEntry = { host: verdict.host, routerName: ROUTER_NAME, conditions: [condition], wildcardPolicy: verdict.wildcardPolicy, routerCanonicalHostname: canonicalHostname(domain) };
  if (mine && unchangedCondition && mine.host === entry.host && mine.wildcardPolicy === entry.wildcardPolicy && mine.routerCanonicalHostname === entry.routerCanonicalHostname && asArray(mine.conditions).length === 1) return undefined;
  const others = ingresses.filter((i) => i.routerName !== ROUTER_NAME);
  return { ...status, ingress: [...others, entry] };
}
