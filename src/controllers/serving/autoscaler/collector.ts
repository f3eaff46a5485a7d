/**
 * One revision's metric history (knative/serving pkg/autoscaler/metrics/collector.go
 * collection): stable- and panic-window averages of concurrency and of requests per second.
 * Every stat — the scraped sum over the revision's pods each second, and what the activator
 * reports for requests it proxies — lands in the bucket of its second.
 *
 * Requests the activator proxied are counted by the activator itself; a pod's stat subtracts
 * them so nothing is counted twice.
 */
import type { Stat } from '../shared/contracts.ts';
import { makeAverager, type WindowAverager } from './buckets.ts';
import type { Observed } from './decider.ts';
import type { Aggregation, ScalingMetric } from './spec.ts';

export interface CollectionShape {
  stableWindowMs: number;
  panicWindowMs: number;
  aggregation: Aggregation;
}

export class MetricCollection {
  readonly shape: CollectionShape;
  readonly #concurrency: WindowAverager;
  readonly #concurrencyPanic: WindowAverager;
  readonly #rps: WindowAverager;
  readonly #rpsPanic: WindowAverager;

  constructor(shape: CollectionShape) {
    this.shape = { ...shape };
    this.#concurrency = makeAverager(shape.aggregation, shape.stableWindowMs);
    this.#concurrencyPanic = makeAverager(shape.aggregation, shape.panicWindowMs);
    this.#rps = makeAverager(shape.aggregation, shape.stableWindowMs);
    this.#rpsPanic = makeAverager(shape.aggregation, shape.panicWindowMs);
  }

  sameShape(shape: CollectionShape): boolean {
    return shape.stableWindowMs === this.shape.stableWindowMs && shape.panicWindowMs === this.shape.panicWindowMs && shape.aggregation === this.shape.aggregation;
  }

  record(nowMs: number, stat: Pick<Stat, 'averageConcurrentRequests' | 'averageProxiedConcurrentRequests' | 'requestCount' | 'proxiedRequestCount'>): void {
    const concurrency = stat.averageConcurrentRequests - stat.averageProxiedConcurrentRequests;
    this.#concurrency.record(nowMs, concurrency);
    this.#concurrencyPanic.record(nowMs, concurrency);
    const rps = stat.requestCount - stat.proxiedRequestCount;
    this.#rps.record(nowMs, rps);
    this.#rpsPanic.record(nowMs, rps);
  }

  /**
   * The stable and panic averages; undefined ("no data") when nothing arrived for a whole
   * stable window and pods are being scraped. Without a scrape target (TBC -1: the activator
   * is always in the path and reports everything) silence means zero.
   */
  observed(metric: ScalingMetric, nowMs: number, scraping: boolean): Observed | undefined {
    const [stable, panic] = metric === 'rps' ? [this.#rps, this.#rpsPanic] : [this.#concurrency, this.#concurrencyPanic];
    if (stable.isEmpty(nowMs) && scraping) return undefined;
    return { stable: stable.windowAverage(nowMs), panic: panic.windowAverage(nowMs) };
  }
}

/** The sum of the pods' stats for one second (upstream averages a sample × pod count; here every pod is scraped). */
export function sumStats(stats: readonly Stat[]): Pick<Stat, 'averageConcurrentRequests' | 'averageProxiedConcurrentRequests' | 'requestCount' | 'proxiedRequestCount'> {
  const sum = { averageConcurrentRequests: 0, averageProxiedConcurrentRequests: 0, requestCount: 0, proxiedRequestCount: 0 };
  for (const s of stats) {
    sum.averageConcurrentRequests += s.averageConcurrentRequests;
    sum.averageProxiedConcurrentRequests += s.averageProxiedConcurrentRequests;
    sum.requestCount += s.requestCount;
    sum.proxiedRequestCount += s.proxiedRequestCount;
  }
  return sum;
}
