/**
 * The EndpointSlices a Service should have (pkg/controller/endpointslice and the
 * k8s.io/endpointslice reconciler): one endpoint per pod that has an IPv4 address and has
 * not finished — terminating pods included, with `ready: false, terminating: true` — grouped
 * by the ports the pod resolves the Service's target ports to, at most 100 endpoints per
 * slice. A Service with no endpoints keeps one empty placeholder slice. Slices are named
 * `<service>-<random>`, owned by the Service, labelled `kubernetes.io/service-name` and
 * `endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io`.
 */
import type { Pod } from '../../../../api/builtin/core/pod-readiness.ts';
import { isPodReady, podIPv4 } from '../../../../api/builtin/core/pod-readiness.ts';
import { HEADLESS_LABEL, MANAGED_BY_LABEL, SERVICE_NAME_LABEL, findPort, isHeadless, shouldPodBeInEndpoints, shouldSetHostname, type EndpointPort, type EndpointSlice, type Service, type SliceEndpoint } from '../../../../api/builtin/core/service-view.ts';
import { nameIsDnsSubdomain } from '../../../../api/meta/names.ts';
import { canonicalJson } from '../../deployment/resources/hash.ts';
import { newControllerRef } from '../../replicaset/resources/controller-ref.ts';

export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const MAX_ENDPOINTS_PER_SLICE = 100;

export function sliceEndpoint(pod: Pod, svc: Service): SliceEndpoint {
  const serving = isPodReady(pod);
  const terminating = pod.metadata.deletionTimestamp !== undefined;
  // Ready is never true for a terminating pod unless the Service publishes not-ready addresses.
  const ready = svc.spec.publishNotReadyAddresses === true || (serving && !terminating);
  return {
    addresses: [podIPv4(pod)],
    conditions: { ready, serving, terminating },
    ...(shouldSetHostname(pod, svc) ? { hostname: pod.spec!.hostname! } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace!, name: pod.metadata.name!, ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}) },
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
  };
}

/** getEndpointPorts: each Service port the pod can serve, named as the Service names it. */
export function endpointPorts(svc: Service, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    out.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return out;
}

export function portsKey(ports: readonly EndpointPort[] | null | undefined): string {
  return canonicalJson([...(ports ?? [])].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || (a.port ?? 0) - (b.port ?? 0)));
}

export interface DesiredGroup {
  ports: EndpointPort[];
  endpoints: SliceEndpoint[];
}

/** The endpoints the Service wants, grouped by port set, each group sorted by address. */
export function desiredGroups(svc: Service, pods: readonly Pod[]): Map<string, DesiredGroup> {
  const groups = new Map<string, DesiredGroup>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true) || podIPv4(pod) === '') continue;
    const ports = endpointPorts(svc, pod);
    const key = portsKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: [] }));
    g.endpoints.push(sliceEndpoint(pod, svc));
  }
  for (const g of groups.values()) g.endpoints.sort((a, b) => a.addresses[0]!.localeCompare(b.addresses[0]!, 'en', { numeric: true }) || (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? ''));
  return groups;
}

/** setEndpointSliceLabels: the Service's labels (not the reserved ones), service name, manager, headless marker. */
export function sliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) if (k !== SERVICE_NAME_LABEL && k !== MANAGED_BY_LABEL && k !== HEADLESS_LABEL) labels[k] = v;
  labels[SERVICE_NAME_LABEL] = svc.metadata.name!;
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
  return labels;
}

/** getEndpointSlicePrefix: `<service>-` when valid as a generateName, else the name. */
export function slicePrefix(serviceName: string): string {
  const prefix = `${serviceName}-`;
  return nameIsDnsSubdomain(prefix, true).length === 0 ? prefix : serviceName;
}

export function newSlice(svc: Service, ports: EndpointPort[], endpoints: SliceEndpoint[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { generateName: slicePrefix(svc.metadata.name!), namespace: svc.metadata.namespace!, labels: sliceLabels(svc), ownerReferences: [newControllerRef(svc)] },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

function sameContent(a: EndpointSlice, b: EndpointSlice): boolean {
  return canonicalJson(a.endpoints ?? []) === canonicalJson(b.endpoints ?? []) && portsKey(a.ports) === portsKey(b.ports) && canonicalJson(a.metadata.labels ?? {}) === canonicalJson(b.metadata.labels ?? {});
}

/**
 * What to write so that `existing` (the Service's managed IPv4 slices) becomes `desired`:
 * per port set, the desired endpoints fill the existing slices (by name) 100 at a time, more
 * slices are created as needed and left-over ones deleted (or reused for the creates);
 * unchanged slices are not touched.
 */
export function planSlices(svc: Service, existing: readonly EndpointSlice[], desired: Map<string, DesiredGroup>): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const byKey = new Map<string, EndpointSlice[]>();
  for (const s of [...existing].sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!))) {
    const key = portsKey(s.ports);
    byKey.set(key, [...(byKey.get(key) ?? []), s]);
  }
  const groups = desired.size > 0 ? desired : new Map([[portsKey([]), { ports: [], endpoints: [] }]]);
  for (const [key, group] of groups) {
    const slices = byKey.get(key) ?? [];
    byKey.delete(key);
    const chunks: SliceEndpoint[][] = [];
    for (let i = 0; i < group.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) chunks.push(group.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE));
    if (chunks.length === 0) chunks.push([]);
    chunks.forEach((endpoints, i) => {
      const want = newSlice(svc, group.ports, endpoints);
      const have = slices[i];
      if (!have) plan.create.push(want);
      else if (!sameContent(have, want)) plan.update.push({ ...have, metadata: { ...have.metadata, labels: want.metadata.labels! }, endpoints, ports: group.ports });
    });
    plan.delete.push(...slices.slice(chunks.length));
  }
  for (const rest of byKey.values()) plan.delete.push(...rest);
  reuseDeletedSlices(plan);
  return plan;
}

/**
 * The reconciler's finalize step: a slice about to be deleted is rewritten as one about to be
 * created (same Service, same address type), so an empty placeholder becomes the first real
 * slice, and a changed port set keeps its slice, in one update instead of a delete and a
 * create. Saves a write, and readers never see the Service without a slice in between.
 */
function reuseDeletedSlices(plan: SlicePlan): void {
  while (plan.create.length > 0 && plan.delete.length > 0) {
    const want = plan.create.pop()!;
    const old = plan.delete.shift()!;
    plan.update.push({ ...old, metadata: { ...old.metadata, labels: want.metadata.labels! }, endpoints: want.endpoints ?? [], ports: want.ports ?? [] });
  }
}
