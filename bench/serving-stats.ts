/** Pure helpers of the serving benchmark: latency percentiles and the scale the KPA should want. */
import { percentile } from './stats.ts';

export interface ColdStartSummary {
  tries: number;
  p50: number;
  p95: number;
  mean: number;
  max: number;
}

export function summariseTries(samples: readonly number[]): ColdStartSummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.length === 0 ? Number.NaN : sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
  return { tries: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean, max: sorted.at(-1) ?? Number.NaN };
}

/**
 * The pod count Knative's KPA wants for a steady concurrency: concurrency divided by the
 * per-pod target (container-concurrency-target-default × utilization, 100 × 70 % = 70 by
 * default), rounded up, as autoscaler/pkg/autoscaler/scaling does.
 */
export function expectedScale(concurrency: number, targetPerPod = 100, utilization = 0.7): number {
  return Math.ceil(concurrency / (targetPerPod * utilization));
}

/** Milliseconds since `t0` when the series first holds a sample at or above `value`, else undefined. */
export function firstReachedMs(samples: ReadonlyArray<{ atMs: number; value: number }>, value: number): number | undefined {
  return samples.find((s) => s.value >= value)?.atMs;
}

/** `1@0.0 2@4.1 8@9.3`: each value the series changes to, with the seconds it was first seen at. */
export function changes(samples: ReadonlyArray<{ atMs: number; value: number }>): string {
  const out: string[] = [];
  let last: number | undefined;
  for (const s of samples) {
    if (s.value === last) continue;
    last = s.value;
    out.push(`${s.value}@${(s.atMs / 1000).toFixed(1)}`);
  }
  return out.join(' ');
}
