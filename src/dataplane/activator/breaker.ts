/**
 * The activator's per-revision semaphore with a bounded wait queue (knative/serving
 * pkg/queue/breaker.go as the throttler uses it): at most `capacity` requests hold a slot,
 * at most `queueDepth` more wait for one, and anything beyond that is refused at once with
 * upstream's "pending request queue full". Capacity changes as backends come and go; a
 * capacity of 0 holds every request (the revision has no ready pod yet) and `Infinity`
 * means containerConcurrency 0 with at least one backend (upstream's infiniteBreaker).
 */

/** Upstream's queue.ErrRequestQueueFull text, sent as the 503 body. */
export const QUEUE_FULL_MESSAGE = 'pending request queue full';

export class QueueFullError extends Error {
  constructor() {
    super(QUEUE_FULL_MESSAGE);
  }
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

export class Breaker {
  readonly queueDepth: number;
  #capacity: number;
  #inFlight = 0;
  readonly #waiters: Waiter[] = [];

  constructor(capacity: number, queueDepth: number) {
    this.#capacity = capacity;
    this.queueDepth = queueDepth;
  }

  get capacity(): number {
    return this.#capacity;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Resolves once a slot is held (call `release()` when done); rejects with QueueFullError
   * when the queue is full, or with the signal's reason when the caller gives up waiting.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.#waiters.length === 0 && this.#inFlight < this.#capacity) {
      this.#inFlight++;
      return Promise.resolve();
    }
    // Upstream counts held and waiting together against queueDepth + capacity.
    if (this.#inFlight + this.#waiters.length >= this.queueDepth + Math.max(this.#capacity, 0)) return Promise.reject(new QueueFullError());
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(signal?.reason as Error);
      };
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  release(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.#dispatch();
  }

  /** New capacity (backends or containerConcurrency changed); waiters get the freed slots in order. */
  updateCapacity(capacity: number): void {
    this.#capacity = capacity;
    this.#dispatch();
  }

  /** Fails every waiter (the revision is gone). Held slots stay with their requests. */
  rejectWaiting(err: Error): void {
    for (const w of this.#waiters.splice(0)) w.reject(err);
  }

  #dispatch(): void {
    while (this.#waiters.length > 0 && this.#inFlight < this.#capacity) {
      this.#inFlight++;
      this.#waiters.shift()?.resolve();
    }
  }
}
