/**
 * A token bucket as client-go's flowcontrol rate limiter is: `burst` tokens to start with,
 * refilled at `qps` per second up to `burst`; `take` waits (first come, first served) until a
 * token is there. The kubelet's Event client is limited this way (eventRecordQPS 50,
 * eventBurst 100), so that a burst of pod starts does not queue its API writes behind
 * hundreds of Events.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;
  readonly #waiters: (() => void)[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(qps > 0) || !(burst >= 1)) throw new Error(`token bucket needs qps > 0 and burst >= 1 (got ${qps}, ${burst})`);
    this.#tokens = burst;
    this.#last = now();
  }

  /** Resolves when a token was taken. */
  take(): Promise<void> {
    this.#refill();
    if (this.#waiters.length === 0 && this.#tokens >= 1) {
      this.#tokens -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.#schedule();
    });
  }

  /** Lets every current waiter through at once (a flush at shutdown must not wait out the rate). */
  releaseAll(): void {
    for (const resolve of this.#waiters.splice(0)) resolve();
  }

  /** Tokens available now (fractional while refilling). */
  get available(): number {
    this.#refill();
    return this.#tokens;
  }

  #refill(): void {
    const t = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#last) / 1000) * this.qps);
    this.#last = t;
  }

  #schedule(): void {
    if (this.#timer) return;
    const wait = Math.max(1, Math.ceil(((1 - this.#tokens) / this.qps) * 1000));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#refill();
      while (this.#waiters.length > 0 && this.#tokens >= 1) {
        this.#tokens -= 1;
        this.#waiters.shift()!();
      }
      if (this.#waiters.length > 0) this.#schedule();
    }, wait);
    // Waiting Events must not keep a stopping process alive.
    this.#timer.unref();
  }
}
