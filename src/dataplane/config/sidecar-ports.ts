/**
 * Which inbound ports a sidecar captures, and how (what istio-iptables/istio-cni decide from
 * the pod's `traffic.sidecar.istio.io/*` annotations, plus the per-port mTLS mode istiod's
 * inbound listener enforces). skiff has no iptables: a captured port is one the node proxy
 * listens on at the pod IP while the app binds its inner address, so capture must name every
 * port explicitly — the app's declared container ports, the ports Services deliver to, and
 * the ports the app is seen listening on.
 *
 * - `includeInboundPorts`: absent or `*` captures every known port; a list captures only
 *   those (listed ports get a listener even if nothing declares them, as iptables would
 *   redirect them); an empty string captures nothing (Istio: "an empty list disables all
 *   inbound redirection").
 * - `excludeInboundPorts`: never captured. In Istio the pod IP reaches the app directly on an
 *   uncaptured port; in skiff the app is on its inner address, so every uncaptured port
 *   (excluded, or known but left out of an include list) becomes an EXCLUDED port: a plain
 *   byte relay. The proxy's own ports are neither: the istio-proxy agent binds them itself.
 */
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import type { MtlsMode } from './peer-authentication.ts';
import type { SidecarInbound } from './sidecar-inbound.ts';

export type InboundPortMode = MtlsMode | 'EXCLUDED';

export interface InboundPortPlan {
  port: number;
  mode: InboundPortMode;
  /** Istio protocol: HTTP, HTTP2, GRPC, TCP, TLS, … or AUTO (sniff the first bytes). */
  protocol: string;
  /** `<host>:<service port>` of the Services delivering here (telemetry's destination_service). */
  services?: string[];
  /**
   * How long the port waits for a client's first bytes (mTLS or plaintext, and the protocol
   * where it sniffs): the mesh's protocolDetectionTimeout; 0 waits however long; absent, the
   * proxy's default.
   */
  detectionTimeoutMs?: number;
}

export interface PlanInput {
  pod: Pod;
  inbound: Pick<SidecarInbound, 'ports'>;
  /** Ports the app listens on at its inner address (listening-ports.ts). */
  listening: readonly number[];
  modeOf(port: number): MtlsMode;
  /** Sniff the protocol of a port no Service names (Istio's default); Maistra turns it off: TCP. */
  sniff?: boolean;
  /** The mesh's protocolDetectionTimeout, for every captured port (InboundPortPlan.detectionTimeoutMs). */
  detectionTimeoutMs?: number;
}

/** Envoy's and the agent's own ports (Istio's reserved proxy ports): never captured nor relayed. */
export const PROXY_PORTS: ReadonlySet<number> = new Set([15000, 15001, 15004, 15006, 15008, 15020, 15021, 15053, 15090]);

const INCLUDE = 'traffic.sidecar.istio.io/includeInboundPorts';
const EXCLUDE = 'traffic.sidecar.istio.io/excludeInboundPorts';

/** A comma-separated port list; anything that is not a port number is ignored. */
export function parsePortList(value: string): number[] {
  const out: number[] = [];
  for (const part of value.split(',')) {
    const text = part.trim();
    if (!/^\d+$/.test(text)) continue;
    const n = Number(text);
    if (n >= 1 && n <= 65535 && !out.includes(n)) out.push(n);
  }
  return out;
}

type Inclusion = { all: true } | { all: false; ports: number[] };

function inclusionOf(annotation: string | undefined): Inclusion {
  if (annotation === undefined || annotation.trim() === '*') return { all: true };
  return { all: false, ports: parsePortList(annotation) };
}

function declaredPorts(pod: Pod): number[] {
  const out: number[] = [];
  for (const c of pod.spec?.containers ?? []) {
    if (c.name === 'istio-proxy') continue;
    for (const p of c.ports ?? []) if ((p.protocol ?? 'TCP') !== 'UDP' && p.containerPort > 0) out.push(p.containerPort);
  }
  return out;
}

function inboundProtocol(protocol: string, sniff: boolean): string {
  return protocol === 'AUTO' && !sniff ? 'TCP' : protocol;
}

export function planInboundPorts(input: PlanInput): InboundPortPlan[] {
  const annotations = input.pod.metadata.annotations ?? {};
  const excluded = new Set(parsePortList(annotations[EXCLUDE] ?? ''));
  const inclusion = inclusionOf(annotations[INCLUDE]);
  const byService = new Map(input.inbound.ports.map((p) => [p.port, p]));
  const known = new Set<number>([...declaredPorts(input.pod), ...byService.keys(), ...input.listening]);
  const captured = inclusion.all ? known : new Set(inclusion.ports);

  const plans = new Map<number, InboundPortPlan>();
  for (const port of new Set([...known, ...captured, ...excluded])) {
    if (PROXY_PORTS.has(port)) continue;
    if (excluded.has(port) || !captured.has(port)) {
      // Not captured: in Istio the pod IP reaches the app directly; here a plain relay does.
      plans.set(port, { port, mode: 'EXCLUDED', protocol: 'TCP' });
      continue;
    }
    const service = byService.get(port);
    plans.set(port, {
      port,
      mode: service?.mtlsMode ?? input.modeOf(port),
      // A port of unknown protocol (no Service names it, or its name says none) goes through
      // Istio's virtual inbound chain: sniffed, unless sniffing is off (Maistra's default): TCP.
      protocol: inboundProtocol(service?.protocol ?? 'AUTO', input.sniff ?? true),
      ...(service ? { services: [...service.services] } : {}),
      ...(input.detectionTimeoutMs !== undefined ? { detectionTimeoutMs: input.detectionTimeoutMs } : {}),
    });
  }
  return [...plans.values()].sort((a, b) => a.port - b.port);
}
