/**
 * API write throughput over HTTPS: ConfigMap creates (POST) and updates (PUT with the
 * resourceVersion of the previous answer, as a controller or `kubectl replace` sends them),
 * each from `clients` concurrent keep-alive connections.
 */
import type { KubeHttp } from '../test/support/kube-http.ts';
import { runClosedLoop, type LoadResult } from './closed-loop.ts';

export interface WriteLoadOptions {
  clients: number;
  warmupMs: number;
  durationMs: number;
  /** CPU seconds of the server so far, for CPU per operation. */
  serverCpu?: () => number | undefined;
}

interface ObjectBody {
  metadata: { resourceVersion: string };
}

/** A ConfigMap of the size controllers typically write: a few short keys. */
export function benchConfigMap(name: string, seq: number, resourceVersion?: string) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, labels: { app: 'skiff-bench' }, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    data: { seq: String(seq), payload: 'x'.repeat(128) },
  };
}

export async function ensureNamespace(http: KubeHttp, name: string): Promise<void> {
  const response = await http.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  if (response.status !== 201 && response.status !== 409) throw new Error(`creating namespace ${name}: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
}

export async function measureCreates(http: KubeHttp, namespace: string, opts: WriteLoadOptions): Promise<LoadResult> {
  const path = `/api/v1/namespaces/${namespace}/configmaps`;
  return runClosedLoop({
    ...opts,
    operation: async (client, i) => {
      const response = await http.request('POST', path, benchConfigMap(`create-${client}-${i}`, i));
      if (response.status !== 201) throw new Error(`create: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
    },
  });
}

export async function measureUpdates(http: KubeHttp, namespace: string, opts: WriteLoadOptions): Promise<LoadResult> {
  const path = `/api/v1/namespaces/${namespace}/configmaps`;
  const versions = await Promise.all(Array.from({ length: opts.clients }, async (_, client) => {
    const response = await http.request('POST', path, benchConfigMap(`update-${client}`, 0));
    if (response.status !== 201) throw new Error(`create for update: HTTP ${response.status}`);
    return (response.body as ObjectBody).metadata.resourceVersion;
  }));
  return runClosedLoop({
    ...opts,
    operation: async (client, i) => {
      const name = `update-${client}`;
      const response = await http.request('PUT', `${path}/${name}`, benchConfigMap(name, i + 1, versions[client]));
      if (response.status !== 200) throw new Error(`update: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
      versions[client] = (response.body as ObjectBody).metadata.resourceVersion;
    },
  });
}
