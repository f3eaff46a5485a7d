/**
 * Time-bucketed window averages (knative/serving pkg/autoscaler/aggregation/bucketing.go):
 * a ring of 1 s buckets covering the window; values recorded in the same second add up.
 * Times are passed in (milliseconds since the epoch), so the arithmetic is pure and tests
 * use whatever clock they like.
 *
 * - `LinearBuckets`: the plain average over the buckets that hold data — a partial window
 *   while the first window fills, gaps inside the window count as zero, and buckets newer
 *   than the last write are left out (no data yet is not a zero).
 * - `WeightedBuckets`: the exponentially weighted average (newest counts most), upstream's
 *   `weighted-exponential` metric aggregation algorithm.
 */
export interface WindowAverager {
  record(nowMs: number, value: number): void;
  windowAverage(nowMs: number): number;
  /** No data for longer than the window. */
  isEmpty(nowMs: number): boolean;
}

export const BUCKET_MS = 1000;

const roundTo6 = (f: number): number => Math.round(f * 1e6) / 1e6;

export class LinearBuckets implements WindowAverager {
  protected readonly buckets: number[];
  protected readonly granularityMs: number;
  protected readonly windowMs: number;
  protected firstWrite: number | undefined;
  protected lastWrite: number | undefined;
  /** Sum of every bucket (including ones outside [firstWrite, lastWrite]). */
  protected windowTotal = 0;

  constructor(windowMs: number, granularityMs = BUCKET_MS) {
    this.granularityMs = granularityMs;
    this.windowMs = windowMs;
    this.buckets = new Array<number>(Math.ceil(windowMs / granularityMs)).fill(0);
  }

  get window(): number {
    return this.windowMs;
  }

  protected truncate(t: number): number {
    return Math.floor(t / this.granularityMs) * this.granularityMs;
  }

  /** Upstream: Unix seconds / granularity seconds (a compressing mapping onto the ring). */
  protected index(t: number): number {
    return Math.floor(Math.floor(t / 1000) / (this.granularityMs / 1000));
  }

  isEmpty(nowMs: number): boolean {
    return this.lastWrite === undefined || this.truncate(nowMs) - this.lastWrite > this.windowMs;
  }

  record(nowMs: number, value: number): void {
    const bucketTime = this.truncate(nowMs);
    const writeIdx = this.index(nowMs);
    if (this.lastWrite !== bucketTime) {
      if (this.lastWrite !== undefined && bucketTime + this.windowMs <= this.lastWrite) return; // older than a window: dropped
      if (this.firstWrite === undefined || this.firstWrite > bucketTime) this.firstWrite = bucketTime;
      if (this.lastWrite === undefined || bucketTime > this.lastWrite) {
        if (this.lastWrite === undefined || bucketTime - this.lastWrite >= this.windowMs) {
          // Nothing for a whole window: start over, the average is of a partial window again.
          this.firstWrite = bucketTime;
          this.buckets.fill(0);
          this.windowTotal = 0;
        } else {
          // Seconds skipped since the last write hold zero.
          for (let i = this.index(this.lastWrite) + 1; i <= writeIdx; i++) {
            const idx = i % this.buckets.length;
            this.windowTotal -= this.buckets[idx]!;
            this.buckets[idx] = 0;
          }
        }
        this.lastWrite = bucketTime;
      }
    }
    this.buckets[writeIdx % this.buckets.length]! += value;
    this.windowTotal += value;
  }

  windowAverage(nowMs: number): number {
    if (this.lastWrite === undefined || this.firstWrite === undefined) return 0;
    const now = this.truncate(nowMs);
    const d = now - this.lastWrite;
    const filled = (this.lastWrite - this.firstWrite) / this.granularityMs + 1; // inclusive
    if (d <= 0) return roundTo6(this.windowTotal / Math.min(filled, this.buckets.length));
    if (d < this.windowMs) {
      // No data for a while: drop the buckets the window has moved past.
      const st = this.index(this.lastWrite);
      const e = this.index(now);
      let total = this.windowTotal;
      for (let i = st + 1; i <= e; i++) total -= this.buckets[i % this.buckets.length]!;
      return roundTo6(total / Math.min(filled, this.buckets.length - (e - st)));
    }
    return 0;
  }
}

/** The smallest decay multiplier, and the share of weight the buckets must cover. */
const MIN_EXPONENT = 0.2;
const WEIGHT_PRECISION = 0.9999;

export function smoothingCoefficient(buckets: number): number {
  return Math.max(1 - Math.pow(1 - WEIGHT_PRECISION, 1 / buckets), MIN_EXPONENT);
}

export class WeightedBuckets extends LinearBuckets {
  readonly smoothing: number;

  constructor(windowMs: number, granularityMs = BUCKET_MS) {
    super(windowMs, granularityMs);
    this.smoothing = smoothingCoefficient(this.buckets.length);
  }

  override windowAverage(nowMs: number): number {
    const now = this.truncate(nowMs);
    if (this.isEmpty(now) || this.lastWrite === undefined) return 0;
    const total = this.buckets.length;
    let count = total;
    let multiplier = this.smoothing;
    if (now > this.lastWrite) {
      // Seconds without data are zeros at the front: skip straight to their weight.
      const zeros = Math.floor((now - this.lastWrite) / this.granularityMs);
      multiplier *= Math.pow(1 - this.smoothing, zeros);
      count -= zeros;
    }
    const start = this.index(this.lastWrite) + total;
    let ret = 0;
    for (let i = 0; i < count; i++) {
      ret += this.buckets[(start - i) % total]! * multiplier;
      multiplier *= 1 - this.smoothing;
    }
    return ret;
  }
}

export function makeAverager(kind: 'linear' | 'weighted-exponential', windowMs: number): WindowAverager {
  return kind === 'weighted-exponential' ? new WeightedBuckets(windowMs) : new LinearBuckets(windowMs);
}

/**
 * The largest value recorded over the last `windowMs` (aggregation/max/timewindow.go), for
 * scale-down-delay: scaling down waits until the lower count has held for the whole window.
 */
export class MaxTimeWindow {
  readonly #size: number;
  readonly #granularityMs: number;
  #entries: Array<{ index: number; value: number }> = [];

  constructor(windowMs: number, granularityMs: number) {
    this.#size = Math.ceil(windowMs / granularityMs);
    this.#granularityMs = granularityMs;
  }

  record(nowMs: number, value: number): void {
    const index = Math.floor(Math.floor(nowMs / 1000) / (this.#granularityMs / 1000));
    this.#entries = this.#entries.filter((e) => index - e.index < this.#size);
    const same = this.#entries.find((e) => e.index === index);
    if (same) same.value = Math.max(same.value, value);
    else this.#entries.push({ index, value });
  }

  current(): number {
    return this.#entries.reduce((m, e) => Math.max(m, e.value), 0);
  }
}
