/**
 * Issue 5 item 13 (b) and (c), the meshed path, in one fresh `skiff up`:
 * (b) latency at a fixed 1,000 requests/s (open loop, bench/mesh-sidecar-paced.ts) of four
 *     paths to the same hello-world image: direct to the meshed pod's app (its inner address,
 *     bypassing the sidecar), direct to an unmeshed twin's pod IP, the ingress gateway to the
 *     twin (plain HTTP upstream), and the full meshed path — gateway, mTLS, the pod's sidecar,
 *     the app. Full minus direct is what the mesh adds; full minus gateway→twin is the share of
 *     mTLS and the sidecar.
 * (c) resident memory of skiff's process tree (the node proxy, and so every sidecar, lives in
 *     skiff's own process; apps run in its image hosts) per pod, growing the two Deployments by
 *     50 replicas at a time (unmeshed, meshed, meshed, unmeshed: 200 more pods); the difference
 *     per pod between the kinds is the sidecar's cost.
 * With SKIFF_BENCH_PIN=on (and two or more CPUs), skiff and all its children are pinned to
 * CPU 0 for (b) and the load generator (this process) to CPU 1, both unpinned afterwards.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { kubectlFor, type Kubectl } from '../test/support/kubectl.ts';
import { startSkiffProcess } from '../test/support/skiff-process.ts';
import { freePort, openInspector } from './mesh-sidecar-gc.ts';
import { runPaced, summarisePaced, type PacedResult, type PacedRun } from './mesh-sidecar-paced.ts';
import { APP_PORT, GATEWAY_HTTP_PORT, MESHED_HOST, PLAIN_HOST, scaleAndWait, setUpSidecarBench, type SidecarTargets } from './mesh-sidecar-setup.ts';
import { processTreeRssBytes } from './process-memory.ts';

const run = promisify(execFile);

export const PACED_RATE = 1000;
export const PACED_CONNECTIONS = 8;
export const WARMUP_SECONDS = 2;
/** Measured rounds per path, each after a short warm-up of its fresh connections. */
export const ROUNDS = 4;
export const ROUND_WARMUP_SECONDS = 0.5;
export const MEMORY_PODS = 50;
export const PRIMING_PODS = 10;
const MEMORY_SAMPLES = 3;
const SCALE_TIMEOUT_SECONDS = 300;

export interface SidecarPaths {
  directMeshed: PacedResult;
  directPlain: PacedResult;
  gatewayPlain: PacedResult;
  gatewayMeshed: PacedResult;
}

/** One memory reading of skiff after a full GC: its process tree's RSS, its own process's RSS, its live V8 heap. */
export interface MemorySample {
  rssBytes: number;
  /** skiff's own process, which hosts the node proxy (and so every sidecar) but not the apps. */
  ownRssBytes: number;
  heapBytes: number;
}

/**
 * Readings after each step of `podsPerStep` more replicas, in the order ABBA (unmeshed,
 * meshed, meshed, unmeshed) so that a drift that grows with the pod count (allocator
 * high-water marks, maps resizing) weighs on both kinds alike.
 */
export interface SidecarMemory {
  podsPerStep: number;
  baseline: MemorySample;
  steps: Array<{ added: 'unmeshed' | 'meshed'; after: MemorySample }>;
}

export interface SidecarResults {
  seconds: number;
  paths?: SidecarPaths;
  latencyError?: string;
  memory?: SidecarMemory;
  memoryError?: string;
  pinning?: { proxy: string; load: string };
  loadBefore: number;
  loadAfter: number;
}

export async function measureSidecar(seconds: number, progress: (m: string) => void): Promise<SidecarResults> {
  const cpus = availableParallelism();
  // Unpinned by default: pinned, the gateway, the sidecar (both in skiff's event loop) and the
  // app (an image host) take turns on one core that the machine's other load shares too, and
  // that, not the mesh, set the tail in our runs. SKIFF_BENCH_PIN=on pins as the gateway part does.
  const pinning = cpus >= 2 && process.env.SKIFF_BENCH_PIN === 'on' ? { proxy: '0', load: '1' } : undefined;
  const results: SidecarResults = { seconds, loadBefore: loadavg()[0]!, loadAfter: 0, ...(pinning ? { pinning } : {}) };
  const dataDir = await mkdtemp(join(tmpdir(), 'skiff-bench-sidecar-'));
  const inspectPort = await freePort();
  progress('sidecar: starting skiff up, the seed\'s control plane and a meshed and an unmeshed hello-world');
  const skiff = await startSkiffProcess({ dataDir, logLevel: 'warn', nodeArgs: [`--inspect-port=127.0.0.1:${inspectPort}`] });
  try {
    const kubectl = kubectlFor(skiff.info.kubeconfig);
    let targets: SidecarTargets;
    try {
      targets = await setUpSidecarBench(kubectl);
      for (const p of Object.values(pathsOf(targets))) await firstOk(p.url, p.host, 30_000);
    } catch (error) {
      // Report it with the other parts' figures rather than end the whole benchmark.
      const message = `setup failed: ${error instanceof Error ? error.message : String(error)}`;
      return { ...results, latencyError: message, memoryError: message, loadAfter: loadavg()[0]! };
    }
    try {
      if (pinning) {
        await pinTree(skiff.pid, pinning.proxy);
        await run('taskset', ['-a', '-p', '-c', pinning.load, String(process.pid)]);
      }
      results.paths = await measurePaths(pathsOf(targets), seconds, progress);
    } catch (error) {
      results.latencyError = error instanceof Error ? error.message : String(error);
    } finally {
      if (pinning) {
        const all = `0-${cpus - 1}`;
        await run('taskset', ['-a', '-p', '-c', all, String(process.pid)]);
        await pinTree(skiff.pid, all);
      }
    }
    try {
      results.memory = await measureMemory(kubectl, skiff.pid, inspectPort, progress);
    } catch (error) {
      results.memoryError = error instanceof Error ? error.message : String(error);
    }
  } finally {
    await skiff.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  results.loadAfter = loadavg()[0]!;
  return results;
}

/**
 * Each path warmed up once, then measured in rounds, the paths taking turns (in a rotating
 * order) so that a passing disturbance — the machine's other load, a GC, a reconcile in
 * skiff — falls on all of them rather than on whichever ran at that moment.
 */
async function measurePaths(paths: Record<keyof SidecarPaths, PathTarget>, seconds: number, progress: (m: string) => void): Promise<SidecarPaths> {
  const names = Object.keys(paths) as Array<keyof SidecarPaths>;
  const load = (name: keyof SidecarPaths, warmupSeconds: number, measured: number) =>
    runPaced({ ...paths[name], ratePerSec: PACED_RATE, connections: PACED_CONNECTIONS, warmupSeconds, seconds: measured });
  progress(`sidecar (b): ${names.length} paths at ${PACED_RATE} req/s over ${PACED_CONNECTIONS} connections: ${WARMUP_SECONDS} s warm-up each`);
  for (const name of names) await load(name, WARMUP_SECONDS, 0);
  progress(`sidecar (b): ${ROUNDS} rounds of ${seconds / ROUNDS} s per path, taking turns`);
  const runs = Object.fromEntries(names.map((name) => [name, [] as PacedRun[]])) as Record<keyof SidecarPaths, PacedRun[]>;
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]!;
      runs[name].push(await load(name, ROUND_WARMUP_SECONDS, seconds / ROUNDS));
    }
  }
  return Object.fromEntries(names.map((name) => [name, summarisePaced(runs[name])])) as unknown as SidecarPaths;
}

interface PathTarget {
  url: string;
  host: string;
}

function pathsOf(t: SidecarTargets): Record<keyof SidecarPaths, PathTarget> {
  return {
    directMeshed: { url: `http://${t.meshedAppAddress}:${APP_PORT}/`, host: MESHED_HOST },
    directPlain: { url: `http://${t.plainPodIP}:${APP_PORT}/`, host: PLAIN_HOST },
    gatewayPlain: { url: `http://${t.gatewayIP}:${GATEWAY_HTTP_PORT}/`, host: PLAIN_HOST },
    gatewayMeshed: { url: `http://${t.gatewayIP}:${GATEWAY_HTTP_PORT}/`, host: MESHED_HOST },
  };
}

async function measureMemory(kubectl: Kubectl, pid: number, inspectPort: number, progress: (m: string) => void): Promise<SidecarMemory> {
  const inspector = await openInspector(pid, inspectPort);
  try {
    const sample = async (): Promise<MemorySample> => {
      const rss: number[] = [];
      const own: number[] = [];
      const heap: number[] = [];
      for (let i = 0; i < MEMORY_SAMPLES; i++) {
        heap.push(await inspector.collect());
        // Let the collection's freed pages and the children's own GCs settle before reading RSS.
        await new Promise((r) => setTimeout(r, 1000));
        rss.push(await processTreeRssBytes(pid));
        own.push(await ownRssBytes(pid));
      }
      return { rssBytes: median(rss), ownRssBytes: median(own), heapBytes: median(heap) };
    };
    // One-off growth (a second image host process, caches, pools) must not land on whichever
    // kind happens to come first: both kinds get a few replicas before the baseline.
    const replicas = { plain: 1 + PRIMING_PODS, meshed: 1 + PRIMING_PODS };
    progress(`sidecar (c): priming with ${PRIMING_PODS} more replicas of each, then baseline memory`);
    await scaleAndWait(kubectl, 'plain', replicas.plain, SCALE_TIMEOUT_SECONDS);
    await scaleAndWait(kubectl, 'meshed', replicas.meshed, SCALE_TIMEOUT_SECONDS);
    const memory: SidecarMemory = { podsPerStep: MEMORY_PODS, baseline: await sample(), steps: [] };
    for (const name of ['plain', 'meshed', 'meshed', 'plain'] as const) {
      replicas[name] += MEMORY_PODS;
      progress(`sidecar (c): ${MEMORY_PODS} more ${name === 'plain' ? 'unmeshed' : 'meshed'} replicas (${replicas[name]})`);
      await scaleAndWait(kubectl, name, replicas[name], SCALE_TIMEOUT_SECONDS);
      memory.steps.push({ added: name === 'plain' ? 'unmeshed' : 'meshed', after: await sample() });
    }
    return memory;
  } finally {
    inspector.close();
  }
}

async function ownRssBytes(pid: number): Promise<number> {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Pins every thread of `pid` and of all its descendants (image hosts, watchdogs) to `cpus`. */
async function pinTree(pid: number, cpus: string): Promise<void> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (stat !== undefined) parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  // A process may exit between the listing and taskset: that is not a failure.
  for (const member of tree) await run('taskset', ['-a', '-p', '-c', cpus, String(member)]).catch(() => undefined);
}

/** Polls until the path answers 200: the routes and sidecars are programmed asynchronously. */
async function firstOk(url: string, host: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const res = await request(url, { headers: { host }, headersTimeout: 2000, bodyTimeout: 2000 });
      const body = await res.body.text();
      if (res.statusCode === 200) return;
      last = `HTTP ${res.statusCode}: ${body.slice(0, 200)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) throw new Error(`${url} (Host ${host}) never answered 200: ${last}`);
    // Polling the path is the observation: nothing signals when a route is programmed.
    await new Promise((r) => setTimeout(r, 100));
  }
}
