/**
 * The Istio object shapes the compilers read, as typed views over parsed JSON. Every field
 * is optional: objects reach the data plane after API validation, but a compiler must never
 * crash on a half-filled object (defaults are applied where the compilers read them).
 */
import type { KubeObject } from '../../api/object.ts';

export type Labels = Readonly<Record<string, string>>;

export interface StringMatch { exact?: string; prefix?: string; regex?: string }

export interface PortSelector { number?: number }

export interface Destination { host?: string; subset?: string; port?: PortSelector }

export interface HeaderOperations { set?: Record<string, string>; add?: Record<string, string>; remove?: string[] }
export interface Headers { request?: HeaderOperations; response?: HeaderOperations }

export interface HttpRouteDestination { destination?: Destination; weight?: number; headers?: Headers }

export interface HttpMatchRequest {
  name?: string;
  uri?: StringMatch;
  scheme?: StringMatch;
  method?: StringMatch;
  authority?: StringMatch;
  headers?: Record<string, StringMatch>;
  withoutHeaders?: Record<string, StringMatch>;
  queryParams?: Record<string, StringMatch>;
  port?: number;
  sourceLabels?: Record<string, string>;
  sourceNamespace?: string;
  gateways?: string[];
  ignoreUriCase?: boolean;
}

export interface Percent { value?: number }

export interface HttpFaultInjection {
  delay?: { fixedDelay?: string; percentage?: Percent; percent?: number };
  abort?: { httpStatus?: number; grpcStatus?: string; percentage?: Percent };
}

export interface HttpRetry { attempts?: number; perTryTimeout?: string; retryOn?: string; retryRemoteLocalities?: boolean }

export interface CorsPolicy {
  allowOrigins?: StringMatch[];
  allowOrigin?: string[];
  allowMethods?: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  maxAge?: string;
  allowCredentials?: boolean;
}

export interface HttpRoute {
  name?: string;
  match?: HttpMatchRequest[];
  route?: HttpRouteDestination[];
  redirect?: { uri?: string; authority?: string; port?: number; derivePort?: string; scheme?: string; redirectCode?: number };
  directResponse?: { status?: number; body?: { string?: string; bytes?: string } };
  delegate?: { name?: string; namespace?: string };
  rewrite?: { uri?: string; authority?: string; uriRegexRewrite?: { match?: string; rewrite?: string } };
  timeout?: string;
  retries?: HttpRetry;
  fault?: HttpFaultInjection;
  mirror?: Destination;
  mirrorPercentage?: Percent;
  mirrorPercent?: number;
  mirrors?: { destination?: Destination; percentage?: Percent }[];
  corsPolicy?: CorsPolicy;
  headers?: Headers;
}

export interface L4Match { destinationSubnets?: string[]; port?: number; sourceLabels?: Record<string, string>; gateways?: string[]; sourceNamespace?: string; sniHosts?: string[] }
export interface L4RouteRule { match?: L4Match[]; route?: { destination?: Destination; weight?: number }[] }

export interface VirtualServiceSpec { hosts?: string[]; gateways?: string[]; http?: HttpRoute[]; tls?: L4RouteRule[]; tcp?: L4RouteRule[]; exportTo?: string[] }

export interface ServerTls {
  httpsRedirect?: boolean;
  mode?: string;
  credentialName?: string;
  serverCertificate?: string;
  privateKey?: string;
  caCertificates?: string;
  subjectAltNames?: string[];
  minProtocolVersion?: string;
  maxProtocolVersion?: string;
  cipherSuites?: string[];
}

export interface GatewayServer { port?: { number?: number; name?: string; protocol?: string; targetPort?: number }; bind?: string; hosts?: string[]; tls?: ServerTls; name?: string }
export interface GatewaySpec { selector?: Record<string, string>; servers?: GatewayServer[] }

export interface ClientTls { mode?: string; credentialName?: string; sni?: string; subjectAltNames?: string[]; insecureSkipVerify?: boolean; clientCertificate?: string; privateKey?: string; caCertificates?: string }
export interface ConnectionPool {
  tcp?: { maxConnections?: number; connectTimeout?: string; maxConnectionDuration?: string; tcpKeepalive?: Record<string, unknown> };
  http?: { http1MaxPendingRequests?: number; http2MaxRequests?: number; maxRequestsPerConnection?: number; maxRetries?: number; idleTimeout?: string; h2UpgradePolicy?: string; maxConcurrentStreams?: number };
}
export interface OutlierDetection {
  consecutiveErrors?: number; consecutive5xxErrors?: number; consecutiveGatewayErrors?: number;
  interval?: string; baseEjectionTime?: string; maxEjectionPercent?: number; minHealthPercent?: number;
}
export interface LoadBalancerSettings {
  simple?: string;
  consistentHash?: { httpHeaderName?: string; httpCookie?: { name?: string; path?: string; ttl?: string }; useSourceIp?: boolean; httpQueryParameterName?: string; minimumRingSize?: number };
}
export interface TrafficPolicy {
  loadBalancer?: LoadBalancerSettings;
  connectionPool?: ConnectionPool;
  outlierDetection?: OutlierDetection;
  tls?: ClientTls;
  portLevelSettings?: (Omit<TrafficPolicy, 'portLevelSettings'> & { port?: PortSelector })[];
}
export interface Subset { name?: string; labels?: Record<string, string>; trafficPolicy?: TrafficPolicy }
export interface DestinationRuleSpec { host?: string; trafficPolicy?: TrafficPolicy; subsets?: Subset[]; exportTo?: string[]; workloadSelector?: { matchLabels?: Record<string, string> } }

export interface ServiceEntryPort { number?: number; protocol?: string; name?: string; targetPort?: number }
export interface WorkloadEntrySpec { address?: string; ports?: Record<string, number>; labels?: Record<string, string>; network?: string; locality?: string; weight?: number; serviceAccount?: string }
export interface ServiceEntrySpec {
  hosts?: string[]; addresses?: string[]; ports?: ServiceEntryPort[]; location?: string; resolution?: string;
  endpoints?: WorkloadEntrySpec[]; workloadSelector?: { labels?: Record<string, string> }; exportTo?: string[]; subjectAltNames?: string[];
}

export interface AuthzSource {
  principals?: string[]; notPrincipals?: string[]; requestPrincipals?: string[]; notRequestPrincipals?: string[];
  namespaces?: string[]; notNamespaces?: string[]; ipBlocks?: string[]; notIpBlocks?: string[]; remoteIpBlocks?: string[]; notRemoteIpBlocks?: string[];
}
export interface AuthzOperation { hosts?: string[]; notHosts?: string[]; ports?: string[]; notPorts?: string[]; methods?: string[]; notMethods?: string[]; paths?: string[]; notPaths?: string[] }
export interface AuthzCondition { key?: string; values?: string[]; notValues?: string[] }
export interface AuthzRule { from?: { source?: AuthzSource }[]; to?: { operation?: AuthzOperation }[]; when?: AuthzCondition[] }
export interface PolicyTargetReference { group?: string; kind?: string; name?: string; namespace?: string }
export interface AuthorizationPolicySpec {
  selector?: { matchLabels?: Record<string, string> };
  targetRef?: PolicyTargetReference;
  targetRefs?: PolicyTargetReference[];
  action?: string;
  provider?: { name?: string };
  rules?: AuthzRule[] | null;
}

export interface IstioObject<Spec> extends KubeObject { spec?: Spec }
export type Gateway = IstioObject<GatewaySpec>;
export type VirtualService = IstioObject<VirtualServiceSpec>;
export type DestinationRule = IstioObject<DestinationRuleSpec>;
export type ServiceEntry = IstioObject<ServiceEntrySpec>;
export type AuthorizationPolicy = IstioObject<AuthorizationPolicySpec>;

/** A Secret as the credential fetcher reads it: base64 `data` (and `stringData` before the API server folds it). */
export interface Secret extends KubeObject { type?: string; data?: Record<string, string>; stringData?: Record<string, string> }
