/**
 * The serving phase of the benchmark (issue 6 item 11): one `skiff up` with seed 002's whole
 * setup, then (a) cold start through the whole path, (b) steady-state throughput of the
 * whole path beside the pod called directly, (c) the autoscaler's reaction to a step in
 * concurrency. Each part's failure is recorded and the next part still runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeHttpFor } from '../test/support/kube-http.ts';
import { kubectlFor } from '../test/support/kubectl.ts';
import { measureAutoscaleReaction, type AutoscaleResults } from './serving-autoscale.ts';
import { measureColdStarts, type ColdStartSamples } from './serving-cold.ts';
import { deployKsvcs, ksvcHost, SERVING_DOMAIN, SERVING_NAMESPACE, setUpServing, type KsvcShape } from './serving-setup.ts';
import { startServingSkiff } from './serving-skiff.ts';
import { measureSteadyState, type SteadyResults } from './serving-steady.ts';

export const COLD_TRIES = 20;
export const COLD_POOL = 5;
const HELLO = 'gcr.io/knative-samples/helloworld-go';
const ECHO = 'mccutchen/go-httpbin';

/** SKIFF_BENCH_SERVING_PARTS (e.g. `a,c`) runs some of (a), (b), (c); all by default. */
function wanted(part: 'a' | 'b' | 'c'): boolean {
  const parts = process.env.SKIFF_BENCH_SERVING_PARTS;
  return parts === undefined || parts.split(',').map((p) => p.trim()).includes(part);
}

export interface ServingResults {
  cold?: ColdStartSamples;
  steady?: SteadyResults;
  autoscale?: AutoscaleResults;
  errors: string[];
  seconds: number;
  cpus: number;
  setupMs?: number;
  loadBefore: number;
  loadAfter: number;
}

export async function measureServing(seconds: number, progress: (m: string) => void): Promise<ServingResults> {
  const results: ServingResults = { errors: [], seconds, cpus: availableParallelism(), loadBefore: loadavg()[0]!, loadAfter: 0 };
  const certDir = await mkdtemp(join(tmpdir(), 'skiff-bench-serving-certs-'));
  progress(`serving: starting skiff up --domain ${SERVING_DOMAIN} and seed 002's setup`);
  const started = performance.now();
  const skiff = await startServingSkiff(SERVING_DOMAIN);
  const http = await kubeHttpFor(skiff.kubeconfig, { connections: 4 });
  try {
    const kubectl = kubectlFor(skiff.kubeconfig);
    const ca = await setUpServing(kubectl, certDir);
    const router = { port: skiff.routerHttpsPort, ca };
    // The seed's sample answers `Hello Openshift!`.
    const env = { TARGET: 'Openshift' };
    const pool: KsvcShape[] = Array.from({ length: COLD_POOL }, (_, i) => ({ name: `cold-${i}`, image: HELLO, env }));
    const warm: KsvcShape = { name: 'hello', image: HELLO, minScale: 1, burstCapacity: 0, env };
    const viaActivator: KsvcShape = { name: 'hello-tbc', image: HELLO, minScale: 1, env };
    await deployKsvcs(kubectl, [...pool, warm, viaActivator]);
    results.setupMs = performance.now() - started;

    const part = async <T>(name: string, body: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await body();
      } catch (error) {
        results.errors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        progress(`serving ${name} FAILED: ${results.errors.at(-1)}`);
        return undefined;
      }
    };
    progress(`serving: ${COLD_TRIES} cold starts over ${COLD_POOL} Knative Services, then wrk, then a concurrency step`);
    if (wanted('a')) results.cold = await part('(a)', () => measureColdStarts(http, router, pool.map((k) => k.name), warm.name, COLD_TRIES, progress));
    // The pool would otherwise scale down (pods stopping) during the throughput runs.
    await kubectl(['delete', 'ksvc', '-n', SERVING_NAMESPACE, ...pool.map((k) => k.name), '--wait=true', '--timeout=60s'], { timeoutMs: 70_000 });
    if (wanted('b')) results.steady = await part('(b)', () => measureSteadyState(http, skiff.routerHttpsPort, warm.name, viaActivator.name, seconds, progress));
    if (wanted('c')) results.autoscale = await part('(c)', async () => {
      await deployKsvcs(kubectl, [{ name: 'load', image: ECHO, minScale: 1, window: '60s' }]);
      return measureAutoscaleReaction(http, { ...router, host: ksvcHost('load') }, 'load-00001', progress);
    });
  } finally {
    await http.close();
    await skiff.stop();
    await rm(certDir, { recursive: true, force: true });
  }
  results.loadAfter = loadavg()[0]!;
  return results;
}
