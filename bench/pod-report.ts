/**
 * The pod-start part of the benchmark's report: start latency per pod for 1, 20 and 100
 * replicas and the runtime's memory per pod, beside a fresh `node` process per pod measured
 * in the same run, against issue 4's target (p95 < 300 ms) and Kubernetes' SLO (p99 <= 5 s).
 */
import type { PodStartResults, StartLatency } from './pod-start.ts';
import { ms, ratio, table, verdict } from './report.ts';

export const TARGET_POD_START_P95_MS = 300;
const MIB = 1024 * 1024;

export function formatPodStartReport(r: PodStartResults): string {
  const peer = r.directSpawn;
  const line = (label: string, x?: StartLatency) => [
    label, x === undefined ? '—' : `${x.pods}`, ms(x?.p50), ms(x?.p95), ms(x?.max), `${ms(x?.fromCreated.p50)} / ${ms(x?.fromCreated.p95)}`,
    ms(peer?.p50), ratio(x?.p50, peer?.p50),
    `p95 < ${TARGET_POD_START_P95_MS}`, verdict(x?.p95, (v) => v < TARGET_POD_START_P95_MS),
    x?.cpuMsPerPod === undefined ? '—' : x.cpuMsPerPod.toFixed(1),
    ms(x?.worstP95),
  ];
  const rows = [
    ['pod start: apply -> Ready', 'pods', 'p50 ms', 'p95 ms', 'max ms', 'created->Ready p50/p95', 'node spawn p50', 'ratio p50', 'target', 'result', 'skiff CPU ms/pod', 'worst p95'],
    line('1 replica (10 Deployments)', r.single),
    line('20 replicas, cold (1st burst)', r.twentyCold),
    line(`20 replicas (${r.twenty?.bursts ?? 1} bursts)`, r.twenty),
    line(`100 replicas (${r.hundred?.bursts ?? 1} bursts)`, r.hundred),
  ];
  const memory = [
    ['memory per running pod', 'skiff runtime', 'fresh node process', 'ratio'],
    ['resident set (MiB)', mib(r.memoryPerPodBytes), mib(r.directSpawnRssBytes), ratio(r.memoryPerPodBytes, r.directSpawnRssBytes)],
  ];
  const notes = [
    'Per pod: from the start of `kubectl apply -f` of a Deployment of the built-in hello-world (readiness probe: HTTP GET /, period 1 s)',
    'until a watcher sees the pod Ready=True (after one untimed apply, which has kubectl fetch the apps/v1 OpenAPI document); created->Ready starts at the pod\'s first watch event instead. Peer: spawning `node` with a four-line HTTP server and polling it until it answers.',
    'Bursts: Deployments of that size applied one after another (each once the previous one is Ready; earlier pods keep running); the row shows the median burst by p95, "worst p95" the slowest burst\'s.',
    'The cold burst is the first after the singles; then an untimed 60-pod warm-up burst (deleted again) has the JIT compile the write path, as in any skiff that has run for a while, before the other bursts.',
    'skiff CPU ms/pod: CPU time of the skiff process (control plane, kubelet, proxies; not the image hosts) from the apply until all pods were Ready, divided by the pods.',
    "Memory: growth of the resident set of skiff and all its children per hello-world pod started. Kubernetes' pod-startup SLO: p99 <= 5 s without image pulls.",
  ];
  return `${table(rows)}\n\n${table(memory)}\n\n${notes.join('\n')}\n`;
}

function mib(bytes?: number): string {
  return bytes === undefined ? '—' : (bytes / MIB).toFixed(2);
}
