/**
 * The outbound half of a meshed pod's sidecar, for Service traffic: when a process of a
 * meshed pod connects to a Service (ClusterIP, or a name that resolves to one), the service
 * proxy asks here whether to originate mTLS towards the endpoint it picked — Istio's auto
 * mTLS with the client pod's own workload certificate, decided per destination like every
 * in-process mesh client (MeshClientTls: a sidecar there that takes mTLS on that port).
 *
 * The client pod is known by address: its connections leave with its pod IP (the runtime's
 * per-pod source NAT, docs/network-policy.md). Ports in the pod's
 * `traffic.sidecar.istio.io/excludeOutboundPorts` stay plaintext, as Istio's capture skips
 * them. Connections to pod IPs are not captured: Istio too sends traffic for an address no
 * Service owns through its passthrough cluster, in plaintext.
 */
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { podIPv4, type Pod } from '../../api/builtin/core/pod-readiness.ts';
import { meshSourceOf } from '../../dataplane/activator/pod-connection.ts';
import { parsePortList } from '../../dataplane/config/sidecar-ports.ts';
import type { ObjectStore } from '../../dataplane/mesh-tls/mesh-client-tls.ts';
import { podServesTraffic } from '../../dataplane/mesh-tls/origination-decision.ts';
import type { MeshClientTls } from '../../dataplane/mesh-tls/types.ts';
import type { Backend, ListenerSpec } from '../../dataplane/service-proxy/snapshot.ts';
import { isMeshedPod } from '../../runtime/network/inner-address.ts';

const EXCLUDE_OUTBOUND = 'traffic.sidecar.istio.io/excludeOutboundPorts';

export type UpstreamTls = (client: Socket, backend: Backend, service: ListenerSpec) => Promise<ConnectionOptions | undefined> | undefined;

export function createSidecarOutbound(pods: ObjectStore<Pod>, meshTls: MeshClientTls): UpstreamTls {
  // Rebuilt on the first connection after any pod change, not per event.
  let meshedByIp: Map<string, Pod> | undefined;
  pods.addHandlers({ add: () => (meshedByIp = undefined), update: () => (meshedByIp = undefined), delete: () => (meshedByIp = undefined) });
  const meshedPodAt = (ip: string): Pod | undefined => {
    if (!meshedByIp) {
      meshedByIp = new Map();
      for (const p of pods.list()) if (isMeshedPod(p) && podServesTraffic(p) && podIPv4(p) !== '') meshedByIp.set(podIPv4(p), p);
    }
    return meshedByIp.get(ip);
  };
  return (client, backend, service) => {
    const pod = meshedPodAt((client.remoteAddress ?? '').replace(/^::ffff:/i, ''));
    if (!pod) return undefined;
    const excluded = pod.metadata.annotations?.[EXCLUDE_OUTBOUND] ?? '';
    if (excluded.trim() === '*' || parsePortList(excluded).includes(service.port)) return undefined;
    return meshTls.originate(meshSourceOf(pod), backend.address, backend.port).then((tls) => tls?.options);
  };
}
