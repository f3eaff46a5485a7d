/**
 * The service proxy's configuration: what to listen on and where each listener sends its
 * connections. The data plane never reads the API; a translator (src/runtime/proxy) builds
 * an immutable snapshot from Services and EndpointSlices and pushes it (design §3 rule 3).
 */
export interface Backend {
  address: string;
  port: number;
}

export interface ListenerSpec {
  address: string;
  port: number;
  /** `namespace/service:port` — for logs and errors. */
  service: string;
  /** Ready endpoints (or, when none is ready, the serving ones still terminating). */
  backends: readonly Backend[];
  /** ClientIP session affinity: the same client keeps its backend for this long. */
  affinityTimeoutSeconds?: number;
}

export interface ProxySnapshot {
  listeners: readonly ListenerSpec[];
}

export type BalancingStrategy = 'round-robin' | 'least-connections';

export function listenerKey(l: { address: string; port: number }): string {
  return `${l.address}:${l.port}`;
}

export function backendKey(b: Backend): string {
  return `${b.address}:${b.port}`;
}
