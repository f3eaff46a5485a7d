/**
 * The concurrency breaker (knative/serving pkg/queue/breaker.go): at most `maxConcurrency`
 * requests run at once, up to `queueDepth` more wait in line (first come, first served), and
 * anything beyond that is refused at once — the queue-proxy answers those 503 `pending
 * request queue full`. Node runs one request handler at a time, so the atomics upstream needs
 * become two counters and a FIFO of waiters.
 */

export interface BreakerParams {
  queueDepth: number;
  maxConcurrency: number;
}

/** A claim on the breaker: `ready` once it may run; `release` ends it (idempotent, also cancels a wait). */
export interface BreakerTicket {
  readonly ready: Promise<void>;
  release(): void;
}

export class Breaker {
  readonly #totalSlots: number;
  readonly #capacity: number;
  /** Running plus waiting (upstream inFlight). */
  #inFlight = 0;
  #running = 0;
  readonly #waiters: Array<() => void> = [];

  constructor(params: BreakerParams) {
    if (params.queueDepth <= 0) throw new Error(`Queue depth must be greater than 0. Got ${params.queueDepth}.`);
    if (params.maxConcurrency < 0) throw new Error(`Max concurrency must be 0 or greater. Got ${params.maxConcurrency}.`);
    this.#capacity = params.maxConcurrency;
    this.#totalSlots = params.queueDepth + params.maxConcurrency;
  }

  /** Requests running or waiting (what upstream reports as revision_queue_depth). */
  get inFlight(): number {
    return this.#inFlight;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** A ticket, or undefined when the queue is full. */
  tryEnter(): BreakerTicket | undefined {
    if (this.#inFlight >= this.#totalSlots) return undefined;
    this.#inFlight++;
    let state: 'waiting' | 'running' | 'done' = 'waiting';
    let wake!: () => void;
    const ready = new Promise<void>((resolve) => (wake = resolve));
    const start = () => {
      state = 'running';
      this.#running++;
      wake();
    };
    if (this.#running < this.#capacity) start();
    else this.#waiters.push(start);
    const release = () => {
      if (state === 'done') return;
      if (state === 'running') {
        this.#running--;
        this.#wakeNext();
      } else {
        const i = this.#waiters.indexOf(start);
        if (i >= 0) this.#waiters.splice(i, 1);
      }
      state = 'done';
      this.#inFlight--;
    };
    return { ready, release };
  }

  #wakeNext(): void {
    while (this.#running < this.#capacity && this.#waiters.length > 0) this.#waiters.shift()!();
  }
}
