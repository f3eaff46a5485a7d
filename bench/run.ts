/**
 * `npm run bench`: API write throughput and watch delivery latency of skiff on the embedded
 * store and on etcd, side by side with raw etcd measured in the same run, against the
 * targets of issue 3 (>= 2000 creates/s embedded, watch p99 < 50 ms); then pod start latency
 * and memory per pod beside a fresh node process (issue 4); then the mesh's TLS gateway beside
 * nginx and its config propagation (issue 5, bench/mesh-gateway.ts), and the meshed path's added
 * latency and sidecar memory (issue 5 (b), (c), bench/mesh-sidecar.ts); then Knative Serving's cold
 * start, steady state and autoscaler reaction (issue 6, bench/serving-bench.ts). A benchmark, not a
 * test: it prints figures and PASS/MISS, and exits 0 either way (1 only if it cannot run).
 *
 * Phases run one after another so that each has the machine to itself; every target is
 * started fresh and stopped afterwards. Environment:
 *   SKIFF_BENCH_SECONDS   measured seconds per throughput/latency phase (default 8)
 *   SKIFF_BENCH_ONLY      `embedded`, `etcd`, `raw`, `pods`, `mesh`, `sidecar` or `serving` to run one part
 *                         only (`mesh` includes `sidecar`)
 *   SKIFF_BENCH_CPU_PROF  directory for V8 CPU profiles of the skiff processes
 *   SKIFF_BENCH_PIN       `on`: the sidecar part pins skiff to CPU 0 and the load generator to CPU 1
 */
import { loadavg } from 'node:os';
import { ensureNamespace, measureCreates, measureUpdates, type WriteLoadOptions } from './api-writes.ts';
import { measureEtcdPuts } from './etcd-puts.ts';
import { processCpuSeconds } from './process-cpu.ts';
import { measureMesh, type MeshResults } from './mesh-gateway.ts';
import { formatMeshReport } from './mesh-report.ts';
import { measureSidecar, type SidecarResults } from './mesh-sidecar.ts';
import { formatSidecarReport } from './mesh-sidecar-report.ts';
import { measureServing, type ServingResults } from './serving-bench.ts';
import { formatServingReport } from './serving-report.ts';
import { formatPodStartReport } from './pod-report.ts';
import { measurePodStarts, type PodStartResults } from './pod-start.ts';
import { formatReport, type BenchResults, type TargetFigures } from './report.ts';
import { startEtcdTarget, startSkiffTarget } from './targets.ts';
import { measureApiWatchLatency, measureEtcdWatchLatency, type WatchLoadOptions } from './watch-latency.ts';
import { kubeHttpFor } from '../test/support/kube-http.ts';

const CLIENTS = 32;
const WATCHERS = 100;
const WATCHED_OBJECTS = 10;
const WRITES_PER_SEC = 100;
const seconds = Number(process.env.SKIFF_BENCH_SECONDS ?? 8);
const only = process.env.SKIFF_BENCH_ONLY;

const load: WriteLoadOptions = { clients: CLIENTS, warmupMs: 2000, durationMs: seconds * 1000 };
const watch: WatchLoadOptions = {
  watchers: WATCHERS,
  objects: WATCHED_OBJECTS,
  ratePerSec: WRITES_PER_SEC,
  warmupWrites: WRITES_PER_SEC,
  measuredWrites: seconds * WRITES_PER_SEC,
};

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function benchSkiff(label: string, store: string): Promise<TargetFigures> {
  progress(`${label}: starting skiff up --store ${store.startsWith('etcd') ? 'etcd://…' : store}`);
  const skiff = await startSkiffTarget(store);
  try {
    const http = await kubeHttpFor(skiff.kubeconfig, { connections: CLIENTS });
    const measured = { ...load, serverCpu: () => processCpuSeconds(skiff.pid) };
    try {
      await ensureNamespace(http, 'bench');
      progress(`${label}: creates, ${CLIENTS} clients, ${seconds} s`);
      const creates = await measureCreates(http, 'bench', measured);
      progress(`${label}: updates, ${CLIENTS} clients, ${seconds} s`);
      const updates = await measureUpdates(http, 'bench', measured);
      progress(`${label}: watch latency, ${WATCHERS} watchers, ${WRITES_PER_SEC} updates/s`);
      const watchResult = await measureApiWatchLatency(skiff.kubeconfig, 'bench-watch', watch);
      return { creates, updates, watch: watchResult };
    } finally {
      await http.close();
    }
  } finally {
    await skiff.stop();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const results: BenchResults = {
    embedded: {}, skiffEtcd: {}, clients: CLIENTS, watchers: WATCHERS, seconds, writesPerSec: WRITES_PER_SEC, loadBefore: loadavg()[0]!, loadAfter: 0,
  };
  if (only === undefined || only === 'embedded') results.embedded = await benchSkiff('skiff embedded', 'embedded');
  if (only === undefined || only === 'etcd') {
    const etcd = await startEtcdTarget();
    try {
      results.skiffEtcd = await benchSkiff('skiff on etcd', etcd.url);
    } finally {
      await etcd.stop();
    }
  }
  if (only === undefined || only === 'raw') {
    const etcd = await startEtcdTarget();
    try {
      progress(`raw etcd: puts, ${CLIENTS} concurrent callers, ${seconds} s`);
      // Values the size skiff stores for the benchmark's ConfigMaps (with metadata and managedFields).
      results.etcdPuts = await measureEtcdPuts(etcd.endpoint, storedSizeValue(), { ...load, serverCpu: () => processCpuSeconds(etcd.pid) });
      progress(`raw etcd: watch latency, ${WATCHERS} watchers, ${WRITES_PER_SEC} puts/s`);
      results.etcdWatch = await measureEtcdWatchLatency(etcd.endpoint, watch);
    } finally {
      await etcd.stop();
    }
  }
  let pods: PodStartResults | undefined;
  if (only === undefined || only === 'pods') {
    const skiff = await startSkiffTarget('embedded');
    try {
      pods = await measurePodStarts(skiff.kubeconfig, skiff.pid, progress);
    } finally {
      await skiff.stop();
    }
  }
  let mesh: MeshResults | undefined;
  if (only === undefined || only === 'mesh') mesh = await measureMesh(seconds, progress);
  let sidecar: SidecarResults | undefined;
  if (only === undefined || only === 'mesh' || only === 'sidecar') sidecar = await measureSidecar(seconds, progress);
  let serving: ServingResults | undefined;
  if (only === undefined || only === 'serving') serving = await measureServing(seconds, progress);
  results.loadAfter = loadavg()[0]!;
  if (only !== 'pods' && only !== 'mesh' && only !== 'sidecar' && only !== 'serving') process.stdout.write(`\n${formatReport(results)}`);
  if (pods !== undefined) process.stdout.write(`\n${formatPodStartReport(pods)}`);
  if (mesh !== undefined) process.stdout.write(`\n${formatMeshReport(mesh)}`);
  if (sidecar !== undefined) process.stdout.write(`\n${formatSidecarReport(sidecar)}`);
  if (serving !== undefined) process.stdout.write(`\n${formatServingReport(serving)}`);
  progress(`done in ${Math.round((performance.now() - started) / 1000)} s`);
}

/** A JSON value shaped and sized like a ConfigMap skiff stores for the write phases. */
function storedSizeValue(): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'create-0-0', namespace: 'bench', uid: '00000000-0000-0000-0000-000000000000', resourceVersion: '1',
      creationTimestamp: new Date().toISOString(), labels: { app: 'skiff-bench' },
      managedFields: [{ manager: 'undici', operation: 'Update', apiVersion: 'v1', time: new Date().toISOString(), fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { '.': {}, 'f:payload': {}, 'f:seq': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } } }],
    },
    data: { seq: '0', payload: 'x'.repeat(128) },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
