/**
 * A work queue of object keys for level-triggered reconcilers: a key queued many times
 * while waiting is processed once; a key is never processed by two workers at once (if it
 * is queued again meanwhile it runs again afterwards); failures are retried with
 * per-key exponential back-off (5 ms doubling, capped at 30 s), like client-go's queue.
 */
export type ReconcileResult = void | { requeueAfterMs?: number };

export class WorkQueue {
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #waiters: Array<() => void> = [];
  #stopped = false;

  add(key: string): void {
    if (this.#stopped) return;
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#queue.push(key);
    this.#waiters.shift()?.();
  }

  addAfter(key: string, ms: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#timers.get(key));
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.#timers.set(key, timer);
  }

  /** Schedules a retry after a failure, backing off per key. */
  retry(key: string): void {
    const n = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, n);
    this.addAfter(key, Math.min(5 * 2 ** (n - 1), 30_000));
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** Waits for the next key; undefined once stopped. */
  async next(): Promise<string | undefined> {
    while (!this.#stopped && this.#queue.length === 0) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    if (this.#stopped) return undefined;
    const key = this.#queue.shift()!;
    this.#queued.delete(key);
    this.#processing.add(key);
    return key;
  }

  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.delete(key)) this.add(key);
  }

  get length(): number {
    return this.#queue.length;
  }

  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    for (const w of this.#waiters.splice(0)) w();
  }
}
