/**
 * The compiled proxy configuration: what istiod would push to an Envoy (listeners, route
 * configurations, clusters), reduced to what skiff's proxies act on. Names follow Envoy's
 * and Istio's (`outbound|80|v1|reviews.bookinfo.svc.cluster.local`, `http.8080`) so that
 * messages and `skiff check` output read like istioctl's.
 */
import type { ScopedHost } from './host-match.ts';
import type { ServerCredential } from './credentials.ts';

// ── Listeners ────────────────────────────────────────────────────────────────────────

/** Node's names for TLS versions (`tls.createSecureContext` minVersion/maxVersion). */
export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface DownstreamTls {
  mode: 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL' | 'OPTIONAL_MUTUAL';
  /** Where the server certificate comes from: a Secret, or the workload's mesh certificate. */
  certificate: { source: 'secret'; credential: ServerCredential } | { source: 'mesh' } | { source: 'file'; certPath: string; keyPath: string; caPath?: string };
  requireClientCertificate: boolean;
  /** Ask for a client certificate (Node's `requestCert`); OPTIONAL_MUTUAL asks without requiring one. */
  requestClientCertificate: boolean;
  /** Client certificate SANs to accept (empty: any chaining to the CA). */
  subjectAltNames: string[];
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
  /** OpenSSL cipher names, as Node's `ciphers` option takes them joined with `:`. */
  cipherSuites?: string[];
  alpn: string[];
}

export interface GatewayServerRef {
  gateway: string; // namespace/name
  serverIndex: number;
  portName: string;
  /** The port number written in the Gateway (before translation). */
  serverPort: number;
  /** This server's hosts (a merged HTTP chain serves several servers' hosts). */
  hosts: ScopedHost[];
  /** `tls.httpsRedirect` on a plain HTTP server. */
  httpsRedirect?: boolean;
}

export type FilterChainKind =
  | 'http' // HTTP (plaintext or after TLS termination) routed by RDS `routeConfigName`
  | 'tcp' // bytes to the destination of a VirtualService `tcp` route
  | 'tls-passthrough' // TLS not terminated; routed by SNI via VirtualService `tls` routes
  | 'auto-passthrough'; // TLS not terminated; SNI `outbound_.<port>_.<subset>_.<host>` names the cluster

export interface FilterChain {
  kind: FilterChainKind;
  /** SNI names this chain answers (`*.example.com` allowed); empty: any (and no SNI). */
  serverNames: string[];
  tls?: DownstreamTls;
  routeConfigName?: string;
  /** Server hosts this chain serves, with the namespaces allowed to bind routes to them. */
  hosts: ScopedHost[];
  servers: GatewayServerRef[];
  /** Plain HTTP servers with `tls.httpsRedirect`: answer 301 to https for these hosts. */
  httpsRedirectHosts?: string[];
}

export type ListenerProtocol = 'HTTP' | 'HTTPS' | 'TLS' | 'TCP';

export interface ProxyListener {
  /** `0.0.0.0_8443`, as Envoy names listeners. */
  name: string;
  bind: string;
  port: number;
  protocol: ListenerProtocol;
  /** HTTP/2 (h2c) also accepted on a plaintext HTTP listener (HTTP2, GRPC servers). */
  http2: boolean;
  filterChains: FilterChain[];
}

// ── Routes ───────────────────────────────────────────────────────────────────────────

export type CompiledStringMatch =
  | { kind: 'exact'; value: string; ignoreCase?: boolean }
  | { kind: 'prefix'; value: string; ignoreCase?: boolean }
  | { kind: 'regex'; value: string; regex: RegExp }
  | { kind: 'present' };

export interface RouteMatch {
  name?: string;
  uri?: CompiledStringMatch;
  scheme?: CompiledStringMatch;
  method?: CompiledStringMatch;
  authority?: CompiledStringMatch;
  headers: { name: string; match: CompiledStringMatch; invert: boolean }[];
  queryParams: { name: string; match: CompiledStringMatch }[];
  port?: number;
  sourceLabels?: Readonly<Record<string, string>>;
  sourceNamespace?: string;
}

export interface HeaderMutation { set: Record<string, string>; add: Record<string, string>; remove: string[] }

export interface WeightedCluster {
  cluster: string;
  host: string;
  port: number;
  subset?: string;
  /** Normalised so that a route's weights add up to 100. */
  weight: number;
  requestHeaders?: HeaderMutation;
  responseHeaders?: HeaderMutation;
}

export interface RetryPolicy { attempts: number; perTryTimeoutMs?: number; retryOn: string[]; retriableStatusCodes: number[] }

export interface FaultPolicy {
  delay?: { fixedDelayMs: number; percentage: number };
  abort?: { httpStatus?: number; grpcStatus?: string; percentage: number };
}

export interface CorsSettings {
  allowOrigins: CompiledStringMatch[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
  allowCredentials?: boolean;
}

export type RouteAction =
  | {
      type: 'forward';
      clusters: WeightedCluster[];
      timeoutMs?: number;
      retries: RetryPolicy;
      rewrite?: { uriPrefix?: { matched: string; replacement: string }; uriRegex?: { regex: RegExp; replacement: string }; authority?: string };
      mirrors: { cluster: string; host: string; port: number; subset?: string; percentage: number }[];
      fault?: FaultPolicy;
      cors?: CorsSettings;
    }
  | { type: 'redirect'; status: number; uri?: string; authority?: string; port?: number; derivePort?: 'FROM_PROTOCOL_DEFAULT' | 'FROM_REQUEST_PORT'; scheme?: string }
  | { type: 'direct-response'; status: number; body?: string };

export interface CompiledRoute {
  /** `<vs-namespace>/<vs-name>` and the http rule index, for messages and `skiff check`. */
  origin: { virtualService: string; ruleIndex: number };
  name?: string;
  /** OR of match blocks; empty: matches every request. */
  matches: RouteMatch[];
  action: RouteAction;
  requestHeaders: HeaderMutation;
  responseHeaders: HeaderMutation;
}

export interface VirtualHost {
  name: string;
  domains: string[];
  routes: CompiledRoute[];
  /** Set for httpsRedirect servers: every request gets a 301 to https. */
  requireTls?: boolean;
}

export interface RouteConfiguration { name: string; virtualHosts: VirtualHost[] }

/** A VirtualService `tcp` or `tls` rule (or the default) for a TCP/TLS chain or a sidecar TCP port. */
export interface L4Route {
  /** `<vs-namespace>/<vs-name>` and rule index; empty for the default route. */
  origin: { virtualService: string; ruleIndex: number; kind: 'tcp' | 'tls' | 'default' };
  /** TLS rules: the SNI names it takes (wildcards allowed); empty: any. */
  sniHosts: string[];
  /** Destination address ranges it takes; empty: any. */
  destinationSubnets: string[];
  clusters: WeightedCluster[];
}

// ── Clusters ─────────────────────────────────────────────────────────────────────────

export interface Endpoint {
  address: string;
  port: number;
  labels: Readonly<Record<string, string>>;
  ready: boolean;
  /** `istio` when the endpoint has a sidecar (auto mTLS applies), else `disabled`. */
  tlsMode: 'istio' | 'disabled';
  serviceAccount?: string;
  namespace?: string;
  podName?: string;
  weight?: number;
}

export type UpstreamTlsMode = 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';

export interface UpstreamTls {
  mode: UpstreamTlsMode;
  /** Auto mTLS: ISTIO_MUTUAL only towards endpoints whose tlsMode is `istio`. */
  auto: boolean;
  sni?: string;
  subjectAltNames: string[];
  credentialName?: string;
  insecureSkipVerify?: boolean;
}

export interface ConnectionPoolSettings {
  maxConnections?: number;
  connectTimeoutMs?: number;
  maxConnectionDurationMs?: number;
  http1MaxPendingRequests?: number;
  http2MaxRequests?: number;
  maxRequestsPerConnection?: number;
  maxRetries?: number;
  idleTimeoutMs?: number;
}

export interface OutlierDetectionSettings {
  consecutive5xxErrors?: number;
  consecutiveGatewayErrors?: number;
  intervalMs: number;
  baseEjectionTimeMs: number;
  maxEjectionPercent: number;
  minHealthPercent: number;
}

export type LoadBalancerPolicy =
  | { type: 'simple'; algorithm: 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' | 'PASSTHROUGH' }
  | { type: 'consistent-hash'; key: { header: string } | { cookie: string; path?: string; ttlMs?: number } | { sourceIp: true } | { queryParameter: string } };

export interface Cluster {
  /** `outbound|<port>|<subset>|<host>`. */
  name: string;
  host: string;
  port: number;
  subset?: string;
  /** Istio's protocol of the service port (HTTP, HTTP2, GRPC, TCP, TLS, …). */
  protocol: string;
  /**
   * EDS: the endpoints listed; ORIGINAL_DST: connect where the client meant to (ServiceEntry
   * resolution NONE); STRICT_DNS / LOGICAL_DNS: resolve the endpoint names.
   */
  discovery: 'EDS' | 'ORIGINAL_DST' | 'STRICT_DNS' | 'LOGICAL_DNS' | 'STATIC';
  endpoints: Endpoint[];
  meshExternal: boolean;
  tls: UpstreamTls;
  loadBalancer: LoadBalancerPolicy;
  connectionPool: ConnectionPoolSettings;
  outlierDetection?: OutlierDetectionSettings;
  /** `namespace/name` of the DestinationRule that shaped it. */
  destinationRule?: string;
  /** The Service or ServiceEntry it was built from. */
  source: { kind: 'Service' | 'ServiceEntry'; namespace: string; name: string };
}

export function clusterName(port: number, subset: string | undefined, host: string): string {
  return `outbound|${port}|${subset ?? ''}|${host}`;
}
