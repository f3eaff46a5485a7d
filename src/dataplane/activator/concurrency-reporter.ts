/**
 * What the activator tells the autoscaler (knative/serving
 * pkg/activator/handler/concurrency_reporter.go): per revision, the time-weighted average of
 * requests in the activator (held ones included) and the number of requests, each reporting
 * period. The first request of a revision not seen in the last period is a "poke": the
 * autoscaler acts on it at once, which is what makes scale-from-zero start immediately.
 *
 * The poke stands for upstream's immediate stat (concurrency 1, one request), which the
 * autoscaler records as such; as upstream, the first report after it subtracts that request
 * so it is not counted twice.
 *
 * Pure bookkeeping with explicit times; the Activator drives `report` from a 1s timer.
 * Upstream's activator sends no proxied figures (the queue-proxy reports those, for requests
 * carrying K-Proxy-Request), so the proxied fields of its stats are 0.
 */
import type { Stat } from '../../controllers/serving/shared/contracts.ts';

interface RevisionStats {
  namespace: string;
  revision: string;
  concurrency: number;
  /** Requests still counted against this entry (so it is not dropped while they run). */
  refs: number;
  requestCount: number;
  /** ∫ concurrency dt over the current period, in request·ms. */
  area: number;
  lastChange: number;
  periodStart: number;
  /** 1 until the first report after the poke (upstream's firstRequest adjustment). */
  firstAdjustment: number;
}

export interface RequestHandle {
  readonly key: string;
}

export class ConcurrencyReporter {
  readonly #podName: string;
  readonly #onFirstSight: (namespace: string, revision: string) => void;
  readonly #stats = new Map<string, RevisionStats>();

  constructor(podName: string, onFirstSight: (namespace: string, revision: string) => void) {
    this.#podName = podName;
    this.#onFirstSight = onFirstSight;
  }

  requestIn(namespace: string, revision: string, now: number): RequestHandle {
    const key = `${namespace}/${revision}`;
    let s = this.#stats.get(key);
    if (!s) {
      s = { namespace, revision, concurrency: 0, refs: 0, requestCount: 0, area: 0, lastChange: now, periodStart: now, firstAdjustment: 1 };
      this.#stats.set(key, s);
      this.#onFirstSight(namespace, revision);
    }
    advance(s, now);
    s.concurrency++;
    s.refs++;
    s.requestCount++;
    return { key };
  }

  requestOut(handle: RequestHandle, now: number): void {
    const s = this.#stats.get(handle.key);
    if (!s) return;
    advance(s, now);
    s.concurrency = Math.max(0, s.concurrency - 1);
    s.refs = Math.max(0, s.refs - 1);
  }

  /** In-flight requests (held or proxied) per revision key `ns/name`. */
  concurrency(): Map<string, number> {
    return new Map([...this.#stats].map(([k, s]) => [k, s.concurrency]));
  }

  /**
   * One Stat per revision seen this period; revisions with no activity over the whole
   * period are forgotten afterwards (their next request pokes again).
   */
  report(now: number): Stat[] {
    const out: Stat[] = [];
    for (const [key, s] of this.#stats) {
      advance(s, now);
      const elapsed = now - s.periodStart;
      const average = elapsed > 0 ? s.area / elapsed : s.concurrency;
      out.push({
        namespace: s.namespace, revision: s.revision, podName: this.#podName,
        averageConcurrentRequests: Math.max(average - s.firstAdjustment, 0), averageProxiedConcurrentRequests: 0,
        requestCount: s.requestCount - s.firstAdjustment, proxiedRequestCount: 0, timestamp: now,
      });
      s.firstAdjustment = 0;
      if (average === 0 && s.refs === 0) this.#stats.delete(key);
      s.area = 0;
      s.requestCount = 0;
      s.periodStart = now;
    }
    return out;
  }
}

function advance(s: RevisionStats, now: number): void {
  if (now > s.lastChange) s.area += s.concurrency * (now - s.lastChange);
  s.lastChange = Math.max(s.lastChange, now);
}
