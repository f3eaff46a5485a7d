/**
 * The Endpoints object a Service should have (endpoints_controller.go syncService): one
 * address per pod that has an IP and is not being deleted (unless the Service publishes
 * not-ready addresses), under `addresses` when ready and `notReadyAddresses` otherwise,
 * with the ports each pod resolves the Service's target ports to. Subsets are repacked so
 * that addresses sharing the same ports share one subset; at most 1000 addresses are kept
 * (and the Endpoints is annotated as truncated). Labels are the Service's, plus
 * `service.kubernetes.io/headless` for a headless Service.
 */
import type { Pod } from '../../../../api/builtin/core/pod-readiness.ts';
import { isPodReady, podIPv4 } from '../../../../api/builtin/core/pod-readiness.ts';
import { HEADLESS_LABEL, findPort, isHeadless, shouldPodBeInEndpoints, shouldSetHostname, type Service } from '../../../../api/builtin/core/service-view.ts';
import type { KubeObject } from '../../../../api/object.ts';

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace?: string; name: string; uid?: string };
}

export interface EndpointsPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointsPort[];
}

export interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[];
}

export const ENDPOINTS = { apiVersion: 'v1', kind: 'Endpoints' } as const;
export const MAX_CAPACITY = 1000;
export const OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';

function address(pod: Pod, svc: Service): EndpointAddress {
  return {
    ip: podIPv4(pod),
    ...(shouldSetHostname(pod, svc) ? { hostname: pod.spec!.hostname! } : {}),
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace!, name: pod.metadata.name!, ...(pod.metadata.uid ? { uid: pod.metadata.uid } : {}) },
  };
}

const portKey = (ports: readonly EndpointsPort[]): string => JSON.stringify([...ports].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port));
const byAddress = (a: EndpointAddress, b: EndpointAddress) => a.ip.localeCompare(b.ip, 'en', { numeric: true }) || (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? '');

/** The subsets for `svc` over the pods its selector matched. */
export function desiredSubsets(svc: Service, pods: readonly Pod[]): EndpointSubset[] {
  const tolerateUnready = svc.spec.publishNotReadyAddresses === true;
  // Per pod: its address, whether it counts as ready, and the ports it serves.
  const entries: Array<{ addr: EndpointAddress; ready: boolean; ports: EndpointsPort[] }> = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready) || podIPv4(pod) === '') continue;
    const ready = tolerateUnready || isPodReady(pod);
    const servicePorts = svc.spec.ports ?? [];
    if (servicePorts.length === 0) {
      if (isHeadless(svc)) entries.push({ addr: address(pod, svc), ready, ports: [] });
      continue;
    }
    for (const sp of servicePorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      entries.push({ addr: address(pod, svc), ready, ports: [{ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) }] });
    }
  }
  return repack(entries);
}

/**
 * RepackSubsets: every address gets the union of the ports it serves; addresses with the
 * same port set share a subset. Sorted for a stable result.
 */
function repack(entries: ReadonlyArray<{ addr: EndpointAddress; ready: boolean; ports: EndpointsPort[] }>): EndpointSubset[] {
  const byPod = new Map<string, { addr: EndpointAddress; ready: boolean; ports: EndpointsPort[] }>();
  for (const e of entries) {
    const key = `${e.addr.ip}/${e.addr.targetRef?.uid ?? ''}`;
    const cur = byPod.get(key);
    if (!cur) byPod.set(key, { addr: e.addr, ready: e.ready, ports: [...e.ports] });
    else for (const p of e.ports) if (!cur.ports.some((q) => JSON.stringify(q) === JSON.stringify(p))) cur.ports.push(p);
  }
  const groups = new Map<string, EndpointSubset & { ports: EndpointsPort[] }>();
  for (const { addr, ready, ports } of byPod.values()) {
    const key = portKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports: [...ports].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port) }));
    (ready ? (g.addresses ??= []) : (g.notReadyAddresses ??= [])).push(addr);
  }
  const subsets = [...groups.values()].map((g) => {
    g.addresses?.sort(byAddress);
    g.notReadyAddresses?.sort(byAddress);
    if (g.ports.length === 0) delete (g as EndpointSubset).ports;
    return g as EndpointSubset;
  });
  return subsets.sort((a, b) => portKey(a.ports ?? []).localeCompare(portKey(b.ports ?? [])));
}

/**
 * truncateEndpoints: keeps at most 1000 addresses. When the ready ones alone exceed that,
 * only ready addresses are kept, spread over the subsets in proportion to their share (rounded
 * up, the last subset taking what is left); otherwise every ready address stays and the
 * not-ready ones are cut the same way. True when something was cut.
 */
export function truncate(subsets: EndpointSubset[]): boolean {
  const totalReady = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const totalNotReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  if (totalReady + totalNotReady <= MAX_CAPACITY) return false;
  const truncateReady = totalReady > MAX_CAPACITY;
  const max = truncateReady ? MAX_CAPACITY : MAX_CAPACITY - totalReady;
  const total = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  for (const s of subsets) {
    const inSubset = (truncateReady ? s.addresses : s.notReadyAddresses)?.length ?? 0;
    const toBeAdded = Math.min(Math.ceil((inSubset / total) * max), canBeAdded);
    if (truncateReady) {
      s.addresses = (s.addresses ?? []).slice(0, toBeAdded);
      delete s.notReadyAddresses;
      canBeAdded -= s.addresses.length;
    } else {
      s.notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, toBeAdded);
      canBeAdded -= s.notReadyAddresses.length;
    }
    if (s.addresses?.length === 0) delete s.addresses;
    if (s.notReadyAddresses?.length === 0) delete s.notReadyAddresses;
  }
  return true;
}

/** The labels an Endpoints carries: the Service's, with the headless marker when it applies. */
export function endpointsLabels(svc: Service): Record<string, string> {
  const labels = { ...(svc.metadata.labels ?? {}) };
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
  else delete labels[HEADLESS_LABEL];
  return labels;
}
