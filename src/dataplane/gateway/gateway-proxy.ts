/**
 * One gateway proxy instance: what Envoy is inside an `istio-ingressgateway` pod, run by
 * skiff's node proxy on the pod's IP. `apply` takes H2's compiled ProxyConfig: ports are
 * opened as listeners appear (a port that cannot be bound is a problem, retried on the next
 * apply, never a crash), updated in place, closed as they disappear. Every request and
 * connection is reported to the proxy's telemetry; its Istio metrics are served on
 * :15090 `/stats/prometheus` when the pod has that port free. Upstream connections leave
 * from the pod's IP; towards sidecars (auto mTLS, ISTIO_MUTUAL) they present `mesh`, the
 * gateway's workload certificate, so `apply` needs one whenever a cluster originates mTLS.
 */
import type { Socket } from 'node:net';
import type { Server } from 'node:http';
import { UpstreamPool } from '../http1/index.ts';
import type { ProxyConfig } from '../config/compile-proxy.ts';
import type { Cluster, L4Route, RouteConfiguration } from '../config/model.ts';
import { ProxyTelemetry } from '../telemetry/proxy-telemetry.ts';
import { closeStatsServer, openStatsServer } from '../telemetry/stats-endpoint.ts';
import { GatewayPort } from './gateway-port.ts';
import type { MeshIdentity } from './tls-options.ts';
import type { AuthzScope } from './http-routing.ts';
import type { RequestRecord, WorkloadPeer } from '../request-record.ts';
import { OutlierTracker } from './outlier-detection.ts';
import { originatesIstioMutual } from './upstream-tls.ts';

export interface GatewayProxyOptions {
  /** The pod's IP: every listener binds here. */
  address: string;
  /** How long a replaced chain's connections may finish (terminationDrainDuration). */
  chainDrainMs?: number;
  telemetry?: ProxyTelemetry;
  /** The gateway's own workload: Istio's source labels for a gateway's reports. */
  self?: WorkloadPeer;
  /**
   * `outbound`: a meshed pod's sidecar outbound, fed connections by the service proxy
   * (`accept`) instead of listening — its ports are the Services' ports the pod calls, and
   * the pod's inbound sidecar already holds them on its IP. Reports as `source`; no stats port.
   */
  mode?: 'gateway' | 'outbound';
}

export interface ApplyResult {
  /** Ports listening now. */
  ports: number[];
  /** What could not be applied: unbindable ports, chains without a usable certificate. */
  problems: string[];
}

export class GatewayProxy {
  readonly telemetry: ProxyTelemetry;
  readonly #pool = new UpstreamPool({ idleTimeoutMs: 60_000 });
  readonly #ports = new Map<number, GatewayPort>();
  readonly #outliers = new OutlierTracker();
  #clusters: ReadonlyMap<string, Cluster> = new Map();
  #stats: Server | undefined;
  #statsTried = false;
  #stopped = false;
  #inFlight = 0;

  constructor(private readonly opts: GatewayProxyOptions) {
    this.telemetry = opts.telemetry ?? new ProxyTelemetry();
  }

  get address(): string {
    return this.opts.address;
  }

  /** `authz`: the workload and root namespace AuthorizationPolicies are evaluated for (none: not enforced). */
  async apply(config: ProxyConfig, mesh: MeshIdentity | undefined, authz?: Omit<AuthzScope, 'policies'>): Promise<ApplyResult> {
    const problems: string[] = [];
    if (this.#stopped) return { ports: [], problems };
    const routeConfigs = new Map<string, RouteConfiguration>(config.routeConfigs.map((r) => [r.name, r]));
    const clusters = new Map<string, Cluster>(config.clusters.map((c) => [c.name, c]));
    this.#clusters = clusters;
    const wanted = new Set<number>();
    if (!mesh && originatesIstioMutual(config.clusters)) {
      problems.push('upstream mTLS (ISTIO_MUTUAL, or auto mTLS to pods with sidecars) needs the gateway\'s mesh certificate, and the mesh CA is not available yet: those requests fail 503 UF');
    }
    const authzScope: AuthzScope | undefined = authz && config.authorizationPolicies.length > 0 ? { ...authz, policies: config.authorizationPolicies } : undefined;
    for (const listener of config.listeners) {
      wanted.add(listener.port);
      const l4Routes = new Map<number, L4Route[]>();
      for (const t of config.l4Routes) if (t.listener === listener.name && t.chainIndex !== undefined) l4Routes.set(t.chainIndex, t.routes);
      let port = this.#ports.get(listener.port);
      if (!port) {
        const candidate = new GatewayPort(this.opts.address, listener.port, { pool: this.#pool, onRecord: (r) => this.#finished(r), onRequest: () => void this.#inFlight++, chainDrainMs: this.opts.chainDrainMs ?? 5_000, recordBase: { reporter: this.opts.mode === 'outbound' ? 'source' : 'gateway', source: this.opts.self ?? {} } });
        try {
          if (this.opts.mode !== 'outbound') await candidate.listen();
        } catch (err) {
          problems.push(`listener ${listener.name}: cannot listen on ${this.opts.address}:${listener.port}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
          continue;
        }
        port = candidate;
        this.#ports.set(listener.port, port);
      }
      problems.push(...port.update({ listener, routeConfigs, l4Routes, clusters, mesh, outliers: this.#outliers, ...(authzScope ? { authz: authzScope } : {}) }));
    }
    for (const [number, port] of this.#ports) {
      if (wanted.has(number)) continue;
      this.#ports.delete(number);
      void port.drain(this.opts.chainDrainMs ?? 5_000);
    }
    // Opened once the first configuration's listeners are up: the pod's agent reads Envoy's
    // readiness from it (images/istio-proxy/proxy-readiness.ts).
    if (this.opts.mode !== 'outbound') await this.#openStats();
    return { ports: [...this.#ports.keys()].sort((a, b) => a - b), problems };
  }

  /** Outbound mode: takes a client connection for `port`; false when no listener serves that port. */
  accept(port: number, socket: Socket): boolean {
    const target = this.#ports.get(port);
    if (!target || this.#stopped) return false;
    target.accept(socket);
    return true;
  }

  /** Ports configured now. */
  get ports(): number[] {
    return [...this.#ports.keys()];
  }

  /** HTTP requests being handled right now (what a drain waits for). */
  get inFlight(): number {
    return this.#inFlight;
  }

  #finished(record: RequestRecord): void {
    // Records of requests rejected before routing (malformed heads) had no matching start.
    if (record.protocol === 'http') this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (record.upstreamCluster) this.#outliers.observe(this.#clusters.get(record.upstreamCluster), record);
    this.telemetry.report(record);
  }

  /** Envoy's stats port, only if the pod has not bound it itself. */
  async #openStats(): Promise<void> {
    if (this.#statsTried) return;
    this.#statsTried = true;
    this.#stats = await openStatsServer(this.opts.address, () => [this.telemetry.metrics.registry]);
  }

  /** Stops accepting everywhere and lets in-flight requests finish for up to `deadlineMs`. */
  async drain(deadlineMs: number): Promise<void> {
    this.#stopped = true;
    const ports = [...this.#ports.values()];
    this.#ports.clear();
    await Promise.all(ports.map((p) => p.drain(deadlineMs)));
  }

  async stop(deadlineMs = 0): Promise<void> {
    await this.drain(deadlineMs);
    this.#pool.closeIdle();
    const stats = this.#stats;
    this.#stats = undefined;
    await closeStatsServer(stats);
    // A telemetry handed in is shared (one Envoy per meshed pod): whoever made it closes it.
    if (!this.opts.telemetry) await this.telemetry.close();
  }
}
