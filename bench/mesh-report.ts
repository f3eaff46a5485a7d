/**
 * The mesh part of the benchmark's report (issue 5 item 13): the TLS gateway beside nginx on
 * the same upstream with the ratio and issue 5's target (>= 0.7x nginx, stretch >= 1x), config
 * propagation, and the figures that cannot be measured until sidecars exist.
 */
import type { MeshResults } from './mesh-gateway.ts';
import { WRK_CONNECTIONS, WRK_THREADS } from './mesh-gateway.ts';
import type { WrkResult } from './mesh-wrk.ts';
import { ms, ratio, table, verdict } from './report.ts';

export const TARGET_GATEWAY_RATIO = 0.7;
export const STRETCH_GATEWAY_RATIO = 1;

export function formatMeshReport(r: MeshResults): string {
  const rps = (x?: WrkResult) => (x === undefined || Number.isNaN(x.requestsPerSec) ? '—' : Math.round(x.requestsPerSec).toString());
  const failures = (x?: WrkResult) => (x === undefined ? '—' : `${x.failures}/${x.requests}`);
  const rateRatio = r.skiff && r.nginx ? r.skiff.requestsPerSec / r.nginx.requestsPerSec : undefined;
  const gateway = [
    ['(a) TLS gateway, keep-alive', 'skiff gateway', 'nginx', 'skiff/nginx', 'target', 'result'],
    ['requests/s', rps(r.skiff), rps(r.nginx), ratio(r.skiff?.requestsPerSec, r.nginx?.requestsPerSec),
      `>= ${TARGET_GATEWAY_RATIO}x`, verdict(rateRatio, (v) => v >= TARGET_GATEWAY_RATIO)],
    ['', '', '', '', `>= ${STRETCH_GATEWAY_RATIO}x (stretch)`, verdict(rateRatio, (v) => v >= STRETCH_GATEWAY_RATIO)],
    ['mean latency ms', ms(r.skiff?.meanMs), ms(r.nginx?.meanMs), ratio(r.skiff?.meanMs, r.nginx?.meanMs), '', ''],
    ['p99 latency ms', ms(r.skiff?.p99Ms), ms(r.nginx?.p99Ms), ratio(r.skiff?.p99Ms, r.nginx?.p99Ms), '', ''],
    ['failed / requests', failures(r.skiff), failures(r.nginx), '', '', ''],
  ];
  const p = r.propagation;
  const propagation = [
    ['(d) config propagation', 'tries', 'p50 ms', 'p95 ms', 'max ms', 'kubectl apply p50 ms', 'polls (failed)'],
    ['apply VirtualService -> first 200', p ? `${p.tries}` : '—', ms(p?.p50), ms(p?.p95), ms(p?.max), ms(p?.applyP50), p ? `${p.polls} (${p.failedPolls})` : '—'],
  ];
  const notes = [
    `(a) wrk -t${WRK_THREADS} -c${WRK_CONNECTIONS} -d${r.seconds}s --latency over HTTPS (the same ECDSA P-256 certificate on both), after a 2 s warm-up of each; the same upstream nginx`,
    '    (1 worker, 13-byte body) behind both. skiff: `skiff up` with an SMCP, a Gateway (tls SIMPLE, credentialName) and a VirtualService to a selector-less',
    '    Service whose EndpointSlice names the upstream; wrk hits the istio-ingressgateway pod IP:8443. nginx: 1 worker, ssl + proxy_pass with upstream keepalive.',
    `    TLS negotiated by a default client: skiff ${r.skiffTls ?? '—'}, nginx ${r.nginxTls ?? '—'}.`,
    r.pinning
      ? `    Pinned with taskset: skiff's process (which hosts the gateway proxy) and the nginx peer on CPU ${r.pinning.proxy}; wrk and the upstream on CPU ${r.pinning.load}.`
      : '    Not pinned (fewer than 2 CPUs).',
    '(d) from the start of `kubectl apply -f` of a VirtualService for a new host until a loop of requests on one kept-alive TLS connection gets 200',
    '    (404 before); kubectl apply p50 is the part spent in kubectl itself.',
    '(b) latency added by gateway -> mTLS -> app at 1,000 rps and (c) proxy memory per meshed pod: see the meshed path below (bench/mesh-sidecar.ts).',
    ...(r.propagationError ? [`(d) FAILED: ${r.propagationError}`] : []),
    ...(p?.firstFailure ? [`(d) failed polls: ${p.failedPolls}, first: ${p.firstFailure}`] : []),
    `Load average (1 min) before/after: ${r.loadBefore.toFixed(1)} / ${r.loadAfter.toFixed(1)}.`,
  ];
  return `${table(gateway)}\n\n${table(propagation)}\n\n${notes.join('\n')}\n`;
}
