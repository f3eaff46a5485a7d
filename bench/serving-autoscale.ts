/**
 * (c) Autoscaler reaction: a closed-loop load of 50 concurrent requests to the echo image's
 * `/delay/<s>` through the router on a revision with one pod (min-scale 1) and Knative's
 * default 60 s stable window (so 6 s panic window), held until the KPA has settled at 1, then
 * stepped to 500. Measured from the step: when the PodAutoscaler's status.desiredScale first
 * reaches the scale the KPA should want for 500 (ceil(500 / (100 × 0.7)) = 8), and when
 * status.actualScale (ready pods) does. The PA is polled every 100 ms.
 */
import type { KubeHttp } from '../test/support/kube-http.ts';
import { podAutoscalerScales } from './serving-cluster.ts';
import type { RouterTarget } from './serving-probe.ts';
import { startSteppedLoad } from './serving-load.ts';
import { expectedScale, firstReachedMs } from './serving-stats.ts';

export const LOW_CONCURRENCY = 50;
export const HIGH_CONCURRENCY = 500;
/**
 * Long requests keep the request rate low (500 concurrent = 50 requests/s), so the step
 * measures the autoscaler and not the data path's throughput (wrk (b) shows the path
 * saturating at a few hundred requests/s on a busy two-CPU machine).
 */
export const DELAY_SECONDS = 10;
const SETTLE_MS = 12_000;
const AFTER_STEP_MS = 45_000;

export interface AutoscaleResults {
  expected: number;
  /** desiredScale seen while at 50 (should stay 1). */
  desiredBeforeStep?: number;
  toDesiredMs?: number;
  toActualMs?: number;
  /** The highest desiredScale seen after the step. */
  maxDesired: number;
  /** desiredScale / actualScale samples after the step, for the record. */
  series: Array<{ atMs: number; desired: number; actual: number; inFlight: number }>;
  answered: number;
  failed: number;
  firstError?: string;
}

export async function measureAutoscaleReaction(http: KubeHttp, target: RouterTarget, revision: string, progress: (m: string) => void): Promise<AutoscaleResults> {
  const expected = expectedScale(HIGH_CONCURRENCY);
  const load = startSteppedLoad(target, `/delay/${DELAY_SECONDS}`, HIGH_CONCURRENCY);
  try {
    progress(`serving (c): ${LOW_CONCURRENCY} concurrent /delay/${DELAY_SECONDS} for ${SETTLE_MS / 1000} s`);
    load.setConcurrency(LOW_CONCURRENCY);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const before = await podAutoscalerScales(http, revision);
    progress(`serving (c): step to ${HIGH_CONCURRENCY}; waiting for desiredScale >= ${expected}`);
    const step = performance.now();
    load.setConcurrency(HIGH_CONCURRENCY);
    const series: AutoscaleResults['series'] = [];
    while (performance.now() - step < AFTER_STEP_MS) {
      const s = await podAutoscalerScales(http, revision).catch(() => undefined);
      if (s) series.push({ atMs: performance.now() - step, desired: s.desired ?? 0, actual: s.actual ?? 0, inFlight: load.inFlight });
      const last = series.at(-1);
      if (last && last.desired >= expected && last.actual >= expected) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const toDesiredMs = firstReachedMs(series.map((s) => ({ atMs: s.atMs, value: s.desired })), expected);
    const toActualMs = firstReachedMs(series.map((s) => ({ atMs: s.atMs, value: s.actual })), expected);
    return {
      expected,
      ...(before.desired !== undefined ? { desiredBeforeStep: before.desired } : {}),
      ...(toDesiredMs !== undefined ? { toDesiredMs } : {}),
      ...(toActualMs !== undefined ? { toActualMs } : {}),
      maxDesired: Math.max(0, ...series.map((s) => s.desired)),
      series,
      answered: load.answered,
      failed: load.failed,
      ...(load.firstError !== undefined ? { firstError: load.firstError } : {}),
    };
  } finally {
    await load.stop();
  }
}
