/**
 * (a) Cold start: for each try, wait until the revision has no pods at all (scaled to zero
 * by the KPA after the 6 s stable window and 2 s grace period), then time one request on a
 * new TLS connection through router -> istio-ingressgateway -> activator -> the pod the
 * request makes the autoscaler start, to the first byte of the answer. Tries rotate over a
 * pool of Knative Services, so that one scales down while the next is measured. The warm
 * figure is the same request (also on a new connection) to a revision that has a pod: what
 * the path costs without the cold start.
 */
import type { KubeHttp } from '../test/support/kube-http.ts';
import { poll, revisionPods } from './serving-cluster.ts';
import { probe, type RouterTarget } from './serving-probe.ts';
import { ksvcHost } from './serving-setup.ts';

export const EXPECTED_BODY = 'Hello Openshift!\n';
const ZERO_TIMEOUT_MS = 180_000;

export interface ColdStartSamples {
  coldMs: number[];
  warmMs: number[];
  /** Tries whose answer was not 200 `Hello Openshift!` (or that failed), with the first reason. */
  failures: number;
  firstFailure?: string;
  /** How long the benchmark waited, per try, for the revision to reach zero pods. */
  zeroWaitMs: number[];
  /** Per counted try, from the request's start: when the first pod object was listed, and when it was Ready. */
  podListedMs: number[];
  podReadyMs: number[];
}

export async function measureColdStarts(
  http: KubeHttp, router: Omit<RouterTarget, 'host'>, pool: readonly string[], warmKsvc: string, tries: number, progress: (m: string) => void,
): Promise<ColdStartSamples> {
  const out: ColdStartSamples = { coldMs: [], warmMs: [], failures: 0, zeroWaitMs: [], podListedMs: [], podReadyMs: [] };
  const fail = (why: string) => {
    out.failures++;
    out.firstFailure ??= why;
  };
  for (let i = 0; i < tries; i++) {
    const ksvc = pool[i % pool.length]!;
    const waitStarted = performance.now();
    await poll(`${ksvc}-00001 to have no pods`, async () => ((await revisionPods(http, `${ksvc}-00001`)).length === 0 ? true : undefined), ZERO_TIMEOUT_MS);
    out.zeroWaitMs.push(performance.now() - waitStarted);
    const watcher = watchPodStart(http, `${ksvc}-00001`);
    try {
      const r = await probe({ ...router, host: ksvcHost(ksvc) });
      const pod = await watcher.stop();
      if (r.status === 200 && r.body === EXPECTED_BODY) {
        out.coldMs.push(r.firstByteMs);
        if (pod.listedMs !== undefined) out.podListedMs.push(pod.listedMs);
        if (pod.readyMs !== undefined) out.podReadyMs.push(pod.readyMs);
      } else fail(`${ksvc}: HTTP ${r.status} ${JSON.stringify(r.body.slice(0, 200))}`);
    } catch (error) {
      void watcher.stop();
      fail(`${ksvc}: ${error instanceof Error ? error.message : String(error)}`);
    }
    progress(`serving (a): try ${i + 1}/${tries} ${ksvc}: ${out.coldMs.at(-1)?.toFixed(0) ?? '—'} ms`);
  }
  for (let i = 0; i < tries; i++) {
    try {
      const r = await probe({ ...router, host: ksvcHost(warmKsvc) });
      if (r.status === 200) out.warmMs.push(r.firstByteMs);
    } catch {
      // Warm figures are context only; a failed one is just not counted.
    }
  }
  return out;
}

/**
 * Lists the revision's pods every 25 ms while a cold request is in flight, to split its time
 * into: until the autoscaler's pod exists, until it is Ready, and the rest (routing the held
 * request to it). Listing granularity bounds the split's precision (about 25 ms plus a list).
 */
function watchPodStart(http: KubeHttp, revision: string): { stop(): Promise<{ listedMs?: number; readyMs?: number }> } {
  const started = performance.now();
  const seen: { listedMs?: number; readyMs?: number } = {};
  let stopped = false;
  const loop = (async () => {
    while (!stopped && seen.readyMs === undefined) {
      const pods = await revisionPods(http, revision).catch(() => []);
      const at = performance.now() - started;
      if (pods.length > 0) seen.listedMs ??= at;
      if (pods.some((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))) seen.readyMs ??= at;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  return {
    /** Stops once the pod was seen Ready, or 10 s later: the API may show Ready after the first byte (the activator probes the pod itself). */
    async stop() {
      const timer = setTimeout(() => (stopped = true), 10_000);
      await loop;
      clearTimeout(timer);
      return seen;
    },
  };
}
