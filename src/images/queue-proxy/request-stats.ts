/**
 * What the autoscaler learns from a pod: time-weighted average concurrency and request counts
 * over each reporting period, split into all requests and those the activator proxied
 * (knative.dev/networking pkg/http/stats RequestStats). Two requests of 500 ms each in a 1 s
 * period are an average concurrency of 1. Times are passed in (milliseconds), so this is pure.
 */

export interface RequestStatsReport {
  averageConcurrency: number;
  averageProxiedConcurrency: number;
  /** Requests that arrived in the period (proxied ones included). */
  requestCount: number;
  proxiedRequestCount: number;
}

export class RequestStats {
  #concurrency = 0;
  #proxiedConcurrency = 0;
  #lastChange: number;
  #requestCount = 0;
  #proxiedCount = 0;
  /** Concurrency × seconds accumulated over the period. */
  #computedConcurrency = 0;
  #computedProxiedConcurrency = 0;
  #secondsInUse = 0;

  constructor(startedAt: number) {
    this.#lastChange = startedAt;
  }

  /** A request came in (`proxied`: through the activator). */
  requestIn(now: number, proxied: boolean): void {
    this.#compute(now);
    this.#requestCount++;
    this.#concurrency++;
    if (proxied) {
      this.#proxiedCount++;
      this.#proxiedConcurrency++;
    }
  }

  requestOut(now: number, proxied: boolean): void {
    this.#compute(now);
    this.#concurrency--;
    if (proxied) this.#proxiedConcurrency--;
  }

  /** The period's report; the next period starts now. */
  report(now: number): RequestStatsReport {
    this.#compute(now);
    const report: RequestStatsReport = {
      averageConcurrency: this.#secondsInUse > 0 ? this.#computedConcurrency / this.#secondsInUse : 0,
      averageProxiedConcurrency: this.#secondsInUse > 0 ? this.#computedProxiedConcurrency / this.#secondsInUse : 0,
      requestCount: this.#requestCount,
      proxiedRequestCount: this.#proxiedCount,
    };
    this.#computedConcurrency = 0;
    this.#computedProxiedConcurrency = 0;
    this.#requestCount = 0;
    this.#proxiedCount = 0;
    this.#secondsInUse = 0;
    return report;
  }

  /** Accumulates the time since the last change at the concurrency that held; clocks that step back are ignored, as upstream. */
  #compute(now: number): void {
    const elapsed = now - this.#lastChange;
    if (elapsed <= 0) return;
    const seconds = elapsed / 1000;
    this.#secondsInUse += seconds;
    this.#computedConcurrency += this.#concurrency * seconds;
    this.#computedProxiedConcurrency += this.#proxiedConcurrency * seconds;
    this.#lastChange = now;
  }
}
