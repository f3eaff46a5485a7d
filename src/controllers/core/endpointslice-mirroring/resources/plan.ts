/**
 * The writes that turn an Endpoints' mirrored EndpointSlices into what its subsets say
 * (endpointslicemirroring reconciler.reconcile / reconcileByPortMapping / recycleSlices):
 * one slice per address family and port set, holding at most 1000 endpoints. Per group the
 * first existing slice is kept (updated in place when its endpoints, labels, annotations or
 * owner differ) and any others deleted; groups no longer wanted lose their slices; a slice
 * that would be deleted while another is created is reused under its name instead.
 *
 * Mirrored slices carry the Endpoints' labels and annotations (minus the last-change trigger
 * time and kubectl's last-applied configuration), `kubernetes.io/service-name` and
 * `endpointslice.kubernetes.io/managed-by: endpointslicemirroring-controller.k8s.io`, and
 * are owned by the Endpoints, as upstream writes them.
 */
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL, type EndpointSlice, type SliceEndpoint } from '../../../../api/builtin/core/service-view.ts';
import { canonicalJson } from '../../deployment/resources/hash.ts';
import { slicePrefix } from '../../endpointslice/resources/slices.ts';
import { ENDPOINTS, type Endpoints } from '../../endpoints/resources/endpoints.ts';
import { newControllerRef } from '../../replicaset/resources/controller-ref.ts';
import { MAX_ENDPOINTS_PER_SUBSET, MIRRORING_CONTROLLER_NAME, endpointIdentity, groupKey, type DesiredMirror, type MirrorGroup } from './desired.ts';

/** Annotations of the Endpoints that are bookkeeping of its writer, not something to mirror. */
const UNMIRRORED_ANNOTATIONS = ['endpoints.kubernetes.io/last-change-trigger-time', 'kubectl.kubernetes.io/last-applied-configuration'];

export interface MirrorPlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

export function mirroredLabels(ep: Endpoints): Record<string, string> {
  return { ...(ep.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: ep.metadata.name!, [MANAGED_BY_LABEL]: MIRRORING_CONTROLLER_NAME };
}

export function mirroredAnnotations(ep: Endpoints): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ep.metadata.annotations ?? {})) if (!UNMIRRORED_ANNOTATIONS.includes(k)) out[k] = v;
  return out;
}

/** newEndpointSlice: a slice for `group`, named `name` when it replaces one, else generated from `<endpoints>-`. */
export function mirroredSlice(ep: Endpoints, group: MirrorGroup, name?: string, maxEndpoints = MAX_ENDPOINTS_PER_SUBSET): EndpointSlice {
  const annotations = mirroredAnnotations(ep);
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      ...(name ? { name } : { generateName: slicePrefix(ep.metadata.name!) }),
      namespace: ep.metadata.namespace!,
      labels: mirroredLabels(ep),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      // The informer's objects may lack apiVersion/kind; the owner is always a v1 Endpoints.
      ownerReferences: [newControllerRef({ ...ep, ...ENDPOINTS })],
    },
    addressType: group.addressType,
    // Subsets sharing ports can together exceed the per-subset cap; the slice still holds 1000 at most.
    endpoints: group.endpoints.slice(0, maxEndpoints),
    ports: group.ports,
  };
}

/** The endpoints as a set (order does not matter), for comparison. */
function endpointSet(endpoints: readonly SliceEndpoint[] | null | undefined): string {
  return canonicalJson([...(endpoints ?? [])].sort((a, b) => endpointIdentity(a).localeCompare(endpointIdentity(b))));
}

/** Whether the live slice already says what `want` says (the fields the mirror writes). */
export function sliceMatches(live: EndpointSlice, want: EndpointSlice): boolean {
  return endpointSet(live.endpoints) === endpointSet(want.endpoints) &&
    canonicalJson(live.metadata.labels ?? {}) === canonicalJson(want.metadata.labels ?? {}) &&
    canonicalJson(live.metadata.annotations ?? {}) === canonicalJson(want.metadata.annotations ?? {}) &&
    (live.metadata.ownerReferences ?? []).some((r) => r.uid === want.metadata.ownerReferences?.[0]?.uid && r.controller === true);
}

/** The live slice rewritten to `want` under its own name (its resourceVersion kept: a stale cache gets a conflict, not a lost write). */
function rewrite(live: EndpointSlice, want: EndpointSlice): EndpointSlice {
  const { generateName: _g, annotations: _a, ...liveMeta } = live.metadata;
  return {
    ...want,
    metadata: {
      ...liveMeta,
      labels: want.metadata.labels!,
      ...(want.metadata.annotations ? { annotations: want.metadata.annotations } : {}),
      ownerReferences: want.metadata.ownerReferences!,
    },
  };
}

/** What to write so that `existing` (the slices mirrored for this Endpoints) matches `desired`. */
export function planMirror(ep: Endpoints, existing: readonly EndpointSlice[], desired: DesiredMirror, maxEndpoints = MAX_ENDPOINTS_PER_SUBSET): MirrorPlan {
  const plan: MirrorPlan = { create: [], update: [], delete: [] };
  const byKey = new Map<string, EndpointSlice[]>();
  for (const s of [...existing].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
    const key = groupKey(s.addressType, s.ports);
    byKey.set(key, [...(byKey.get(key) ?? []), s]);
  }
  for (const [key, group] of desired.groups) {
    const [first, ...extra] = byKey.get(key) ?? [];
    byKey.delete(key);
    plan.delete.push(...extra);
    const want = mirroredSlice(ep, group, undefined, maxEndpoints);
    if (!first) plan.create.push(want);
    else if (!sliceMatches(first, want)) plan.update.push(rewrite(first, want));
  }
  for (const stale of byKey.values()) plan.delete.push(...stale);
  return recycle(plan);
}

/**
 * recycleSlices: a create paired with a delete of the same address type becomes an update
 * of the slice that would have gone (addressType is immutable, so only within a family).
 */
function recycle(plan: MirrorPlan): MirrorPlan {
  const create: EndpointSlice[] = [];
  const deletes = [...plan.delete];
  const update = [...plan.update];
  for (const want of plan.create) {
    const i = deletes.findIndex((d) => d.addressType === want.addressType);
    if (i < 0) {
      create.push(want);
      continue;
    }
    const [reused] = deletes.splice(i, 1);
    update.push(rewrite(reused!, want));
  }
  return { create, update, delete: deletes };
}
