/**
 * One revision's throttler in one activator (knative/serving pkg/activator/net/throttler.go
 * revisionThrottler): a breaker whose capacity is containerConcurrency × ready backends
 * (unlimited for CC 0 once a backend exists, 0 — hold everything — while none does), over
 * per-pod trackers picked by the load-balancing policy. Requests wait in the breaker while
 * the revision is scaled to zero and go out as soon as backends appear.
 *
 * Unlike upstream, every activator tracks every backend (upstream slices pods between
 * activators by their index in the public endpoints); skiff runs one activator replica.
 */
import { Breaker } from './breaker.ts';
import { PodTracker, policyFor, type LoadBalancingPolicy } from './load-balancing.ts';

/** pkg/activator/net/throttler.go breakerQueueDepth. */
export const BREAKER_QUEUE_DEPTH = 10_000;

export interface Backend {
  ip: string;
  port: number;
}

export class RevisionGoneError extends Error {
  constructor(key: string) {
    super(`revision ${key} was removed`);
  }
}

export class RevisionThrottler {
  readonly breaker: Breaker;
  #containerConcurrency: number;
  #policy: LoadBalancingPolicy;
  #trackers: PodTracker[] = [];
  readonly #random: (() => number) | undefined;

  constructor(containerConcurrency: number, random?: () => number, queueDepth = BREAKER_QUEUE_DEPTH) {
    this.#containerConcurrency = containerConcurrency;
    this.#random = random;
    this.#policy = policyFor(containerConcurrency, random);
    this.breaker = new Breaker(0, queueDepth);
  }

  get containerConcurrency(): number {
    return this.#containerConcurrency;
  }

  get backends(): string[] {
    return this.#trackers.map((t) => t.dest);
  }

  /** New backends and/or containerConcurrency: trackers of pods that stay keep their in-flight counts. */
  update(containerConcurrency: number, backends: readonly Backend[]): void {
    if (containerConcurrency !== this.#containerConcurrency) {
      this.#containerConcurrency = containerConcurrency;
      this.#policy = policyFor(containerConcurrency, this.#random);
    }
    const perPod = containerConcurrency === 0 ? Infinity : containerConcurrency;
    const old = new Map(this.#trackers.map((t) => [t.dest, t]));
    const dests = [...new Set(backends.map((b) => `${b.ip}:${b.port}`))];
    this.#trackers = dests.map((dest) => {
      const t = old.get(dest) ?? new PodTracker(dest, perPod);
      t.capacity = perPod;
      return t;
    });
    // Trackers first, capacity second, so a request let through always finds a tracker.
    this.breaker.updateCapacity(this.#trackers.length === 0 ? 0 : perPod * this.#trackers.length);
  }

  /** Whether a request arriving now would have to wait for a slot. */
  wouldWait(): boolean {
    return this.breaker.waiting > 0 || this.breaker.inFlight >= this.breaker.capacity;
  }

  /**
   * Waits for a slot and a pod, then runs `fn` with the pod's `ip:port`. Rejects with
   * QueueFullError, or the signal's reason when the caller stops waiting.
   */
  async try<T>(signal: AbortSignal | undefined, fn: (dest: string) => Promise<T>): Promise<T> {
    for (;;) {
      await this.breaker.acquire(signal);
      const tracker = this.#policy(this.#trackers);
      if (!tracker) {
        // The breaker and the trackers raced (a pod left while this request waited):
        // give the slot back and queue again, as upstream re-enqueues.
        this.breaker.release();
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      try {
        return await fn(tracker.dest);
      } finally {
        tracker.release();
        this.breaker.release();
      }
    }
  }

  /** The revision is gone: requests still waiting fail. */
  close(key: string): void {
    this.breaker.rejectWaiting(new RevisionGoneError(key));
  }
}
