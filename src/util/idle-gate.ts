/**
 * Waiting for a moment when the event loop has room: how best-effort background work
 * (Events above all) stays out of the way of the work it reports on. skiff's control
 * plane, kubelet and proxies share one event loop; a burst of pod starts brings a burst of
 * Events, and written at once they took up to a third of the loop while the pods were still
 * starting. The kubelet's event broadcaster has a goroutine of its own and a rate limit for
 * the same reason.
 *
 * `whenIdle` samples the loop's utilisation over short slices and resolves in the first
 * slice in which the loop was busy less than half the time — or after `maxWaitMs`, so
 * background work is deferred under load, never starved — or at the end of the slice in
 * which `goNow()` turned true (a caller that must finish now, e.g. on shutdown).
 */
import { performance } from 'node:perf_hooks';

const SLICE_MS = 10;
const BUSY_BELOW = 0.5;

export async function whenIdle(maxWaitMs: number, goNow: () => boolean = () => false): Promise<void> {
  const deadline = performance.now() + maxWaitMs;
  for (;;) {
    const before = performance.eventLoopUtilization();
    await new Promise<void>((resolve) => setTimeout(resolve, SLICE_MS));
    if (goNow() || performance.eventLoopUtilization(before).utilization < BUSY_BELOW) return;
    if (performance.now() >= deadline) return;
  }
}
