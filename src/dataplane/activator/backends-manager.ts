/**
 * The activator's revision backends manager (pkg/activator/net/revision_backends.go): for
 * each revision it keeps the pods the endpoints list and probes the not-ready ones itself,
 * every `intervalMs` (upstream 200 ms, each probe cut after 300 ms), so a pod is used the
 * moment its queue-proxy says the user container is ready — not when the kubelet's next
 * readiness probe gets round to marking it ready, seconds later. That gap is most of a
 * cold start.
 *
 * Probing is economical: a pod that passed stays healthy without further probes until it
 * leaves the endpoints or turns ready; and while the revision has a ready pod and no request
 * is held for it, nothing needs the not-ready pods sooner than the kubelet will mark them, so
 * probing pauses until a request is held again (`kick`).
 */
import { RevisionHealth } from './revision-health.ts';
import type { RevisionDests } from './revision-backends.ts';
import type { Backend } from './revision-throttler.ts';
import type { PodCaller } from './pod-connection.ts';
import { PROBE_TIMEOUT_MS, probeQueue } from './queue-probe.ts';

/** pkg/activator/net/revision_backends.go defaultProbeFrequency. */
export const PROBE_INTERVAL_MS = 200;

export interface BackendsManagerOptions {
  /** The revision's backends changed because of a probe (push them to the activators). */
  onChange(key: string): void;
  /** Requests the activators hold for the revision now. */
  held(key: string): number;
  /** Who probes, in the mesh (an activator pod's identity and IP), at the time of the probe; undefined: plaintext. */
  caller?: () => PodCaller | undefined;
  /** Tests: a probe of their own. */
  probe?: (dest: string, timeoutMs: number) => Promise<boolean>;
  intervalMs?: number;
  timeoutMs?: number;
}

interface Watched {
  health: RevisionHealth;
  timer?: NodeJS.Timeout;
  probing: boolean;
}

export class RevisionBackendsManager {
  readonly #opts: BackendsManagerOptions;
  readonly #revisions = new Map<string, Watched>();
  #stopped = false;

  constructor(opts: BackendsManagerOptions) {
    this.#opts = opts;
  }

  /** The revision's endpoints (`namespace/name` key); probes new not-ready pods at once. */
  update(key: string, dests: RevisionDests): void {
    let w = this.#revisions.get(key);
    if (!w) {
      w = { health: new RevisionHealth(), probing: false };
      this.#revisions.set(key, w);
    }
    const known = new Set(w.health.toProbe());
    w.health.update(dests);
    // A new pod is probed at once; otherwise a round already due keeps its time (endpoint
    // updates come often and must not speed probing up), and a paused revision starts again
    // if it now needs probing (say it lost its last ready pod).
    const fresh = w.health.toProbe().some((d) => !known.has(d));
    if (fresh || !w.timer) this.#schedule(key, w, 0);
  }

  /** The backends to use: ready pods and not-ready pods that passed a probe. */
  backends(key: string): Backend[] {
    return this.#revisions.get(key)?.health.backends() ?? [];
  }

  /** A request is being held for the revision: probe its not-ready pods now if they wait for it. */
  kick(key: string): void {
    const w = this.#revisions.get(key);
    // The request may not be counted as held yet (it is about to wait): the round checks again.
    // A round already due is soon enough.
    if (w && !w.timer) this.#schedule(key, w, 0, true);
  }

  /** The revision is gone. */
  remove(key: string): void {
    clearTimeout(this.#revisions.get(key)?.timer);
    this.#revisions.delete(key);
  }

  revisions(): string[] {
    return [...this.#revisions.keys()];
  }

  /** Whether a probe round is due or running for the revision (tests). */
  probing(key: string): boolean {
    const w = this.#revisions.get(key);
    return w !== undefined && (w.probing || w.timer !== undefined);
  }

  stop(): void {
    this.#stopped = true;
    for (const w of this.#revisions.values()) clearTimeout(w.timer);
    this.#revisions.clear();
  }

  /** Probing is worth it while there is no ready pod, or requests wait for capacity. */
  #wanted(key: string, w: Watched, held = false): boolean {
    return w.health.toProbe().length > 0 && (w.health.readyCount === 0 || held || this.#opts.held(key) > 0);
  }

  #schedule(key: string, w: Watched, delayMs: number, held = false): void {
    if (this.#stopped || w.probing || !this.#wanted(key, w, held)) return;
    clearTimeout(w.timer);
    w.timer = setTimeout(() => void this.#round(key, w), delayMs);
    w.timer.unref();
  }

  /** Probes every not-ready pod not yet healthy, in parallel, then schedules the next round. */
  async #round(key: string, w: Watched): Promise<void> {
    w.timer = undefined;
    if (this.#revisions.get(key) !== w || !this.#wanted(key, w)) return;
    w.probing = true;
    const started = Date.now();
    const caller = this.#opts.caller?.();
    const probe = this.#opts.probe ?? ((dest: string, timeoutMs: number) => probeQueue(dest, timeoutMs, caller));
    const timeoutMs = this.#opts.timeoutMs ?? PROBE_TIMEOUT_MS;
    const dests = w.health.toProbe();
    const passed = await Promise.all(dests.map((d) => probe(d, timeoutMs).catch(() => false)));
    w.probing = false;
    if (this.#stopped || this.#revisions.get(key) !== w) return;
    if (w.health.markHealthy(dests.filter((_, i) => passed[i]))) this.#opts.onChange(key);
    const interval = this.#opts.intervalMs ?? PROBE_INTERVAL_MS;
    this.#schedule(key, w, Math.max(1, interval - (Date.now() - started)));
  }
}
