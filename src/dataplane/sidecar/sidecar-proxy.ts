/**
 * One sidecar's inbound side: what Envoy in a meshed pod does for traffic *to* the pod, run
 * by skiff's node proxy on the pod IP while the app listens on its inner address. `apply`
 * takes the planned ports (config/sidecar-ports.ts), the pod's mesh certificate and the
 * AuthorizationPolicies in force: ports open as they appear (one that cannot be bound is a
 * problem, retried on the next apply, never a crash), update in place, drain as they go.
 * Every request and connection is reported to the proxy's telemetry with reporter
 * `destination`; its Istio metrics are served on :15090 `/stats/prometheus` when that port
 * is free on the pod IP, from the end of the first apply on (the pod's readiness waits for it).
 */
import type { InboundPortPlan } from '../config/sidecar-ports.ts';
import type { AuthzScope } from '../gateway/http-routing.ts';
import type { MeshIdentity } from '../gateway/tls-options.ts';
import { ProxyListeners } from '../proxy-listeners.ts';
import type { WorkloadPeer } from '../request-record.ts';
import type { ProxyTelemetry } from '../telemetry/proxy-telemetry.ts';
import { InboundPort } from './inbound-port.ts';
import { sidecarTimeouts, type SidecarTimeouts } from './timeouts.ts';

export interface SidecarProxyOptions {
  /** The pod IP: every inbound listener binds here. */
  address: string;
  /** The app's inner address: where inbound traffic is delivered. */
  appAddress: string;
  /** How long a removed port's connections may finish (terminationDrainDuration). */
  drainMs?: number;
  telemetry?: ProxyTelemetry;
  /** This pod as the destination of its reports (principal: its SPIFFE ID, XFCC's `By`). */
  self: WorkloadPeer;
  /** The source workload of a client by its address (labels for telemetry). */
  peerOf?(remoteIp: string): WorkloadPeer | undefined;
  /** Serve Envoy's stats port on the pod IP if free (default true). */
  serveStats?: boolean;
  /** How long an AUTO port waits for a client's first bytes before treating it as TCP (default 5 s; same as `timeouts.detectionMs`; a port's plan may override it). */
  detectionTimeoutMs?: number;
  /** Per-phase timeouts of inbound connections (timeouts.ts); defaults are Envoy's/Istio's. */
  timeouts?: Partial<SidecarTimeouts>;
}

export interface SidecarPlan {
  ports: InboundPortPlan[];
  /** The pod's workload certificate; undefined while the mesh CA is not there yet. */
  identity: MeshIdentity | undefined;
  authz?: AuthzScope;
}

export interface SidecarApplyResult {
  /** Ports listening now. */
  ports: number[];
  problems: string[];
}

export class SidecarProxy extends ProxyListeners<InboundPort> {
  readonly #timeouts: SidecarTimeouts;

  constructor(private readonly opts: SidecarProxyOptions) {
    super(opts.address, opts.telemetry);
    this.#timeouts = sidecarTimeouts({ ...(opts.detectionTimeoutMs !== undefined ? { detectionMs: opts.detectionTimeoutMs } : {}), ...opts.timeouts });
  }

  async apply(plan: SidecarPlan): Promise<SidecarApplyResult> {
    const problems: string[] = [];
    if (this.stopped) return { ports: [], problems };
    const wanted = new Set<number>();
    for (const portPlan of plan.ports) {
      wanted.add(portPlan.port);
      const port = await this.listenerFor(portPlan.port, () => new InboundPort(this.address, portPlan.port, {
        appAddress: this.opts.appAddress, pool: this.pool, self: this.opts.self,
        onRecord: (r) => this.recordFinished(r), onRequest: this.requestStarted,
        ...(this.opts.peerOf ? { peerOf: (ip: string) => this.opts.peerOf?.(ip) } : {}),
        timeouts: this.#timeouts,
      }), (p) => p.listen());
      if (typeof port === 'string') {
        problems.push(port);
        continue;
      }
      problems.push(...port.update({ plan: portPlan, identity: plan.identity, ...(plan.authz ? { authz: plan.authz } : {}) }));
    }
    this.closeListenersBut(wanted, this.opts.drainMs ?? 5_000);
    if (this.opts.serveStats ?? true) await this.openStats();
    return { ports: this.listeningPorts(), problems };
  }
}
