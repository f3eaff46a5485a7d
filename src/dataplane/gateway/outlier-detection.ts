/**
 * DestinationRule `outlierDetection` as Envoy's outlier detector applies it to a gateway's
 * upstream endpoints: consecutive 5xx answers (`consecutive5xxErrors`) or consecutive
 * 502/503/504 and connection failures (`consecutiveGatewayErrors`) eject the endpoint for
 * `baseEjectionTime` × the number of times it was ejected; at most `maxEjectionPercent` of
 * a cluster's endpoints are out at once (at least one may be). Ejected endpoints are skipped
 * while others are ready; with every endpoint ejected all are used again (Envoy's panic).
 */
import type { Cluster } from '../config/model.ts';
import type { RequestRecord } from '../request-record.ts';

interface HostState { consecutive5xx: number; consecutiveGateway: number; ejections: number; ejectedUntil: number }

const GATEWAY_CODES = new Set([502, 503, 504]);
const CONNECT_FLAGS = new Set(['UF', 'UC', 'UPE', 'UT']);

export class OutlierTracker {
  readonly #hosts = new Map<string, HostState>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Feeds one finished request; `cluster` is the compiled cluster it went to. */
  observe(cluster: Cluster | undefined, record: RequestRecord): void {
    const od = cluster?.outlierDetection;
    if (!cluster || !od || !record.upstreamHost) return;
    const key = `${cluster.name} ${record.upstreamHost}`;
    let state = this.#hosts.get(key);
    if (!state) this.#hosts.set(key, (state = { consecutive5xx: 0, consecutiveGateway: 0, ejections: 0, ejectedUntil: 0 }));
    const connectFailure = record.responseFlags.some((f) => CONNECT_FLAGS.has(f));
    const code = record.responseCode ?? 0;
    const is5xx = connectFailure || code >= 500;
    const isGateway = connectFailure || GATEWAY_CODES.has(code);
    state.consecutive5xx = is5xx ? state.consecutive5xx + 1 : 0;
    state.consecutiveGateway = isGateway ? state.consecutiveGateway + 1 : 0;
    const tripped = (od.consecutive5xxErrors !== undefined && od.consecutive5xxErrors > 0 && state.consecutive5xx >= od.consecutive5xxErrors)
      || (od.consecutiveGatewayErrors !== undefined && od.consecutiveGatewayErrors > 0 && state.consecutiveGateway >= od.consecutiveGatewayErrors);
    if (!tripped || this.isEjected(cluster, record.upstreamHost)) return;
    const total = cluster.endpoints.length;
    const ejectedNow = cluster.endpoints.filter((e) => this.isEjected(cluster, `${e.address}:${e.port}`)).length;
    if (ejectedNow > 0 && ((ejectedNow + 1) * 100) / total > od.maxEjectionPercent) return;
    state.ejections += 1;
    state.ejectedUntil = this.now() + od.baseEjectionTimeMs * state.ejections;
    state.consecutive5xx = 0;
    state.consecutiveGateway = 0;
  }

  isEjected(cluster: Cluster, hostPort: string): boolean {
    const state = this.#hosts.get(`${cluster.name} ${hostPort}`);
    return state !== undefined && state.ejectedUntil > this.now();
  }
}
