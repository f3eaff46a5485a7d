/**
 * pods/log: validates the request as kube-apiserver's pod LogLocation does (the container,
 * the pod's node), then proxies the GET to the kubelet's /containerLogs on that node and
 * streams its answer — text or a Status — back unchanged, for as long as `follow` keeps
 * it open.
 */
import { request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../../api/object.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import { badRequest, methodNotAllowed } from '../storage/api-errors.ts';
import type { SubresourceHandler } from './resource-handler.ts';

/** Where a node's kubelet server listens, from the Node's status; undefined if unknown. */
export type KubeletLocator = (nodeName: string) => Promise<{ host: string; port: number } | undefined>;

export interface KubeletClientTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export interface PodLogHandlerDeps {
  getPod(namespace: string, name: string): Promise<KubeObject>;
  locateKubelet: KubeletLocator;
  tls: KubeletClientTls;
}

/** The PodLogOptions parameters passed on to the kubelet. */
const FORWARDED = ['follow', 'previous', 'timestamps', 'tailLines', 'sinceSeconds', 'sinceTime', 'limitBytes'];

export function podLogHandler(deps: PodLogHandlerDeps): SubresourceHandler {
  return async (req, res, target) => {
    if (req.method !== 'GET') throw methodNotAllowed((req.method ?? '').toLowerCase(), { group: '', plural: 'pods/log' });
    const namespace = target.namespace ?? '';
    const name = target.name ?? '';
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const pod = await deps.getPod(namespace, name);
    const container = logContainer(pod, query.get('container') ?? '');
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
    const kubelet = await deps.locateKubelet(nodeName);
    if (!kubelet) throw new SkiffError('SKF_API_INTERNAL', `no kubelet endpoint is known for node "${nodeName}"`);

    const forwarded = new URLSearchParams();
    for (const key of FORWARDED) {
      const value = query.get(key);
      if (value !== null) forwarded.set(key, value);
    }
    const path = `/containerLogs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(container)}?${forwarded.toString()}`;
    const upstream = await openUpstream(kubelet, path, deps.tls);
    res.writeHead(upstream.statusCode ?? 502, {
      'Content-Type': upstream.headers['content-type'] ?? 'text/plain',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();
    // The client leaving (Ctrl-C on `logs -f`) ends the kubelet request too.
    res.once('close', () => upstream.destroy());
    upstream.on('error', () => res.destroy());
    upstream.pipe(res);
  };
}

/** The container whose log is asked for: the named one, or the only one. */
function logContainer(pod: KubeObject, requested: string): string {
  const spec = (pod.spec ?? {}) as { containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }>; ephemeralContainers?: Array<{ name: string }> };
  const podName = pod.metadata.name ?? '';
  if (requested === '') {
    const containers = spec.containers ?? [];
    if (containers.length === 1) return containers[0]!.name;
    const all = [...(spec.initContainers ?? []), ...containers, ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
    throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${all.join(' ')}]`);
  }
  const known = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].some((c) => c.name === requested);
  if (!known) throw badRequest(`container ${requested} is not valid for pod ${podName}`);
  return requested;
}

function openUpstream(kubelet: { host: string; port: number }, path: string, tls: KubeletClientTls): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ host: kubelet.host, port: kubelet.port, path, method: 'GET', ca: tls.caPem, cert: tls.certPem, key: tls.keyPem, agent: false }, resolve);
    req.once('error', (err) => reject(new SkiffError('SKF_API_INTERNAL', `Get "https://${kubelet.host}:${kubelet.port}${path}": ${err.message}`)));
    req.end();
  });
}
