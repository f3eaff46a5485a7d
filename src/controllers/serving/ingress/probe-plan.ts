/**
 * What to probe before a KIngress is LoadBalancerReady (knative/networking pkg/status,
 * pure): every pod of every gateway the ingress's rules use, on the port that gateway's proxy
 * listens on for a server that serves the host, once per host. In skiff the gateway proxies
 * listen on the pod IP at the Gateway server's port as translated by the Service in front of
 * the pods (dataplane/config/port-translation.ts), so the probe reaches exactly the listener a
 * real request would.
 *
 * Servers that need a client certificate are not probed: ISTIO_MUTUAL would need a mesh
 * workload certificate, which this controller (outside the mesh, in skiff's process) does not
 * hold yet; MUTUAL would need the user's client CA. A gateway left with no probeable server
 * counts as ready — as upstream, where net-istio's prober also skips what it cannot reach.
 */
import type { KubeObject } from '../../../api/object.ts';
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import type { Service } from '../../../api/builtin/core/service-view.ts';
import { selectorMatches } from '../../../dataplane/config/config-order.ts';
import { parseGatewayHost } from '../../../dataplane/config/host-match.ts';
import { resolveGatewayPort, servicesSelecting } from '../../../dataplane/config/port-translation.ts';
import { gatewayWorkloadOf, isGatewayPod } from '../../../dataplane/gateway/workload.ts';

export interface ProbeTarget {
  /** The gateway (`ns/name`) and pod, for messages. */
  gateway: string;
  pod: string;
  address: string;
  port: number;
  tls: boolean;
  host: string;
}

export interface ProbePlan {
  targets: ProbeTarget[];
  /** Why the ingress cannot be probed yet (a gateway or its pods missing); empty when it can. */
  waiting: string[];
}

interface GatewayServer {
  hosts?: string[];
  port?: { number?: number; protocol?: string };
  tls?: { mode?: string; httpsRedirect?: boolean };
}

export interface ProbeInput {
  /** Hosts to probe per gateway (`ns/name`): the hosts of the rules bound to it. */
  hostsByGateway: ReadonlyMap<string, readonly string[]>;
  gateways: readonly KubeObject[];
  pods: readonly Pod[];
  services: readonly Service[];
}

/** Whether a Gateway server host (`*`, `*.example.com`, `example.com`, with `ns/` scope) covers the host. */
export function serverHostCovers(entry: string, gatewayNamespace: string, host: string): boolean {
  const { host: pattern } = parseGatewayHost(entry, gatewayNamespace);
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

/** HTTP or SIMPLE-TLS servers only, see above; also no https redirects (they answer 301). */
function probeable(server: GatewayServer): { tls: boolean } | undefined {
  const protocol = (server.port?.protocol ?? '').toUpperCase();
  if ((protocol === 'HTTP' || protocol === 'HTTP2') && !server.tls?.httpsRedirect) return { tls: false };
  if (protocol === 'HTTPS' && (server.tls?.mode ?? 'SIMPLE') === 'SIMPLE') return { tls: true };
  return undefined;
}

function podIsServing(pod: Pod): boolean {
  return !pod.metadata.deletionTimestamp && pod.status?.phase === 'Running' && !!pod.status.podIP && isGatewayPod(pod);
}

export function planProbes(input: ProbeInput): ProbePlan {
  const targets: ProbeTarget[] = [];
  const waiting: string[] = [];
  for (const [qualified, hosts] of input.hostsByGateway) {
    if (hosts.length === 0) continue;
    const [ns, name] = qualified.split('/');
    const gw = input.gateways.find((g) => g.metadata.namespace === ns && g.metadata.name === name);
    if (!gw) {
      waiting.push(`gateway ${qualified} does not exist`);
      continue;
    }
    const spec = (gw.spec ?? {}) as { selector?: Record<string, string>; servers?: GatewayServer[] };
    const pods = input.pods.filter((p) => podIsServing(p) && selectorMatches(spec.selector, p.metadata.labels ?? {}));
    if (pods.length === 0) {
      waiting.push(`gateway ${qualified} has no running pods`);
      continue;
    }
    for (const host of hosts) {
      const server = (spec.servers ?? []).find((s) => (s.hosts ?? []).some((h) => serverHostCovers(h, ns!, host)) && probeable(s));
      if (!server) continue;
      const tls = probeable(server)!.tls;
      for (const pod of pods) {
        const workload = gatewayWorkloadOf(pod);
        const selecting = servicesSelecting(input.services, workload.namespace, workload.labels);
        const { listenPort } = resolveGatewayPort(server.port?.number ?? (tls ? 443 : 80), selecting, workload.namedPorts);
        targets.push({ gateway: qualified, pod: `${pod.metadata.namespace}/${pod.metadata.name}`, address: pod.status!.podIP!, port: listenPort, tls, host });
      }
    }
  }
  return { targets, waiting };
}
