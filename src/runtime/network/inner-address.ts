/**
 * Inner addresses: the "localhost" of a meshed pod in the loopback pod network.
 *
 * Istio captures a pod's traffic with iptables and its app keeps listening on every
 * address. skiff has no iptables: the node proxy plays the sidecar by listening on the pod's
 * own address (status.podIP), so the app's containers must bind somewhere else. The node's
 * pod CIDR is split in two halves: pod IPs come from the lower half, and a meshed pod's
 * inner address is its pod IP plus half the CIDR's size (127.244.0.5 → 127.244.128.5 in
 * 127.244.0.0/16). The mapping is a pure function of the pod IP and the CIDR, so the data
 * plane (which forwards podIP:port → inner:port) needs no state shared with the runtime.
 */
import type { KubeObject } from '../../api/object.ts';
import { cidrContains, formatIPv4, parseCidr, parseIPv4 } from './ip-allocator.ts';

/** Written by sidecar injection (Istio's webhook, skiff's admission): the pod has a sidecar. */
export const SIDECAR_STATUS_ANNOTATION = 'sidecar.istio.io/status';

/** The container whose agent serves 15020/15021/15090 on the pod IP itself. */
export const SIDECAR_CONTAINER_NAME = 'istio-proxy';

/** Whether the pod was injected with a sidecar (the runtime gives it an inner address in loopback mode). */
export function isMeshedPod(pod: Pick<KubeObject, 'metadata'>): boolean {
  return pod.metadata.annotations?.[SIDECAR_STATUS_ANNOTATION] !== undefined;
}

/** The meshed pod's inner address: its pod IP moved to the upper half of the pod CIDR. */
export function innerAddressOf(podIP: string, podCidr: string): string {
  const cidr = parseCidr(podCidr);
  const half = cidr.size / 2;
  const n = parseIPv4(podIP);
  if (n === undefined || !cidrContains(cidr, podIP) || n - cidr.base >= half) {
    throw new Error(`no inner address for ${podIP}: pod IPs come from the lower half of the pod CIDR ${podCidr} (${formatIPv4(cidr.base)}–${formatIPv4(cidr.base + half - 1)})`);
  }
  return formatIPv4(n + half);
}

/** Whether the address is in the upper half of the pod CIDR, where inner addresses live. */
export function isInnerAddress(ip: string, podCidr: string): boolean {
  const cidr = parseCidr(podCidr);
  const n = parseIPv4(ip);
  return n !== undefined && cidrContains(cidr, ip) && n - cidr.base >= cidr.size / 2;
}
