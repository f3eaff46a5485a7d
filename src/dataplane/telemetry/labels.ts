/**
 * Istio's standard metric labels, computed from a RequestRecord with Istio's value
 * conventions: `unknown` for anything the proxy could not learn, canonical revisions
 * defaulting to `latest`, response flags as Envoy's short string (`-` when none, several
 * joined by `,` in Envoy's fixed order), and an empty `grpc_response_status` for plain HTTP.
 */
import type { RequestRecord, ResponseFlag, WorkloadPeer } from '../request-record.ts';

/** Label names of the HTTP metrics, in the order the proxy prints them. */
export const HTTP_LABEL_NAMES = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'source_principal',
  'source_app',
  'source_version',
  'source_cluster',
  'destination_workload',
  'destination_workload_namespace',
  'destination_principal',
  'destination_app',
  'destination_version',
  'destination_service',
  'destination_service_name',
  'destination_service_namespace',
  'destination_cluster',
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
  'connection_security_policy',
  'source_canonical_service',
  'destination_canonical_service',
  'source_canonical_revision',
  'destination_canonical_revision',
] as const;

/**
 * The TCP metrics carry the same labels minus `response_code` and `grpc_response_status`:
 * Istio's stats filter never adds those two for a connection (there is no response).
 */
export const TCP_LABEL_NAMES = HTTP_LABEL_NAMES.filter(
  (n) => n !== 'response_code' && n !== 'grpc_response_status',
);

/** Envoy's order of response flags in `%RESPONSE_FLAGS%` (ResponseFlagUtils::CORE_RESPONSE_FLAGS). */
const FLAG_ORDER: readonly ResponseFlag[] = [
  'LH', 'UH', 'UT', 'LR', 'UR', 'UF', 'UC', 'UO', 'NR', 'DI', 'FI', 'RL', 'UAEX', 'RLSE',
  'DC', 'URX', 'SI', 'IH', 'DPE', 'UMSDR', 'DT', 'UPE', 'NC', 'OM', 'DF',
];
const FLAG_RANK = new Map<ResponseFlag, number>(FLAG_ORDER.map((f, i) => [f, i]));

/** `-` when no flag is set; otherwise the flags in Envoy's order, deduplicated, joined by `,`. */
export function responseFlagsString(flags: readonly ResponseFlag[]): string {
  if (flags.length === 0) return '-';
  if (flags.length === 1) return flags[0]!;
  const unique = [...new Set(flags)];
  unique.sort((a, b) => (FLAG_RANK.get(a) ?? 99) - (FLAG_RANK.get(b) ?? 99));
  return unique.join(',');
}

/**
 * Istio's `reporter`: "destination if the report is from a server Istio proxy and source if
 * it is from a client Istio proxy or a gateway" (Istio's standard-metrics reference).
 */
const reporterLabel = (r: RequestRecord): string => (r.reporter === 'destination' ? 'destination' : 'source');

/** Istio knows the security policy only on the server side; client sidecars and gateways report `unknown`. */
const securityPolicy = (r: RequestRecord): string => (r.reporter === 'destination' ? r.connectionSecurityPolicy : 'unknown');

const orUnknown = (v: string | undefined): string => (v ? v : 'unknown');
const orLatest = (v: string | undefined): string => (v ? v : 'latest');

/** Istio takes a peer's namespace from its SPIFFE ID when there is one (`…/ns/<ns>/sa/…`). */
function peerNamespace(peer: WorkloadPeer): string | undefined {
  if (peer.principal) {
    const at = peer.principal.indexOf('/ns/');
    if (at >= 0) {
      const rest = peer.principal.slice(at + 4);
      const end = rest.indexOf('/');
      const ns = end < 0 ? rest : rest.slice(0, end);
      if (ns) return ns;
    }
  }
  return peer.namespace;
}

function destinationServiceName(r: RequestRecord): string | undefined {
  if (r.destinationServiceName) return r.destinationServiceName;
  const host = r.destinationService;
  if (!host) return undefined;
  const dot = host.indexOf('.');
  return dot < 0 ? host : host.slice(0, dot);
}

function requestProtocol(r: RequestRecord): string {
  if (r.requestProtocol) return r.requestProtocol;
  return r.protocol === 'tcp' ? 'tcp' : 'http';
}

/** Label values of an HTTP record, aligned with HTTP_LABEL_NAMES. */
export function httpLabelValues(r: RequestRecord): string[] {
  const protocol = requestProtocol(r);
  return [
    reporterLabel(r),
    ...peerValues(r.source),
    ...destinationValues(r),
    protocol,
    String(r.responseCode ?? 0),
    // Istio leaves the gRPC status empty for plain HTTP (and for gRPC without a status).
    protocol === 'grpc' ? (r.grpcResponseStatus ?? '') : '',
    responseFlagsString(r.responseFlags),
    securityPolicy(r),
    ...canonicalValues(r),
  ];
}

/** Label values of a TCP record, aligned with TCP_LABEL_NAMES. */
export function tcpLabelValues(r: RequestRecord): string[] {
  return [
    reporterLabel(r),
    ...peerValues(r.source),
    ...destinationValues(r),
    'tcp',
    responseFlagsString(r.responseFlags),
    securityPolicy(r),
    ...canonicalValues(r),
  ];
}

/** workload, workload_namespace, principal, app, version, cluster. */
function peerValues(p: WorkloadPeer): string[] {
  return [
    orUnknown(p.workload),
    orUnknown(peerNamespace(p)),
    orUnknown(p.principal),
    orUnknown(p.app),
    orUnknown(p.version),
    orUnknown(p.cluster),
  ];
}

/**
 * The Host header a client sidecar's request names its service by when no cluster was behind
 * it (Istio's stats filter host-header fallback, off for gateways and server sidecars).
 */
export function serviceHostFallback(r: RequestRecord): string | undefined {
  return r.reporter === 'source' && !r.destinationService ? r.authority : undefined;
}

/** destination peer values, then service, service_name, service_namespace, cluster. */
function destinationValues(r: RequestRecord): string[] {
  const d = r.destination;
  // A client sidecar with no cluster behind the request (a fault abort, no route) names the
  // service after the request's Host, both labels, as Istio's stats filter falls back to it;
  // gateways and servers run with that fallback off. Else, with no known service host, the
  // destination's canonical service.
  const hostFallback = serviceHostFallback(r);
  const service = hostFallback ?? r.destinationService ?? d.canonicalService;
  return [
    orUnknown(d.workload),
    orUnknown(peerNamespace(d)),
    orUnknown(d.principal),
    orUnknown(d.app),
    orUnknown(d.version),
    orUnknown(service),
    orUnknown(hostFallback ?? destinationServiceName(r) ?? d.canonicalService),
    orUnknown(r.destinationServiceNamespace ?? d.namespace),
    orUnknown(d.cluster),
  ];
}

function canonicalValues(r: RequestRecord): string[] {
  return [
    orUnknown(r.source.canonicalService),
    orUnknown(r.destination.canonicalService),
    orLatest(r.source.canonicalRevision),
    orLatest(r.destination.canonicalRevision),
  ];
}
