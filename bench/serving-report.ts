/**
 * The serving part of the benchmark's report (issue 6 item 11): cold start beside OpenShift
 * Serverless' measured average and the issue's target, steady-state throughput of the whole
 * path beside the pod called directly, and the autoscaler's reaction to a concurrency step.
 */
import type { WrkResult } from './mesh-wrk.ts';
import { ms, ratio, table, verdict } from './report.ts';
import { HIGH_CONCURRENCY, LOW_CONCURRENCY, DELAY_SECONDS } from './serving-autoscale.ts';
import type { ServingResults } from './serving-bench.ts';
import { COLD_POOL } from './serving-bench.ts';
import { changes, summariseTries } from './serving-stats.ts';
import { STEADY_CONNECTIONS, STEADY_THREADS } from './serving-steady.ts';

export const TARGET_COLD_P50_MS = 300;
/** OpenShift Serverless' average scale-from-zero response (reference/knative.md §3.1). */
export const SERVERLESS_COLD_AVG_MS = 3400;

export function formatServingReport(r: ServingResults): string {
  const cold = r.cold ? summariseTries(r.cold.coldMs) : undefined;
  const warm = r.cold ? summariseTries(r.cold.warmMs) : undefined;
  const listed = r.cold ? summariseTries(r.cold.podListedMs) : undefined;
  const ready = r.cold ? summariseTries(r.cold.podReadyMs) : undefined;
  const coldTable = [
    ['(a) cold start, first byte', 'tries', 'p50 ms', 'p95 ms', 'mean ms', 'max ms', 'peer', 'target', 'result'],
    ['scale from zero, whole path', cold ? `${cold.tries}` : '—', ms(cold?.p50), ms(cold?.p95), ms(cold?.mean), ms(cold?.max),
      `Serverless avg ${SERVERLESS_COLD_AVG_MS}`, `p50 < ${TARGET_COLD_P50_MS}`, verdict(cold?.p50, (v) => v < TARGET_COLD_P50_MS)],
    ['  of which: until the pod is listed', `${r.cold?.podListedMs.length ?? '—'}`, ms(listed?.p50), ms(listed?.p95), ms(listed?.mean), ms(listed?.max), '', '', ''],
    ['  of which: until the pod is Ready', `${r.cold?.podReadyMs.length ?? '—'}`, ms(ready?.p50), ms(ready?.p95), ms(ready?.mean), ms(ready?.max), '', '', ''],
    ['warm revision, new connection', warm ? `${warm.tries}` : '—', ms(warm?.p50), ms(warm?.p95), ms(warm?.mean), ms(warm?.max), '', '', ''],
    ['', '', '', '', '', '', `skiff/Serverless (mean)`, ratio(cold?.mean, SERVERLESS_COLD_AVG_MS), ''],
  ];
  const s = r.steady;
  const rps = (x?: WrkResult) => (x === undefined || Number.isNaN(x.requestsPerSec) ? '—' : Math.round(x.requestsPerSec).toString());
  const failed = (x?: WrkResult) => (x === undefined ? '—' : `${x.failures}/${x.requests}`);
  const steadyRow = (label: string, x?: WrkResult) => [label, rps(x), ratio(x?.requestsPerSec, s?.direct?.requestsPerSec), ms(x?.meanMs), ms(x?.p99Ms), ratio(x?.p99Ms, s?.direct?.p99Ms), failed(x)];
  const steadyTable = [
    ['(b) steady state, wrk', 'requests/s', 'ratio', 'mean ms', 'p99 ms', 'p99 ratio', 'failed'],
    steadyRow('pod directly (peer), :8080', s?.direct),
    steadyRow('queue-proxy -> app, :8012', s?.queueProxy),
    steadyRow(`whole path (SKS ${s?.fullPathMode ?? '?'})`, s?.fullPath),
    steadyRow(`whole path, default TBC (SKS ${s?.viaActivatorMode ?? '?'})`, s?.viaActivator),
  ];
  const a = r.autoscale;
  const seconds = (x?: number) => (x === undefined ? 'not reached' : (x / 1000).toFixed(1));
  const autoscaleTable = [
    ['(c) autoscaler, step 50 -> 500', 'expected', 'desired at 50', 'to desired s', 'to ready s', 'max desired', 'requests ok/failed'],
    [`concurrency ${LOW_CONCURRENCY} -> ${HIGH_CONCURRENCY}`, a ? `${a.expected}` : '—', a?.desiredBeforeStep?.toString() ?? '—', seconds(a?.toDesiredMs), seconds(a?.toActualMs),
      a ? `${a.maxDesired}` : '—', a ? `${a.answered}/${a.failed}` : '—'],
  ];
  const notes = [
    `(a) ${r.cold?.coldMs.length ?? 0} cold starts over ${COLD_POOL} hello-world Knative Services shaped like seed 002's, each try after its revision had no pods`,
    '    (6 s stable window, 2 s grace period); a new TLS connection from 127.0.0.1 to the router (SNI = the ksvc host, the seed\'s root CA), through',
    '    istio-ingressgateway -> activator -> the new pod; first byte = the response head. Peer: OpenShift Serverless averages 3.4 s (reference/knative.md §3.1).',
    '    "of which": from the request\'s start until a 25 ms pod-list poll first saw the revision\'s pod, and saw it Ready in the API',
    '    (the activator probes the new pod itself, so the API may show Ready after the first byte).',
    ...(r.cold && r.cold.failures > 0 ? [`    FAILED tries: ${r.cold.failures}, first: ${r.cold.firstFailure}`] : []),
    `(b) wrk -t${STEADY_THREADS} -c${STEADY_CONNECTIONS} -d${r.seconds}s --latency after 2 s warm-up, one after the other, not pinned; ratio = row / pod directly. Whole path: HTTPS to the router`,
    '    (TLS terminated at the gateway, then plain HTTP), min-scale 1 and target-burst-capacity 0 (Knative keeps the activator out of the path while pods exist);',
    '    default TBC: Knative\'s 211, so with one pod the activator stays in the path (Proxy). Peer: plain HTTP to the hello-world container\'s :8080',
    '    at the pod\'s own address (a meshed pod\'s inner address, past its sidecar).',
    ...([['pod directly', s?.direct], ['queue-proxy', s?.queueProxy], ['whole path', s?.fullPath], ['default TBC', s?.viaActivator]] as const)
      .filter(([, x]) => x !== undefined && x.failures > 0)
      .map(([label, x]) => `    FAILED requests in (b) ${label}: ${x!.failures} (non-2xx/3xx answers and socket errors; ${x!.requests} responses in all)`),
    `(c) closed-loop undici load through the router to the echo image's /delay/${DELAY_SECONDS} (min-scale 1, the revision's window 60 s = Knative's default, so a 6 s panic`,
    `    window; target 100 × utilization 70 %); ${LOW_CONCURRENCY} concurrent for 12 s, then ${HIGH_CONCURRENCY}; times from the step until PodAutoscaler status.desiredScale,`,
    '    then status.actualScale, reach the expected scale; PA polled every 100 ms.',
    ...(a ? [`    desiredScale after the step (value@s): ${changes(a.series.map((x) => ({ atMs: x.atMs, value: x.desired })))}`,
      `    actualScale after the step (value@s): ${changes(a.series.map((x) => ({ atMs: x.atMs, value: x.actual })))}`,
      `    client requests in flight after the step (by 50, value@s): ${changes(a.series.map((x) => ({ atMs: x.atMs, value: Math.floor(x.inFlight / 50) * 50 })))}`] : []),
    ...(a?.firstError ? [`    first failed request: ${a.firstError}`] : []),
    ...r.errors.map((e) => `FAILED ${e}`),
    `Setup (skiff up, seed 002, 7 ksvcs Ready): ${r.setupMs === undefined ? '—' : (r.setupMs / 1000).toFixed(0)} s. ${r.cpus} CPUs; load average (1 min) before/after: ${r.loadBefore.toFixed(1)} / ${r.loadAfter.toFixed(1)}.`,
  ];
  return `${table(coldTable)}\n\n${table(steadyTable)}\n\n${table(autoscaleTable)}\n\n${notes.join('\n')}\n`;
}
