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
import type { ProxyConfig } from '../config/compile-proxy.ts';
import type { Cluster, L4Route, RouteConfiguration } from '../config/model.ts';
import type { Writable } from 'node:stream';
import type { ProxyTelemetry } from '../telemetry/proxy-telemetry.ts';
import { ProxyListeners } from '../proxy-listeners.ts';
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
  /** Where the access log's `/dev/stdout` goes when the proxy makes its own telemetry (the pod's istio-proxy container). */
  accessLogOutput?: Writable;
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

export class GatewayProxy extends ProxyListeners<GatewayPort> {
  readonly #outliers = new OutlierTracker();
  #clusters: ReadonlyMap<string, Cluster> = new Map();

  constructor(private readonly opts: GatewayProxyOptions) {
    super(opts.address, opts.telemetry, opts.accessLogOutput);
  }

  /** `authz`: the workload and root namespace AuthorizationPolicies are evaluated for (none: not enforced). */
  async apply(config: ProxyConfig, mesh: MeshIdentity | undefined, authz?: Omit<AuthzScope, 'policies'>): Promise<ApplyResult> {
    const problems: string[] = [];
    if (this.stopped) return { ports: [], problems };
    const routeConfigs = new Map<string, RouteConfiguration>(config.routeConfigs.map((r) => [r.name, r]));
    const clusters = new Map<string, Cluster>(config.clusters.map((c) => [c.name, c]));
    this.#clusters = clusters;
    const wanted = new Set<number>();
    if (!mesh && originatesIstioMutual(config.clusters)) {
      problems.push('upstream mTLS (ISTIO_MUTUAL, or auto mTLS to pods with sidecars) needs the gateway\'s mesh certificate, and the mesh CA is not available yet: those requests fail 503 UF');
    }
    const authzScope: AuthzScope | undefined = authz && config.authorizationPolicies.length > 0 ? { ...authz, policies: config.authorizationPolicies } : undefined;
    const outbound = this.opts.mode === 'outbound';
    for (const listener of config.listeners) {
      wanted.add(listener.port);
      const l4Routes = new Map<number, L4Route[]>();
      for (const t of config.l4Routes) if (t.listener === listener.name && t.chainIndex !== undefined) l4Routes.set(t.chainIndex, t.routes);
      const port = await this.listenerFor(listener.port, () => new GatewayPort(this.address, listener.port, {
        pool: this.pool, onRecord: (r) => this.recordFinished(r), onRequest: this.requestStarted, chainDrainMs: this.opts.chainDrainMs ?? 5_000,
        recordBase: { reporter: outbound ? 'source' : 'gateway', source: this.opts.self ?? {} },
      }), (p) => (outbound ? Promise.resolve() : p.listen()));
      if (typeof port === 'string') {
        problems.push(`listener ${listener.name}: ${port}`);
        continue;
      }
      problems.push(...port.update({ listener, routeConfigs, l4Routes, clusters, mesh, outliers: this.#outliers, ...(authzScope ? { authz: authzScope } : {}) }));
    }
    this.closeListenersBut(wanted, this.opts.chainDrainMs ?? 5_000);
    if (!outbound) await this.openStats();
    return { ports: this.listeningPorts(), problems };
  }

  /** Outbound mode: takes a client connection for `port`; false when no listener serves that port. */
  accept(port: number, socket: Socket): boolean {
    const target = this.listeners.get(port);
    if (!target || this.stopped) return false;
    target.accept(socket);
    return true;
  }

  /** Ports configured now. */
  get ports(): number[] {
    return [...this.listeners.keys()];
  }

  protected override recordFinished(record: RequestRecord): void {
    if (record.upstreamCluster) this.#outliers.observe(this.#clusters.get(record.upstreamCluster), record);
    super.recordFinished(record);
  }
}
