/**
 * One probe of one container instance, run on the kubelet's schedule: nothing before
 * `initialDelaySeconds` after the container started, then every `periodSeconds`, each try
 * bounded by `timeoutSeconds`; the result flips to success after `successThreshold`
 * consecutive successes and to failure after `failureThreshold` consecutive failures.
 * Readiness starts as failure (not ready), liveness as success, startup as unknown. Every
 * failed try is reported (the kubelet's `Unhealthy` event); a liveness or startup failure
 * stops the worker (the container is restarted with a new worker). `trigger` runs a try out
 * of turn, as the kubelet's manual trigger does for a readiness probe that has not passed
 * whenever the pod's status is updated.
 */
import { grpcProbe, httpProbe, tcpProbe, type ProbeResult } from './probe-actions.ts';

export type ProbeKind = 'startup' | 'readiness' | 'liveness';

export interface ProbeSpec {
  httpGet?: { host?: string; port: number | string; path?: string; scheme?: 'HTTP' | 'HTTPS'; httpHeaders?: Array<{ name: string; value: string }> };
  tcpSocket?: { host?: string; port: number | string };
  exec?: { command?: string[] };
  grpc?: { port: number; service?: string };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
  terminationGracePeriodSeconds?: number;
}

export interface ProbeTarget {
  podIP: string;
  ports: ReadonlyArray<{ name?: string; containerPort: number }>;
  exec(argv: string[], timeoutMs: number): Promise<{ exitCode: number; output: string; timedOut: boolean }>;
}

export interface ProbeCallbacks {
  /** The probe's verdict changed. */
  changed(kind: ProbeKind, success: boolean): void;
  /** One try failed (for the `Unhealthy` event). */
  failed(kind: ProbeKind, output: string): void;
}

export class ProbeWorker {
  readonly kind: ProbeKind;
  readonly #spec: ProbeSpec;
  readonly #target: ProbeTarget;
  readonly #startedAt: number;
  readonly #callbacks: ProbeCallbacks;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #trying = false;
  #successes = 0;
  #failures = 0;
  #verdict: boolean | undefined;
  #inFlight: Promise<void> | undefined;

  constructor(kind: ProbeKind, spec: ProbeSpec, target: ProbeTarget, startedAt: number, callbacks: ProbeCallbacks) {
    this.kind = kind;
    this.#spec = spec;
    this.#target = target;
    this.#startedAt = startedAt;
    this.#callbacks = callbacks;
    this.#verdict = kind === 'readiness' ? false : kind === 'liveness' ? true : undefined;
  }

  get verdict(): boolean | undefined {
    return this.#verdict;
  }

  /** The try under way, settling once its result has been counted; undefined when none is. */
  get tryInFlight(): Promise<void> | undefined {
    return this.#inFlight;
  }

  start(): void {
    const due = this.#startedAt + (this.#spec.initialDelaySeconds ?? 0) * 1000;
    this.#schedule(Math.max(0, due - Date.now()));
  }

  /**
   * Tries now instead of at the next period (the kubelet's manualTriggerCh): never before
   * `initialDelaySeconds`, never beside a try in flight (one that comes then runs right after
   * it); the period then counts from this try.
   */
  trigger(): void {
    if (this.#stopped) return;
    if (this.#trying) {
      // The kubelet's trigger channel holds one: the try runs once the current one is done.
      this.#triggered = true;
      return;
    }
    if (Date.now() < this.#startedAt + (this.#spec.initialDelaySeconds ?? 0) * 1000) return;
    clearTimeout(this.#timer);
    this.#tickNow();
  }

  /** A trigger came while a try was in flight. */
  #triggered = false;

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => this.#tickNow(), ms);
    this.#timer.unref();
  }

  #tickNow(): void {
    const done = this.#tick().finally(() => {
      if (this.#inFlight === done) this.#inFlight = undefined;
    });
    this.#inFlight = done;
  }

  async #tick(): Promise<void> {
    const began = Date.now();
    let result: ProbeResult;
    this.#trying = true;
    try {
      result = await this.#run();
    } catch (err) {
      result = { success: false, output: (err as Error).message };
    } finally {
      this.#trying = false;
    }
    if (this.#stopped) return;
    if (result.success) {
      this.#failures = 0;
      this.#successes++;
      if (this.#successes >= (this.kind === 'readiness' ? this.#spec.successThreshold ?? 1 : 1)) this.#set(true);
    } else {
      this.#successes = 0;
      this.#failures++;
      this.#callbacks.failed(this.kind, result.output);
      if (this.#failures >= (this.#spec.failureThreshold ?? 3)) this.#set(false);
    }
    if (this.#stopped) return;
    // Startup probes stop once they succeed; liveness/startup stop once they fail (the container restarts).
    if ((this.kind === 'startup' && this.#verdict === true) || (this.kind !== 'readiness' && this.#verdict === false)) {
      this.stop();
      return;
    }
    if (this.#triggered) {
      this.#triggered = false;
      // Only an unready readiness probe is worth the extra try (the trigger's purpose).
      if (this.kind === 'readiness' && this.#verdict !== true) return this.trigger();
    }
    const period = (this.#spec.periodSeconds ?? 10) * 1000;
    this.#schedule(Math.max(0, period - (Date.now() - began)));
  }

  #set(verdict: boolean): void {
    if (this.#verdict === verdict) return;
    this.#verdict = verdict;
    this.#callbacks.changed(this.kind, verdict);
  }

  #run(): Promise<ProbeResult> {
    const timeoutMs = (this.#spec.timeoutSeconds ?? 1) * 1000;
    const s = this.#spec;
    if (s.httpGet) {
      return httpProbe({
        host: s.httpGet.host || this.#target.podIP,
        port: this.#port(s.httpGet.port),
        path: s.httpGet.path ?? '/',
        scheme: s.httpGet.scheme ?? 'HTTP',
        headers: s.httpGet.httpHeaders ?? [],
      }, timeoutMs);
    }
    if (s.tcpSocket) return tcpProbe(s.tcpSocket.host || this.#target.podIP, this.#port(s.tcpSocket.port), timeoutMs);
    if (s.grpc) return grpcProbe(this.#target.podIP, s.grpc.port, s.grpc.service ?? '', timeoutMs);
    if (s.exec) {
      const argv = s.exec.command ?? [];
      return this.#target.exec(argv, timeoutMs).then((r) => r.timedOut
        ? { success: false, output: `command "${argv.join(' ')}" timed out` }
        : { success: r.exitCode === 0, output: r.output });
    }
    return Promise.resolve({ success: false, output: 'probe has no handler' });
  }

  /** A port number, or the containerPort of the named port. */
  #port(port: number | string): number {
    if (typeof port === 'number') return port;
    if (/^\d+$/.test(port)) return Number(port);
    const named = this.#target.ports.find((p) => p.name === port);
    if (!named) throw new Error(`couldn't find port: ${port} in container`);
    return named.containerPort;
  }
}
