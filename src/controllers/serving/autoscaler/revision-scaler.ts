/**
 * One revision's running decider (upstream's scalerRunner in multiscaler.go with its
 * collection): the spec, the metric history, the panic state, and the latest decision the
 * PodAutoscaler reconciler reads. `tick` reports whether the decision changed in a way the
 * reconciler must see (a new count, or the burst capacity crossing zero).
 */
import type { Stat } from '../shared/contracts.ts';
import { MetricCollection } from './collector.ts';
import { MaxTimeWindow } from './buckets.ts';
import { type DeciderState, initialDeciderState, type Observed, scale, TICK_MS } from './decider.ts';
import type { RevisionScalingSpec } from './spec.ts';

export interface Decision {
  /** -1 until there is data. */
  desiredScale: number;
  excessBurstCapacity: number;
}

const sameSign = (a: number, b: number): boolean => (a < 0) === (b < 0);

export class RevisionScaler {
  spec: RevisionScalingSpec;
  collection: MetricCollection;
  decision: Decision;
  /** The stable and panic averages the latest decision was made on (the metrics report them). */
  observed: Observed | undefined;
  #state: DeciderState;

  constructor(spec: RevisionScalingSpec, readyPods: number, nowMs: number) {
    this.spec = spec;
    this.collection = new MetricCollection(spec);
    this.#state = initialDeciderState(spec, readyPods, nowMs);
    const tbc = spec.targetBurstCapacity;
    // Before the first decision: the burst capacity the initial scale would give.
    this.decision = { desiredScale: -1, excessBurstCapacity: tbc === -1 || tbc === 0 ? tbc : Math.trunc(spec.initialScale * spec.total - tbc) };
  }

  /** A changed spec: windows of another size start a fresh history; the panic state stays. */
  update(spec: RevisionScalingSpec): void {
    if (!this.collection.sameShape(spec)) this.collection = new MetricCollection(spec);
    if (spec.scaleDownDelayMs !== this.spec.scaleDownDelayMs) {
      this.#state = { ...this.#state, delayWindow: spec.scaleDownDelayMs > 0 ? new MaxTimeWindow(spec.scaleDownDelayMs, TICK_MS) : undefined };
    }
    this.spec = spec;
  }

  record(nowMs: number, stat: Pick<Stat, 'averageConcurrentRequests' | 'averageProxiedConcurrentRequests' | 'requestCount' | 'proxiedRequestCount'>): void {
    this.collection.record(nowMs, stat);
  }

  /** Decides; true when the reconciler should look again. No data: no decision (the last one stands). */
  tick(readyPods: number, nowMs: number, scraping: boolean): boolean {
    const observed = this.collection.observed(this.spec.metric, nowMs, scraping);
    if (!observed) return false;
    this.observed = observed;
    const { result, state } = scale(this.spec, this.#state, observed, readyPods, nowMs);
    this.#state = state;
    const changed = result.desiredPodCount !== this.decision.desiredScale || !sameSign(result.excessBurstCapacity, this.decision.excessBurstCapacity);
    this.decision = { desiredScale: result.desiredPodCount, excessBurstCapacity: result.excessBurstCapacity };
    return changed;
  }

  get panicking(): boolean {
    return this.#state.panicTime !== undefined;
  }
}
