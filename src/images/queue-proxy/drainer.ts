/**
 * Draining (knative.dev/pkg network/handlers/drain.go, as the queue-proxy sets it up): once
 * told to drain, health checks fail with 503 `shutting down`, and the drain finishes when a
 * quiet period passes without a new request — every request restarts the clock, so traffic
 * still being routed here while the endpoints update is served. `reset` abandons a drain (the
 * admin handler's way out when no SIGTERM follows a preStop call).
 */

export class Drainer {
  readonly #quietMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #done: Promise<void> | undefined;
  #finish: (() => void) | undefined;

  constructor(quietMs: number) {
    this.#quietMs = quietMs;
  }

  get draining(): boolean {
    return this.#done !== undefined;
  }

  /** Starts draining (once); resolves when the quiet period has passed, or on reset. */
  drain(): Promise<void> {
    if (this.#done) return this.#done;
    this.#done = new Promise<void>((resolve) => (this.#finish = resolve));
    this.#arm();
    return this.#done;
  }

  /** A request arrived: while draining, the quiet period starts again. */
  requestSeen(): void {
    if (this.#timer) this.#arm();
  }

  /** Abandons the drain: its waiters return, health checks pass again. */
  reset(): void {
    this.#stopTimer();
    this.#finish?.();
    this.#done = undefined;
    this.#finish = undefined;
  }

  /** Frees the timer without finishing (the program was killed). */
  close(): void {
    this.#stopTimer();
  }

  #arm(): void {
    this.#stopTimer();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#finish?.();
    }, this.#quietMs);
  }

  #stopTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
