/**
 * The mesh's service registry as istiod's aggregate controller presents it: Kubernetes
 * Services (hosts `<name>.<ns>.svc.cluster.local`, endpoints from EndpointSlices and their
 * pods) plus ServiceEntries (service-entries.ts). Routes look destinations up here and
 * clusters are built from it.
 */
import type { EndpointSlice, Service, ServicePort } from '../../api/builtin/core/service-view.ts';
import { SERVICE_NAME_LABEL } from '../../api/builtin/core/service-view.ts';
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { parseProtocol } from '../../api/mesh/istio/names.ts';
import { hostsMatch } from './host-match.ts';
import { DEFAULT_DOMAIN_SUFFIX } from './host-match.ts';
import type { Endpoint } from './model.ts';

export const TLS_MODE_LABEL = 'security.istio.io/tlsMode';
export const EXCLUDE_INBOUND_PORTS_ANNOTATION = 'traffic.sidecar.istio.io/excludeInboundPorts';
export const INCLUDE_INBOUND_PORTS_ANNOTATION = 'traffic.sidecar.istio.io/includeInboundPorts';
/** Ports istio-iptables never redirects inbound: the agent's health (15020/15021) and Envoy's stats (15090). */
export const AGENT_OWNED_PORTS: ReadonlySet<number> = new Set([15020, 15021, 15090]);
export const EXPORT_TO_ANNOTATION = 'networking.istio.io/exportTo';

export interface MeshServicePort {
  name: string;
  port: number;
  /** Istio protocol (HTTP, HTTP2, GRPC, TCP, TLS, …) or `AUTO` when it must be sniffed. */
  protocol: string;
  targetPort?: number;
}

export interface MeshService {
  host: string;
  namespace: string;
  name: string;
  kind: 'Service' | 'ServiceEntry';
  /** Creation time (ms) — older wins when two sources define one host. */
  createdAt: number;
  ports: MeshServicePort[];
  addresses: string[];
  /** CLIENT_SIDE_LB: endpoints listed; PASSTHROUGH: connect to the original destination; DNS*: resolve the addresses. */
  resolution: 'CLIENT_SIDE_LB' | 'PASSTHROUGH' | 'DNS' | 'DNS_ROUND_ROBIN';
  meshExternal: boolean;
  /** Namespaces that may see it; `*` for everyone, empty for no one. */
  exportTo: string[];
  /** Endpoints per service port number. */
  endpoints: Map<number, Endpoint[]>;
}

/** Ports istiod never sniffs (SMTP, DNS, MySQL, MongoDB): TCP unless named otherwise. */
const WELL_KNOWN_TCP_PORTS = new Set([25, 53, 3306, 27017]);
const APP_PROTOCOL_ALIASES: Readonly<Record<string, string>> = { 'kubernetes.io/h2c': 'HTTP2', 'kubernetes.io/ws': 'HTTP', 'kubernetes.io/wss': 'HTTPS' };

/**
 * Istio's protocol for a Service port (pkg/config/kube ConvertProtocol): `appProtocol`
 * when set, else the port name's prefix before the first `-` (`http`, `http2-web`,
 * `grpc-api`, `grpc-web…`, `tcp-db`); unknown → TCP on well-known ports, else AUTO (sniffed
 * by the proxy). UDP is never proxied.
 */
export function servicePortProtocol(port: { name?: string; protocol?: string; appProtocol?: string; port?: number }): string {
  if ((port.protocol ?? 'TCP') === 'UDP') return 'UDP';
  let name = port.appProtocol ?? port.name ?? '';
  if (port.appProtocol && APP_PROTOCOL_ALIASES[port.appProtocol]) return APP_PROTOCOL_ALIASES[port.appProtocol]!;
  if (name.toLowerCase().startsWith('grpc-web')) return 'GRPC-WEB';
  const dash = name.indexOf('-');
  if (dash >= 0) name = name.slice(0, dash);
  const parsed = parseProtocol(name);
  if (parsed !== 'Unsupported') return parsed.toUpperCase();
  return port.port !== undefined && WELL_KNOWN_TCP_PORTS.has(port.port) ? 'TCP' : 'AUTO';
}

/** `.` → the owner's namespace; absent → everyone. */
export function normalizeExportTo(exportTo: readonly string[] | undefined, namespace: string): string[] {
  if (!exportTo || exportTo.length === 0) return ['*'];
  if (exportTo.includes('~')) return [];
  return exportTo.map((e) => (e === '.' ? namespace : e));
}

export function visibleTo(exportTo: readonly string[], namespace: string): boolean {
  return exportTo.includes('*') || exportTo.includes(namespace);
}

function servicePortTarget(port: ServicePort): number | undefined {
  const t = port.targetPort ?? port.port;
  return typeof t === 'number' ? t : /^\d+$/.test(t) ? Number(t) : undefined;
}

function portList(value: string): Set<number> {
  return new Set(value.split(',').map((p) => Number(p.trim())).filter((n) => Number.isInteger(n) && n > 0));
}

/**
 * Whether a pod's sidecar captures inbound traffic to `port`, as istio-iptables is told by
 * the injected annotations: never an excluded port nor one the agent owns; with
 * `includeInboundPorts` a list (not `*`), only the listed ports.
 */
export function sidecarCapturesPort(pod: Pod, port: number): boolean {
  const annotations = pod.metadata.annotations ?? {};
  if (AGENT_OWNED_PORTS.has(port) || portList(annotations[EXCLUDE_INBOUND_PORTS_ANNOTATION] ?? '').has(port)) return false;
  const include = annotations[INCLUDE_INBOUND_PORTS_ANNOTATION];
  return include === undefined || include.trim() === '*' || portList(include).has(port);
}

/** Auto mTLS applies to an endpoint whose pod runs a sidecar that captures the endpoint's port. */
function endpointTlsMode(pod: Pod | undefined, port: number): Endpoint['tlsMode'] {
  return pod?.metadata.labels?.[TLS_MODE_LABEL] === 'istio' && sidecarCapturesPort(pod, port) ? 'istio' : 'disabled';
}

function podEndpoint(address: string, port: number, ready: boolean, pod: Pod | undefined, namespace: string): Endpoint {
  const labels = pod?.metadata.labels ?? {};
  const serviceAccount = typeof pod?.spec?.serviceAccountName === 'string' ? pod.spec.serviceAccountName : undefined;
  return {
    // The pod's own namespace (the activator behind a Knative Service lives in knative-serving).
    address, port, ready, labels, namespace: pod?.metadata.namespace ?? namespace,
    tlsMode: endpointTlsMode(pod, port),
    ...(serviceAccount ? { serviceAccount } : {}),
    ...(pod?.metadata.name ? { podName: pod.metadata.name } : {}),
  };
}

const addressIndexes = new WeakMap<readonly Pod[], Map<string, Pod>>();

/**
 * Pods by IP, for slices without a Pod targetRef (Knative's selectorless revision Services
 * are mirrored from Endpoints, and may point at the activator in another namespace): as
 * istiod's getPodByIP, across namespaces; a live pod holding the IP wins over a finished one.
 * Built once per pod list (one registry build), not per Service.
 */
function podsByAddress(pods: readonly Pod[]): Map<string, Pod> {
  let index = addressIndexes.get(pods);
  if (index) return index;
  index = new Map();
  for (const p of pods) {
    const live = p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp;
    for (const ip of [p.status?.podIP, ...(p.status?.podIPs ?? []).map((x) => x.ip)]) {
      if (ip && (live || !index.has(ip))) index.set(ip, p);
    }
  }
  addressIndexes.set(pods, index);
  return index;
}

/** A Kubernetes Service as a mesh service; its endpoints from the slices naming it. */
export function kubernetesService(svc: Service, slices: readonly EndpointSlice[], pods: readonly Pod[], domainSuffix = DEFAULT_DOMAIN_SUFFIX): MeshService {
  const namespace = svc.metadata.namespace ?? '';
  const name = svc.metadata.name ?? '';
  const ports: MeshServicePort[] = (svc.spec.ports ?? []).filter((p) => (p.protocol ?? 'TCP') !== 'UDP').map((p) => {
    const target = servicePortTarget(p);
    return { name: p.name ?? '', port: p.port, protocol: servicePortProtocol(p), ...(target !== undefined ? { targetPort: target } : {}) };
  });
  const ownSlices = slices.filter((s) => s.metadata.namespace === namespace && s.metadata.labels?.[SERVICE_NAME_LABEL] === name);
  const podByName = new Map(pods.filter((p) => p.metadata.namespace === namespace).map((p) => [p.metadata.name ?? '', p]));
  const podByAddress = podsByAddress(pods);
  const endpoints = new Map<number, Endpoint[]>();
  for (const port of ports) {
    const list: Endpoint[] = [];
    for (const slice of ownSlices) {
      const slicePort = (slice.ports ?? []).find((sp) => (sp.name ?? '') === port.name)?.port;
      if (slicePort === undefined) continue;
      for (const ep of slice.endpoints ?? []) {
        const named = ep.targetRef?.kind === 'Pod' ? podByName.get(ep.targetRef.name) : undefined;
        for (const address of ep.addresses) list.push(podEndpoint(address, slicePort, ep.conditions?.ready !== false, named ?? (ep.targetRef ? undefined : podByAddress.get(address)), namespace));
      }
    }
    endpoints.set(port.port, list);
  }
  // An ExternalName Service (Knative's per-ksvc Service points at knative-local-gateway) is
  // reached by resolving its external name, on its own ports.
  const externalName = svc.spec.type === 'ExternalName' ? svc.spec.externalName : undefined;
  if (externalName) {
    for (const port of ports) endpoints.set(port.port, [{ address: externalName, port: port.port, labels: {}, ready: true, tlsMode: 'disabled', namespace }]);
  }
  const clusterIps = (svc.spec.clusterIPs ?? (svc.spec.clusterIP ? [svc.spec.clusterIP] : [])).filter((ip) => ip !== 'None');
  const exportTo = svc.metadata.annotations?.[EXPORT_TO_ANNOTATION]?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return {
    host: `${name}.${namespace}.svc.${domainSuffix}`, namespace, name, kind: 'Service',
    createdAt: Date.parse(svc.metadata.creationTimestamp ?? '') || 0,
    ports, addresses: clusterIps,
    // A headless Service (no cluster IP) is reached at the address the client resolved.
    resolution: externalName ? 'DNS' : clusterIps.length === 0 ? 'PASSTHROUGH' : 'CLIENT_SIDE_LB',
    meshExternal: false,
    exportTo: normalizeExportTo(exportTo, namespace),
    endpoints,
  };
}

export class ServiceRegistry {
  readonly services: readonly MeshService[];

  constructor(services: readonly MeshService[]) {
    // Kubernetes Services before ServiceEntries, then oldest first: istiod's precedence on a shared host.
    this.services = [...services].sort((a, b) => (a.kind === b.kind ? a.createdAt - b.createdAt : a.kind === 'Service' ? -1 : 1));
  }

  /** The service for `host` that `fromNamespace` can see (exact host first, then wildcard ServiceEntries). */
  lookup(host: string, fromNamespace: string): MeshService | undefined {
    const visible = this.services.filter((s) => visibleTo(s.exportTo, fromNamespace) || s.namespace === fromNamespace);
    return visible.find((s) => s.host === host) ?? visible.find((s) => s.host.startsWith('*') && hostsMatch(s.host, host));
  }

  visibleFrom(namespace: string): MeshService[] {
    return this.services.filter((s) => visibleTo(s.exportTo, namespace) || s.namespace === namespace);
  }
}
