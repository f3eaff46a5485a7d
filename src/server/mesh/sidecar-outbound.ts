/**
 * The outbound half of a meshed pod's sidecar, for Service traffic. A process of a meshed
 * pod that connects to a Service (ClusterIP, or a name that resolves to one) reaches skiff's
 * service proxy from the pod's own IP (the runtime's per-pod source NAT,
 * docs/network-policy.md), so the proxy knows the caller and asks here:
 *
 * - **HTTP ports** (the Service port's name says `http`, `http-…`, as Istio reads it): the
 *   connection is handed to the pod's outbound proxy (mesh-sidecars.ts), which routes each
 *   request by the VirtualServices bound to `mesh` (matches, weights, rewrites, retries,
 *   timeouts, faults, mirrors) and DestinationRules, and originates mTLS per endpoint with
 *   the pod's certificate, as the gateways do. A port whose protocol is unknown (unnamed, or
 *   a name Istio does not read, and not a well-known TCP port) is sniffed when the mesh's
 *   control plane asks for it (`proxy.networking.protocol.autoDetect.outbound`; Maistra's
 *   profiles leave it off, so such ports are TCP): HTTP/1 goes there too, anything else to
 *   the layer-4 path below.
 * - **Other ports**: the service proxy picks the endpoint and, when that endpoint's sidecar
 *   takes mTLS (MeshClientTls's auto mTLS decision), opens the upstream connection as TLS
 *   with the pod's workload certificate: Istio's capture at layer 4.
 *
 * Ports in the pod's `traffic.sidecar.istio.io/excludeOutboundPorts` are left alone.
 * Connections to pod IPs are not captured: Istio too sends traffic for an address no Service
 * owns through its passthrough cluster, in plaintext.
 */
import type { Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { podIPv4, type Pod } from '../../api/builtin/core/pod-readiness.ts';
import { meshSourceOf } from '../../dataplane/activator/pod-connection.ts';
import { servicePortProtocol } from '../../dataplane/config/service-registry.ts';
import { parsePortList } from '../../dataplane/config/sidecar-ports.ts';
import type { GatewayProxy } from '../../dataplane/gateway/gateway-proxy.ts';
import type { ObjectStore } from '../../dataplane/mesh-tls/mesh-client-tls.ts';
import { podServesTraffic } from '../../dataplane/mesh-tls/origination-decision.ts';
import type { MeshClientTls } from '../../dataplane/mesh-tls/types.ts';
import type { Backend, ListenerSpec } from '../../dataplane/service-proxy/snapshot.ts';
import { peekFirstBytes } from '../../dataplane/sidecar/first-bytes.ts';
import { sidecarTimeouts } from '../../dataplane/sidecar/timeouts.ts';
import { isMeshedPod } from '../../runtime/network/inner-address.ts';

const EXCLUDE_OUTBOUND = 'traffic.sidecar.istio.io/excludeOutboundPorts';
const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);

export interface SidecarOutbound {
  upstreamTls(client: Socket, backend: Backend, service: ListenerSpec): Promise<ConnectionOptions | undefined> | undefined;
  takeover(client: Socket, service: ListenerSpec): boolean | Promise<boolean | Buffer>;
}

/** Whether a pod's outbound side sniffs unnamed ports, and how long it waits for the first bytes (0: however long; absent: `detectionMs`). */
export type OutboundSniffing = false | { timeoutMs?: number };

/**
 * `outboundFor(ip, port)`: the outbound proxy of the meshed pod at `ip` if it routes HTTP for
 * `port`; `sniffs(pod)`: whether the pod's mesh sniffs unnamed ports (its control plane's
 * autoDetect.outbound, off in Maistra's profiles: then they stay TCP) and its mesh config's
 * protocolDetectionTimeout.
 */
export function createSidecarOutbound(
  pods: ObjectStore<Pod>, meshTls: MeshClientTls, outboundFor: (ip: string, port: number) => GatewayProxy | undefined,
  sniffs: (pod: Pod) => OutboundSniffing, detectionMs = sidecarTimeouts().detectionMs,
): SidecarOutbound {
  // Rebuilt on the first connection after any pod change, not per event.
  let meshedByIp: Map<string, Pod> | undefined;
  pods.addHandlers({ add: () => (meshedByIp = undefined), update: () => (meshedByIp = undefined), delete: () => (meshedByIp = undefined) });
  const capturingPod = (client: Socket, service: ListenerSpec): Pod | undefined => {
    if (!meshedByIp) {
      meshedByIp = new Map();
      for (const p of pods.list()) if (isMeshedPod(p) && podServesTraffic(p) && podIPv4(p) !== '') meshedByIp.set(podIPv4(p), p);
    }
    const pod = meshedByIp.get(clientIp(client));
    if (!pod) return undefined;
    const excluded = pod.metadata.annotations?.[EXCLUDE_OUTBOUND] ?? '';
    return excluded.trim() === '*' || parsePortList(excluded).includes(service.port) ? undefined : pod;
  };
  return {
    upstreamTls: (client, backend, service) => {
      const pod = capturingPod(client, service);
      return pod ? meshTls.originate(meshSourceOf(pod), backend.address, backend.port).then((tls) => tls?.options) : undefined;
    },
    takeover: (client, service) => {
      const protocol = servicePortProtocol({ name: portNameOf(service), port: service.port });
      const http = HTTP_PROTOCOLS.has(protocol);
      if (!http && protocol !== 'AUTO') return false;
      const pod = capturingPod(client, service);
      if (!pod) return false;
      // A declared HTTP port is routed without sniffing; an AUTO one only where the mesh sniffs.
      const sniffing = http ? false : sniffs(pod);
      if (!http && sniffing === false) return false;
      const proxy = outboundFor(clientIp(client), service.port);
      if (!proxy) return false;
      if (sniffing === false) return proxy.accept(service.port, client);
      // AUTO (an unnamed or unknown port name): Envoy's http_inspector on the outbound
      // listener. HTTP/1 goes to the mesh's HTTP routes; anything else (TLS, h2, a
      // server-first protocol past the detection timeout) stays TCP with auto mTLS.
      return peekFirstBytes(client, sniffing.timeoutMs ?? detectionMs).then((first): boolean | Buffer => {
        if (first.kind === 'closed') {
          client.destroy();
          return true;
        }
        // The client's FIN came before the bytes decided: they are off the socket, the relay sends them.
        if (first.ended) return first.data;
        return first.kind === 'http1' && proxy.accept(service.port, client);
      });
    },
  };
}

function clientIp(client: Socket): string {
  return (client.remoteAddress ?? '').replace(/^::ffff:/i, '');
}

/** `namespace/name:port-name` → the port's name (empty for an unnamed port). */
function portNameOf(service: ListenerSpec): string {
  const colon = service.service.lastIndexOf(':');
  return colon < 0 ? '' : service.service.slice(colon + 1);
}
