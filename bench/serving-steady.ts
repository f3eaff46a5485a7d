/**
 * (b) Steady state: wrk at fixed connections against a warm revision (min-scale 1), over the
 * whole path (router -> istio-ingressgateway -> queue-proxy -> app, HTTPS to the router) and
 * against the hello-world pod directly (:8080 at the pod's own address — its inner address,
 * past the sidecar, for the seed's meshed revisions — plain HTTP, the peer), one after the
 * other after a warm-up each. Two breakdown rows: queue-proxy alone (:8012 -> app) and
 * the whole path of a revision with the default target-burst-capacity, where Knative keeps
 * the activator in the path (router -> gateway -> activator -> queue-proxy -> app).
 */
import type { KubeHttp } from '../test/support/kube-http.ts';
import type { WrkResult } from './mesh-wrk.ts';
import { poll, readyPodAppAddress, sksMode } from './serving-cluster.ts';
import { ksvcHost } from './serving-setup.ts';
import { runServingWrk } from './serving-wrk.ts';

export const STEADY_THREADS = 1;
export const STEADY_CONNECTIONS = 32;
const WARMUP_SECONDS = 2;

export interface SteadyResults {
  direct?: WrkResult;
  queueProxy?: WrkResult;
  fullPath?: WrkResult;
  /** The SKS mode of the full-path revision while measured (Serve: no activator). */
  fullPathMode?: string;
  viaActivator?: WrkResult;
  viaActivatorMode?: string;
}

export async function measureSteadyState(
  http: KubeHttp, routerPort: number, ksvc: string, activatorKsvc: string, seconds: number, progress: (m: string) => void,
): Promise<SteadyResults> {
  // The peer rows reach the pod's own containers: past the sidecar, which answers plain wrk with STRICT mTLS's reset.
  const appAddress = await poll(`a Ready pod of ${ksvc}-00001`, () => readyPodAppAddress(http, `${ksvc}-00001`), 60_000);
  const wrk = async (what: string, url: string, loopback: boolean) => {
    progress(`serving (b): ${what}: wrk -t${STEADY_THREADS} -c${STEADY_CONNECTIONS} -d${seconds}s after ${WARMUP_SECONDS} s warm-up`);
    const opts = { url, threads: STEADY_THREADS, connections: STEADY_CONNECTIONS, loopback };
    await runServingWrk({ ...opts, seconds: WARMUP_SECONDS });
    return runServingWrk({ ...opts, seconds });
  };
  const out: SteadyResults = {};
  out.direct = await wrk('pod directly', `http://${appAddress}:8080/`, false);
  out.queueProxy = await wrk('queue-proxy', `http://${appAddress}:8012/`, false);
  out.fullPathMode = await sksMode(http, `${ksvc}-00001`);
  out.fullPath = await wrk(`full path (SKS ${out.fullPathMode})`, `https://${ksvcHost(ksvc)}:${routerPort}/`, true);
  out.viaActivatorMode = await sksMode(http, `${activatorKsvc}-00001`);
  out.viaActivator = await wrk(`full path, default burst capacity (SKS ${out.viaActivatorMode})`, `https://${ksvcHost(activatorKsvc)}:${routerPort}/`, true);
  return out;
}
