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
import type { Server } from 'node:http';
import { UpstreamPool } from '../http1/index.ts';
import type { InboundPortPlan } from '../config/sidecar-ports.ts';
import type { AuthzScope } from '../gateway/http-routing.ts';
import type { MeshIdentity } from '../gateway/tls-options.ts';
import type { RequestRecord, WorkloadPeer } from '../request-record.ts';
import { ProxyTelemetry } from '../telemetry/proxy-telemetry.ts';
import { closeStatsServer, openStatsServer } from '../telemetry/stats-endpoint.ts';
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

export class SidecarProxy {
  readonly telemetry: ProxyTelemetry;
  readonly #pool = new UpstreamPool({ idleTimeoutMs: 60_000 });
  readonly #ports = new Map<number, InboundPort>();
  #stats: Server | undefined;
  #statsTried = false;
  #stopped = false;
  #inFlight = 0;
  readonly #timeouts: SidecarTimeouts;

  constructor(private readonly opts: SidecarProxyOptions) {
    this.telemetry = opts.telemetry ?? new ProxyTelemetry();
    this.#timeouts = sidecarTimeouts({ ...(opts.detectionTimeoutMs !== undefined ? { detectionMs: opts.detectionTimeoutMs } : {}), ...opts.timeouts });
  }

  get address(): string {
    return this.opts.address;
  }

  async apply(plan: SidecarPlan): Promise<SidecarApplyResult> {
    const problems: string[] = [];
    if (this.#stopped) return { ports: [], problems };
    const wanted = new Set<number>();
    for (const portPlan of plan.ports) {
      wanted.add(portPlan.port);
      let port = this.#ports.get(portPlan.port);
      if (!port) {
        const candidate = new InboundPort(this.opts.address, portPlan.port, {
          appAddress: this.opts.appAddress, pool: this.#pool, self: this.opts.self,
          onRecord: (r) => this.#finished(r), onRequest: () => void this.#inFlight++,
          ...(this.opts.peerOf ? { peerOf: (ip: string) => this.opts.peerOf?.(ip) } : {}),
          timeouts: this.#timeouts,
        });
        try {
          await candidate.listen();
        } catch (err) {
          problems.push(`cannot listen on ${this.opts.address}:${portPlan.port}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
          continue;
        }
        port = candidate;
        this.#ports.set(portPlan.port, port);
      }
      problems.push(...port.update({ plan: portPlan, identity: plan.identity, ...(plan.authz ? { authz: plan.authz } : {}) }));
    }
    for (const [number, port] of this.#ports) {
      if (wanted.has(number)) continue;
      this.#ports.delete(number);
      void port.drain(this.opts.drainMs ?? 5_000);
    }
    // Opened once the first configuration's listeners are up: the pod's agent reads Envoy's
    // readiness from it (images/istio-proxy/proxy-readiness.ts), as pilot-agent asks Envoy.
    if (this.opts.serveStats ?? true) await this.#openStats();
    return { ports: [...this.#ports.keys()].sort((a, b) => a - b), problems };
  }

  /** HTTP requests being handled right now (what a drain waits for). */
  get inFlight(): number {
    return this.#inFlight;
  }

  #finished(record: RequestRecord): void {
    // Records of requests rejected before the handler (malformed heads) had no matching start.
    if (record.protocol === 'http') this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.telemetry.report(record);
  }

  /** Envoy's stats port, only if nothing (the agent, the app) has bound it on the pod IP. */
  async #openStats(): Promise<void> {
    if (this.#statsTried) return;
    this.#statsTried = true;
    this.#stats = await openStatsServer(this.opts.address, () => [this.telemetry.metrics.registry]);
  }

  /** Stops accepting on every port; in-flight requests get up to `deadlineMs` to finish. */
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
