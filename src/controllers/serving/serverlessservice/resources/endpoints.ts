/**
 * Where a revision's public Endpoints point (knative/serving 1.15
 * pkg/reconciler/serverlessservice reconcilePublicEndpoints), pure:
 *
 * - Serve mode: the ready addresses of the private Service (the revision's pods);
 * - Proxy mode: `spec.numActivators` of the activator Service's addresses, chosen by a hash
 *   of the SKS name so each revision keeps the same activators while their set is stable
 *   (upstream hash.ChooseSubset; here rendezvous hashing, the same property);
 * - no ready pod forces Proxy, no ready activator forces Serve (something beats nothing).
 *
 * EndpointsPopulated is True once pods are ready; ActivatorEndpointsPopulated (informational)
 * says whether the activator is in the path, which the autoscaler reads before scaling to zero.
 */
import { createHash } from 'node:crypto';
import type { EndpointSubset } from '../../../core/endpoints/resources/endpoints.ts';

export type Mode = 'Serve' | 'Proxy';

export interface EndpointsView {
  subsets?: EndpointSubset[];
}

export interface PublicEndpointsPlan {
  /** The mode actually applied (forced when one side has no ready address). */
  mode: Mode;
  subsets: EndpointSubset[];
  /** The private Service has ready addresses. */
  servingEndpoints: boolean;
}

/** resources.ReadyAddressCount: ready addresses over all subsets. */
export function readyAddressCount(eps: EndpointsView | undefined): number {
  return (eps?.subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
}

/** `n` of `ips` chosen for `target`: stable for a target, spread across targets. */
export function chooseSubset(ips: readonly string[], n: number, target: string): Set<string> {
  const score = (ip: string) => createHash('sha256').update(`${target}/${ip}`).digest('hex');
  return new Set([...new Set(ips)].sort((a, b) => (score(a) < score(b) ? -1 : score(a) > score(b) ? 1 : 0)).slice(0, n));
}

/** subsetEndpoints: keep only `n` addresses (at least 2; all when n is 0 or there are no more than n). */
export function subsetEndpoints(subsets: readonly EndpointSubset[], target: string, n: number): EndpointSubset[] {
  if (subsets.length === 0 || n <= 0) return [...subsets];
  const want = Math.max(2, n);
  const ips = subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip));
  if (new Set(ips).size <= want) return [...subsets];
  const chosen = chooseSubset(ips, want, target);
  return subsets
    .map((s) => ({ ...s, addresses: (s.addresses ?? []).filter((a) => chosen.has(a.ip)) }))
    .filter((s) => s.addresses.length > 0);
}

/** Only ready addresses go public: not-ready ones would only be skipped by every proxy. */
const readyOnly = (subsets: readonly EndpointSubset[]): EndpointSubset[] =>
  subsets.filter((s) => (s.addresses?.length ?? 0) > 0).map(({ notReadyAddresses: _n, ...rest }) => rest);

export function planPublicEndpoints(sks: { name: string; mode: Mode; numActivators: number }, privateEps: EndpointsView | undefined, activatorEps: EndpointsView | undefined): PublicEndpointsPlan {
  const servingEndpoints = readyAddressCount(privateEps) > 0;
  let mode = sks.mode;
  if (!servingEndpoints) mode = 'Proxy';
  if (readyAddressCount(activatorEps) === 0) mode = 'Serve';
  const subsets = mode === 'Serve'
    ? readyOnly(privateEps?.subsets ?? [])
    : subsetEndpoints(readyOnly(activatorEps?.subsets ?? []), sks.name, sks.numActivators);
  return { mode, subsets, servingEndpoints };
}
