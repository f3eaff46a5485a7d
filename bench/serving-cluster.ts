/**
 * What the serving benchmark reads from the API while it measures, over one kept-alive HTTPS
 * pool (kubectl would cost ~100 ms a call): a revision's pods, its PodAutoscaler's scales and
 * its ServerlessService's mode (Serve: the gateway reaches the pods; Proxy: the activator).
 */
import { innerAddressOf, isMeshedPod } from '../src/runtime/network/inner-address.ts';
import type { KubeHttp } from '../test/support/kube-http.ts';
import { SERVING_NAMESPACE } from './serving-setup.ts';

interface PodList {
  items: Array<{ metadata: { deletionTimestamp?: string; annotations?: Record<string, string> }; status?: { podIP?: string; conditions?: Array<{ type: string; status: string }> } }>;
}

export async function revisionPods(http: KubeHttp, revision: string): Promise<PodList['items']> {
  const selector = encodeURIComponent(`serving.knative.dev/revision=${revision}`);
  const res = await http.request('GET', `/api/v1/namespaces/${SERVING_NAMESPACE}/pods?labelSelector=${selector}`);
  if (res.status !== 200) throw new Error(`listing pods of ${revision}: HTTP ${res.status}`);
  return (res.body as PodList).items;
}

/**
 * Where a Ready pod's own containers listen, past its sidecar: the pod IP, or for a meshed pod
 * (seed 002 injects the revisions) its inner address, since the sidecar holds the pod IP and
 * answers plain clients there with STRICT mTLS's reset (docs/sidecars.md).
 */
export async function readyPodAppAddress(http: KubeHttp, revision: string): Promise<string | undefined> {
  const pod = await readyPod(http, revision);
  const ip = pod?.status?.podIP;
  if (!pod || !ip || !isMeshedPod(pod)) return ip;
  const node = await http.request('GET', '/api/v1/nodes');
  const cidr = (node.body as { items: Array<{ spec?: { podCIDR?: string } }> }).items[0]?.spec?.podCIDR;
  if (!cidr) throw new Error('the node has no spec.podCIDR: cannot find the meshed pod\'s inner address');
  return innerAddressOf(ip, cidr);
}

async function readyPod(http: KubeHttp, revision: string): Promise<PodList['items'][number] | undefined> {
  const pods = await revisionPods(http, revision);
  return pods.find((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
}

export interface Scales {
  desired?: number;
  actual?: number;
}

export async function podAutoscalerScales(http: KubeHttp, revision: string): Promise<Scales> {
  const res = await http.request('GET', `/apis/autoscaling.internal.knative.dev/v1alpha1/namespaces/${SERVING_NAMESPACE}/podautoscalers/${revision}`);
  if (res.status !== 200) throw new Error(`reading podautoscaler ${revision}: HTTP ${res.status}`);
  const status = (res.body as { status?: { desiredScale?: number; actualScale?: number } }).status ?? {};
  return { ...(status.desiredScale !== undefined ? { desired: status.desiredScale } : {}), ...(status.actualScale !== undefined ? { actual: status.actualScale } : {}) };
}

export async function sksMode(http: KubeHttp, revision: string): Promise<string> {
  const res = await http.request('GET', `/apis/networking.internal.knative.dev/v1alpha1/namespaces/${SERVING_NAMESPACE}/serverlessservices/${revision}`);
  if (res.status !== 200) throw new Error(`reading serverlessservice ${revision}: HTTP ${res.status}`);
  return (res.body as { spec?: { mode?: string } }).spec?.mode ?? '?';
}

/** Polls every 100 ms until `check` gives a value, or throws after `timeoutMs`. */
export async function poll<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
