/**
 * Routes + EndpointSlices → the router's table and a verdict per route (admitted, or why
 * not). Pure: the controller feeds it its informers' caches on every change.
 */
import { createSecureContext } from 'node:tls';
import type { EndpointSlice } from '../../api/builtin/core/service-view.ts';
import type { KubeObject } from '../../api/object.ts';
import { asArray, asNumber, asRecord, asString, specOf } from '../../api/mesh/fields.ts';
import { resolveBackends, slicesByService, type BackendRef } from './backends.ts';
import { admitHosts, claimOf, type HostClaim } from './host-admission.ts';
import type { BalanceAlgorithm, InsecurePolicy, RouterRoute, RouterTable, RouterTls, Termination } from './model.ts';
import { routeKey } from './model.ts';
import { routeHost } from './route-hosts.ts';

export const BALANCE_ANNOTATION = 'haproxy.router.openshift.io/balance';
const BALANCE_ALGORITHMS: readonly BalanceAlgorithm[] = ['roundrobin', 'leastconn', 'random', 'source'];

export interface RouteVerdict {
  host: string;
  wildcardPolicy: string;
  admitted: boolean;
  reason?: string;
  message?: string;
}

export interface CompiledRoutes {
  table: RouterTable;
  /** By `namespace/name`. */
  verdicts: Map<string, RouteVerdict>;
}

function backendRefs(spec: Record<string, unknown>): BackendRef[] {
  const all = [asRecord(spec.to), ...asArray(spec.alternateBackends).map(asRecord)];
  return all.flatMap((b) => (b && (asString(b.kind) ?? 'Service') === 'Service' && asString(b.name) ? [{ name: asString(b.name)!, weight: asNumber(b.weight) ?? 100 }] : []));
}

function tlsOf(spec: Record<string, unknown>): RouterTls | undefined {
  const tls = asRecord(spec.tls);
  if (!tls) return undefined;
  const termination = (asString(tls.termination) ?? 'edge').toLowerCase() as Termination;
  const policy = asString(tls.insecureEdgeTerminationPolicy);
  const out: RouterTls = { termination, insecurePolicy: policy === 'Allow' || policy === 'Redirect' ? policy : 'None' satisfies InsecurePolicy };
  const certificate = asString(tls.certificate);
  const key = asString(tls.key);
  if (certificate && key) {
    out.certificatePem = certificate;
    out.keyPem = key;
  }
  const ca = asString(tls.caCertificate);
  if (ca) out.caCertificatePem = ca;
  const destinationCa = asString(tls.destinationCACertificate);
  if (destinationCa) out.destinationCaPem = destinationCa;
  return out;
}

/** Verdicts by certificate and key: loading one costs milliseconds, and every push re-checks. */
const checkedCertificates = new Map<string, string | undefined>();

/** The router's extended validation of a route's certificate: it must load with its key. */
function certificateProblem(tls: RouterTls | undefined): string | undefined {
  if (!tls?.certificatePem || tls.termination === 'passthrough') return undefined;
  const key = `${tls.certificatePem}\0${tls.keyPem ?? ''}`;
  if (checkedCertificates.has(key)) return checkedCertificates.get(key);
  let problem: string | undefined;
  try {
    createSecureContext({ cert: tls.certificatePem, key: tls.keyPem });
  } catch (err) {
    problem = `spec.tls.certificate: Invalid value: "redacted certificate data": error verifying certificate: ${(err as Error).message}`;
  }
  if (checkedCertificates.size >= 1000) checkedCertificates.clear();
  checkedCertificates.set(key, problem);
  return problem;
}

function balanceOf(route: KubeObject): BalanceAlgorithm {
  const value = route.metadata.annotations?.[BALANCE_ANNOTATION]?.trim();
  return BALANCE_ALGORITHMS.find((a) => a === value) ?? 'roundrobin';
}

export function compileRoutes(routes: readonly KubeObject[], slices: readonly EndpointSlice[], domain: string): CompiledRoutes {
  const bySlice = slicesByService(slices);
  const verdicts = new Map<string, RouteVerdict>();
  const candidates: Array<{ claim: HostClaim; route: RouterRoute }> = [];
  for (const obj of routes) {
    if (obj.metadata.deletionTimestamp) continue;
    const spec = specOf(obj);
    const namespace = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    const host = routeHost({ name, namespace, host: asString(spec.host), subdomain: asString(spec.subdomain) }, domain);
    const wildcardPolicy = asString(spec.wildcardPolicy) ?? 'None';
    const key = routeKey({ namespace, name });
    const tls = tlsOf(spec);
    const problem = certificateProblem(tls);
    if (problem) {
      verdicts.set(key, { host, wildcardPolicy, admitted: false, reason: 'ExtendedValidationFailed', message: problem });
      continue;
    }
    const refs = backendRefs(spec);
    const targetPort = asRecord(spec.port)?.targetPort as string | number | undefined;
    const route: RouterRoute = {
      namespace, name, host,
      wildcard: wildcardPolicy === 'Subdomain',
      path: asString(spec.path) ?? '',
      ...(tls ? { tls } : {}),
      backends: resolveBackends(namespace, refs, bySlice, targetPort),
      balance: balanceOf(obj),
      serviceHostname: `${refs[0]?.name ?? name}.${namespace}.svc`,
    };
    const claim: HostClaim = { namespace, name, host, claim: claimOf(host, route.wildcard), path: route.path, creationTimestamp: obj.metadata.creationTimestamp ?? '', uid: obj.metadata.uid ?? '' };
    candidates.push({ claim, route });
    verdicts.set(key, { host, wildcardPolicy, admitted: true });
  }
  const rejected = admitHosts(candidates.map((c) => c.claim));
  const admitted: RouterRoute[] = [];
  for (const { route } of candidates) {
    const key = routeKey(route);
    const rejection = rejected.get(key);
    if (rejection) verdicts.set(key, { ...verdicts.get(key)!, admitted: false, reason: rejection.reason, message: rejection.message });
    else admitted.push(route);
  }
  return { table: { routes: admitted }, verdicts };
}
