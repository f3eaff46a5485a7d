/**
 * What controllers read from a Pod's status, as Kubernetes' pkg/api/v1/pod and
 * pkg/controller helpers define it: Ready (the Ready condition is True), available (ready
 * for at least minReadySeconds), active (neither finished nor being deleted), terminal.
 * The kubelet writes the conditions; everything here only reads them.
 */
import type { KubeObject } from '../../object.ts';

export interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface Pod extends KubeObject {
  spec?: {
    nodeName?: string;
    restartPolicy?: string;
    hostname?: string;
    subdomain?: string;
    containers?: Array<{ name: string; ports?: ContainerPort[] }>;
    [field: string]: unknown;
  };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: Array<{ ip: string }>;
    hostIP?: string;
    conditions?: PodCondition[];
    containerStatuses?: Array<{ restartCount?: number }>;
    [field: string]: unknown;
  };
}

export function readyCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** When the pod last became ready (the Ready condition's transition), if it is ready. */
export function podReadyTime(pod: Pod): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * podutil.IsPodAvailable: ready, and ready for at least minReadySeconds (a pod whose ready
 * time is unknown counts as available only when minReadySeconds is 0).
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds === 0) return true;
  const since = podReadyTime(pod);
  return since !== undefined && since + minReadySeconds * 1000 <= now;
}

export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** controller.IsPodActive: not finished and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  return !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;
}

/** The pod's IPv4 address (status.podIP, else the first of status.podIPs), or ''. */
export function podIPv4(pod: Pod): string {
  const ips = [pod.status?.podIP ?? '', ...(pod.status?.podIPs ?? []).map((p) => p.ip)];
  return ips.find((ip) => ip !== '' && !ip.includes(':')) ?? '';
}

/** The highest restart count of the pod's containers. */
export function maxContainerRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0));
}
