/**
 * A DestinationRule traffic policy as cluster settings: load balancing (Istio's default
 * is LEAST_REQUEST), connection pool limits, outlier detection (with Envoy's defaults for
 * unset fields) and upstream TLS — explicit, or auto mTLS (ISTIO_MUTUAL towards endpoints
 * that run a sidecar, plaintext to the rest) when the rule says nothing about TLS.
 */
import { parseDurationMs } from '../../api/mesh/istio/names.ts';
import type { TrafficPolicy } from './istio-specs.ts';
import type { ConnectionPoolSettings, LoadBalancerPolicy, OutlierDetectionSettings, UpstreamTls, UpstreamTlsMode } from './model.ts';

/** Istio's mesh default connectTimeout. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

function ms(value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseDurationMs(value);
}

function defined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

export function loadBalancerOf(policy: TrafficPolicy): LoadBalancerPolicy {
  const lb = policy.loadBalancer;
  const hash = lb?.consistentHash;
  if (hash) {
    if (hash.httpHeaderName) return { type: 'consistent-hash', key: { header: hash.httpHeaderName.toLowerCase() } };
    if (hash.httpCookie?.name) {
      const ttlMs = ms(hash.httpCookie.ttl);
      return { type: 'consistent-hash', key: defined({ cookie: hash.httpCookie.name, path: hash.httpCookie.path, ttlMs }) };
    }
    if (hash.httpQueryParameterName) return { type: 'consistent-hash', key: { queryParameter: hash.httpQueryParameterName } };
    if (hash.useSourceIp) return { type: 'consistent-hash', key: { sourceIp: true } };
  }
  const simple = lb?.simple === 'LEAST_CONN' ? 'LEAST_REQUEST' : lb?.simple;
  if (simple === 'ROUND_ROBIN' || simple === 'RANDOM' || simple === 'PASSTHROUGH' || simple === 'LEAST_REQUEST') return { type: 'simple', algorithm: simple };
  return { type: 'simple', algorithm: 'LEAST_REQUEST' };
}

export function connectionPoolOf(policy: TrafficPolicy): ConnectionPoolSettings {
  const tcp = policy.connectionPool?.tcp;
  const http = policy.connectionPool?.http;
  return defined({
    maxConnections: tcp?.maxConnections,
    connectTimeoutMs: ms(tcp?.connectTimeout) ?? DEFAULT_CONNECT_TIMEOUT_MS,
    maxConnectionDurationMs: ms(tcp?.maxConnectionDuration),
    http1MaxPendingRequests: http?.http1MaxPendingRequests,
    http2MaxRequests: http?.http2MaxRequests,
    maxRequestsPerConnection: http?.maxRequestsPerConnection,
    maxRetries: http?.maxRetries,
    idleTimeoutMs: ms(http?.idleTimeout),
  });
}

export function outlierDetectionOf(policy: TrafficPolicy): OutlierDetectionSettings | undefined {
  const od = policy.outlierDetection;
  if (!od) return undefined;
  // The deprecated consecutiveErrors counted gateway errors (502/503/504).
  const gateway = od.consecutiveGatewayErrors ?? (od.consecutiveErrors !== undefined && od.consecutive5xxErrors === undefined ? od.consecutiveErrors : undefined);
  return defined({
    consecutive5xxErrors: od.consecutive5xxErrors ?? (gateway === undefined ? 5 : undefined),
    consecutiveGatewayErrors: gateway,
    intervalMs: ms(od.interval) ?? 10_000,
    baseEjectionTimeMs: ms(od.baseEjectionTime) ?? 30_000,
    maxEjectionPercent: od.maxEjectionPercent ?? 10,
    minHealthPercent: od.minHealthPercent ?? 0,
  });
}

/** The SNI Istio's mTLS uses towards a cluster: `outbound_.<port>_.<subset>_.<host>`. */
export function istioMtlsSni(port: number, subset: string | undefined, host: string): string {
  return `outbound_.${port}_.${subset ?? ''}_.${host}`;
}

export function upstreamTlsOf(policy: TrafficPolicy, meshExternal: boolean, port: number, subset: string | undefined, host: string, autoMtls = true): UpstreamTls {
  const tls = policy.tls;
  const mode = tls?.mode as UpstreamTlsMode | undefined;
  if (mode === undefined) {
    // Auto mTLS never applies to services outside the mesh, nor when the mesh turned it off.
    return meshExternal || !autoMtls ? { mode: 'DISABLE', auto: false, subjectAltNames: [] } : { mode: 'ISTIO_MUTUAL', auto: true, sni: istioMtlsSni(port, subset, host), subjectAltNames: [] };
  }
  const base = { mode, auto: false, subjectAltNames: [...(tls?.subjectAltNames ?? [])] };
  if (mode === 'ISTIO_MUTUAL') return { ...base, sni: tls?.sni ?? istioMtlsSni(port, subset, host) };
  if (mode === 'DISABLE') return base;
  return defined({ ...base, sni: tls?.sni, credentialName: tls?.credentialName, insecureSkipVerify: tls?.insecureSkipVerify });
}
