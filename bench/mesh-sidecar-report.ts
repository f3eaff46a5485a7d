/**
 * The meshed-path part of the benchmark's report (issue 5 item 13 (b) and (c)): latency of
 * four paths at a fixed rate, what the mesh adds (differences of percentiles) against the
 * < 1 ms p90 target, and skiff's memory per unmeshed and per meshed pod with the sidecar's
 * share against the < 5 MB target. Pure: figures in, text out.
 */
import type { PacedResult } from './mesh-sidecar-paced.ts';
import { MEMORY_PODS, PACED_CONNECTIONS, PRIMING_PODS, PACED_RATE, ROUNDS, ROUND_WARMUP_SECONDS, WARMUP_SECONDS, type MemorySample, type SidecarMemory, type SidecarResults } from './mesh-sidecar.ts';
import { table, verdict } from './report.ts';

export const TARGET_ADDED_P90_MS = 1;
export const TARGET_SIDECAR_MB_PER_POD = 5;
/** Istio 1.x's published figures for its sidecar pair, for scale. */
const ISTIO_ADDED_P90_MS = 2.76;

const MB = 1024 * 1024;

/** Milliseconds with two decimals (sub-millisecond differences matter here), or a dash. */
export function ms2(x: number | undefined): string {
  return x === undefined || Number.isNaN(x) ? '—' : x.toFixed(2);
}

export function mb(bytes: number | undefined): string {
  return bytes === undefined || Number.isNaN(bytes) ? '—' : (bytes / MB).toFixed(2);
}

/** `a − b` per percentile, undefined when either side is missing. */
export function added(a?: PacedResult, b?: PacedResult): { p50: number; p90: number; p99: number } | undefined {
  return a && b ? { p50: a.p50 - b.p50, p90: a.p90 - b.p90, p99: a.p99 - b.p99 } : undefined;
}

/** Growth per added pod of each kind: every step's growth over the reading before it, averaged by kind. */
export function memoryPerPod(m: SidecarMemory): Record<'unmeshed' | 'meshed', MemorySample> {
  const zero = () => ({ rssBytes: 0, ownRssBytes: 0, heapBytes: 0, pods: 0 });
  const sums = { unmeshed: zero(), meshed: zero() };
  let before = m.baseline;
  for (const step of m.steps) {
    const sum = sums[step.added];
    sum.rssBytes += step.after.rssBytes - before.rssBytes;
    sum.ownRssBytes += step.after.ownRssBytes - before.ownRssBytes;
    sum.heapBytes += step.after.heapBytes - before.heapBytes;
    sum.pods += m.podsPerStep;
    before = step.after;
  }
  const per = (s: typeof sums.meshed) => ({ rssBytes: s.rssBytes / s.pods, ownRssBytes: s.ownRssBytes / s.pods, heapBytes: s.heapBytes / s.pods });
  return { unmeshed: per(sums.unmeshed), meshed: per(sums.meshed) };
}

export function formatSidecarReport(r: SidecarResults): string {
  const p = r.paths;
  const row = (label: string, x?: PacedResult) => [label, ms2(x?.p50), ms2(x?.p90), ms2(x?.p99), ms2(x?.max),
    x ? `${x.failures}/${x.requests}` : '—', x ? `${x.lateSends}` : '—', x ? `${Math.round(x.achievedPerSec)}` : '—', '', ''];
  const diff = (label: string, d: ReturnType<typeof added>, target = '') => [label, ms2(d?.p50), ms2(d?.p90), ms2(d?.p99), '', '', '', '', target,
    target ? verdict(d?.p90, (v) => v < TARGET_ADDED_P90_MS) : ''];
  const full = added(p?.gatewayMeshed, p?.directMeshed);
  const latency = [
    [`(b) latency at ${PACED_RATE} req/s, ms`, 'p50', 'p90', 'p99', 'max', 'failed', 'late', 'req/s', 'target', 'result'],
    row('direct -> meshed app (inner address)', p?.directMeshed),
    row('direct -> unmeshed twin (pod IP)', p?.directPlain),
    row('gateway -> unmeshed twin', p?.gatewayPlain),
    row('gateway -> mTLS -> sidecar -> app', p?.gatewayMeshed),
    diff('added: full meshed path - direct', full, `p90 < ${TARGET_ADDED_P90_MS} ms`),
    diff('  of which gateway (gw->twin - direct twin)', added(p?.gatewayPlain, p?.directPlain)),
    diff('  of which mTLS + sidecar (full - gw->twin)', added(p?.gatewayMeshed, p?.gatewayPlain)),
  ];
  const lines = [table(latency)];
  const m = r.memory;
  if (m) {
    const per = memoryPerPod(m);
    const sidecarRss = per.meshed.rssBytes - per.unmeshed.rssBytes;
    const pods = m.steps.filter((s) => s.added === 'meshed').length * m.podsPerStep;
    lines.push('', table([
      [`(c) memory per pod, ${pods} + ${pods} pods, MB`, 'unmeshed', 'meshed', 'sidecar (difference)', 'target', 'result'],
      ['skiff process tree RSS', mb(per.unmeshed.rssBytes), mb(per.meshed.rssBytes), mb(sidecarRss), `< ${TARGET_SIDECAR_MB_PER_POD} MB`,
        verdict(sidecarRss / MB, (v) => v < TARGET_SIDECAR_MB_PER_POD)],
      ['  of which skiff\'s own process RSS', mb(per.unmeshed.ownRssBytes), mb(per.meshed.ownRssBytes), mb(per.meshed.ownRssBytes - per.unmeshed.ownRssBytes), '', ''],
      ['    of which its live V8 heap', mb(per.unmeshed.heapBytes), mb(per.meshed.heapBytes), mb(per.meshed.heapBytes - per.unmeshed.heapBytes), '', ''],
    ]));
    const readings = m.steps.map((s) => `+${m.podsPerStep} ${s.added} ${mb(s.after.rssBytes)}`).join(', ');
    lines.push(`    RSS of skiff and its children, MB: ${mb(m.baseline.rssBytes)} at the start, then ${readings}.`);
  }
  const notes = [
    `(b) open loop: request n due at start + n/${PACED_RATE} s over ${PACED_CONNECTIONS} keep-alive connections (undici); ${WARMUP_SECONDS} s warm-up per path, then ${ROUNDS} rounds`,
    `    in which the paths take turns (rotating order), each ${r.seconds / ROUNDS} s measured after ${ROUND_WARMUP_SECONDS} s on fresh connections: ${r.seconds} s per path in all;`,
    '    latency from handing the request to the client until its body is read. "late": requests the client sent > 1 ms after they were due (its own timer lag).',
    '    The same built-in hello-world image behind every path; the gateway is the istio-ingressgateway pod (plain HTTP on 8080), the unmeshed twin has a',
    `    DestinationRule with TLS off; the meshed pod's sidecar is STRICT (seed SMCP, security.dataPlane.mtls). For scale: Istio's sidecar pair adds ${ISTIO_ADDED_P90_MS} ms p90.`,
    r.pinning
      ? `    Pinned with taskset: skiff and all its children (proxies, apps) on CPU ${r.pinning.proxy}, the load generator on CPU ${r.pinning.load}.`
      : '    Not pinned (SKIFF_BENCH_PIN=on pins): the scheduler spreads skiff, its image host and the load generator over the CPUs.',
    '(c) skiff\'s process tree RSS (/proc VmRSS of skiff, its image hosts and helpers) after a forced full GC of skiff (DevTools protocol), median of 3 readings 1 s apart;',
    `    after ${PRIMING_PODS} replicas of each kind (one-off growth), replicas added ${MEMORY_PODS} at a time: unmeshed, meshed, meshed, unmeshed (ABBA, so that growth`,
    '    with the pod count weighs on both kinds alike). Per pod: the growth of each step over the reading before it, averaged by kind. A meshed pod\'s',
    '    cost includes its istio-proxy container (the agent), its workload certificate and its sidecar (listeners, compiled inbound policy, metrics).',
    ...(r.latencyError ? [`(b) FAILED: ${r.latencyError}`] : []),
    ...(r.memoryError ? [`(c) FAILED: ${r.memoryError}`] : []),
    ...failures(p),
    `Load average (1 min) before/after: ${r.loadBefore.toFixed(1)} / ${r.loadAfter.toFixed(1)}.`,
  ];
  return `${lines.join('\n')}\n\n${notes.join('\n')}\n`;
}

function failures(p: SidecarResults['paths']): string[] {
  if (!p) return [];
  return Object.entries(p).filter(([, x]) => x.failures > 0).map(([name, x]) => `(b) ${name}: ${x.failures} failed, first: ${x.firstFailure}`);
}
