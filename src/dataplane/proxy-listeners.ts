/**
 * What every proxy instance of the node proxy shares: Envoy's life cycle around its
 * listeners. The listeners by port (opened as a configuration names them, a port that cannot
 * be bound reported as a problem and tried again on the next apply, drained as they go), one
 * upstream connection pool, the telemetry its records go to, the HTTP requests in flight (what
 * a drain waits for), Envoy's stats port on the pod IP, drain and stop. GatewayProxy (gateways,
 * a sidecar's outbound side) and SidecarProxy (its inbound side) differ only in what a port
 * is and how a configuration reaches it.
 */
import type { Server } from 'node:http';
import { UpstreamPool } from './http1/index.ts';
import type { RequestRecord } from './request-record.ts';
import type { Writable } from 'node:stream';
import { ProxyTelemetry } from './telemetry/proxy-telemetry.ts';
import { closeStatsServer, openStatsServer } from './telemetry/stats-endpoint.ts';

export interface ProxyListener {
  drain(deadlineMs: number): Promise<void>;
}

export abstract class ProxyListeners<P extends ProxyListener> {
  readonly telemetry: ProxyTelemetry;
  protected readonly pool = new UpstreamPool({ idleTimeoutMs: 60_000 });
  protected readonly listeners = new Map<number, P>();
  protected stopped = false;
  #inFlight = 0;
  #stats: Server | undefined;
  #statsTried = false;
  /** A telemetry handed in is shared (one Envoy per meshed pod): whoever made it closes it. */
  readonly #ownsTelemetry: boolean;

  /** `accessLogOutput`: where an owned telemetry's access log sends `/dev/stdout`. */
  protected constructor(readonly address: string, telemetry: ProxyTelemetry | undefined, accessLogOutput?: Writable) {
    this.telemetry = telemetry ?? new ProxyTelemetry(accessLogOutput ? { stdout: accessLogOutput } : {});
    this.#ownsTelemetry = telemetry === undefined;
  }

  /** HTTP requests being handled right now (what a drain waits for). */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Ports listening now, in order. */
  protected listeningPorts(): number[] {
    return [...this.listeners.keys()].sort((a, b) => a - b);
  }

  /** For each port: a request began. */
  protected readonly requestStarted = (): void => void this.#inFlight++;

  /** For each port: a request or connection ended; its record goes to the telemetry. */
  protected recordFinished(record: RequestRecord): void {
    // Records of requests rejected before routing (malformed heads) had no matching start.
    if (record.protocol === 'http') this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.telemetry.report(record);
  }

  /**
   * The listener on `port`, opened with `create` if there is none yet; a string says why it
   * could not be bound (`listen` rejected), and nothing is kept, so the next apply tries again.
   */
  protected async listenerFor(port: number, create: () => P, listen: (listener: P) => Promise<void>): Promise<P | string> {
    const open = this.listeners.get(port);
    if (open) return open;
    const candidate = create();
    try {
      await listen(candidate);
    } catch (err) {
      return `cannot listen on ${this.address}:${port}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
    }
    this.listeners.set(port, candidate);
    return candidate;
  }

  /** Drains, for up to `drainMs`, every listener whose port the configuration no longer names. */
  protected closeListenersBut(wanted: ReadonlySet<number>, drainMs: number): void {
    for (const [port, listener] of this.listeners) {
      if (wanted.has(port)) continue;
      this.listeners.delete(port);
      void listener.drain(drainMs);
    }
  }

  /**
   * Envoy's stats port, only if nothing (the agent, the app) has bound it on the pod IP.
   * Opened once the first configuration's listeners are up: the pod's agent reads Envoy's
   * readiness from it (images/istio-proxy/proxy-readiness.ts), as pilot-agent asks Envoy.
   */
  protected async openStats(): Promise<void> {
    if (this.#statsTried) return;
    this.#statsTried = true;
    this.#stats = await openStatsServer(this.address, () => [this.telemetry.metrics.registry]);
  }

  /** Stops accepting on every port; in-flight requests get up to `deadlineMs` to finish. */
  async drain(deadlineMs: number): Promise<void> {
    this.stopped = true;
    const listeners = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(listeners.map((l) => l.drain(deadlineMs)));
  }

  async stop(deadlineMs = 0): Promise<void> {
    await this.drain(deadlineMs);
    this.pool.closeIdle();
    const stats = this.#stats;
    this.#stats = undefined;
    await closeStatsServer(stats);
    if (this.#ownsTelemetry) await this.telemetry.close();
  }
}
