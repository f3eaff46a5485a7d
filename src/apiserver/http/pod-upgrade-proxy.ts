/**
 * pods/exec, pods/attach and pods/portforward on the API server: the
 * upgrade request is authenticated and checked as kube-apiserver does (pod, container,
 * phase), then proxied byte for byte to the kubelet's /exec, /attach or /portForward — the
 * kubelet's 101 and the WebSocket or SPDY traffic flow through unchanged, as the UpgradeAwareHandler does.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { connect } from 'node:tls';
import type { KubeObject } from '../../api/object.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import { badRequest } from '../storage/api-errors.ts';
import type { PodLogHandlerDeps } from './pod-log-handler.ts';
import { statusFromError } from './status.ts';

export interface PodUpgradeProxyDeps extends PodLogHandlerDeps {
  /** Undefined when the request carries no valid credentials. */
  authenticate(req: IncomingMessage): unknown;
}

const UPGRADE_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/;

/** The API server's 'upgrade' listener. */
export function podUpgradeProxy(deps: PodUpgradeProxyDeps): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    socket.on('error', () => undefined);
    proxy(deps, req, socket, head).catch((err: unknown) => refuse(socket, err));
  };
}

async function proxy(deps: PodUpgradeProxyDeps, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  if (!deps.authenticate(req)) throw new SkiffError('SKF_API_UNAUTHORIZED', 'Unauthorized');
  const url = new URL(req.url ?? '/', 'https://localhost');
  const match = UPGRADE_PATH.exec(url.pathname);
  if (!match) throw new SkiffError('SKF_API_NOT_FOUND', 'the server could not find the requested resource');
  const [namespace, name, subresource] = match.slice(1).map(decodeURIComponent) as [string, string, string];
  const pod = await deps.getPod(namespace, name);
  const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
  if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  let path: string;
  if (subresource === 'exec' || subresource === 'attach') {
    const container = execContainer(pod, url.searchParams.get('container') ?? '');
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') throw badRequest(`cannot ${subresource === 'exec' ? 'exec into' : 'attach to'} a container in a completed pod; current phase is ${phase}`);
    const query = new URLSearchParams(url.searchParams);
    query.set('container', container);
    path = `/${subresource}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(container)}?${query.toString()}`;
  } else {
    // port-forward over the WebSocket tunnel (SPDY inside WebSocket) is refused: kubectl
    // then retries with a plain SPDY/3.1 upgrade, which the kubelet serves.
    if ((req.headers.upgrade ?? '').toLowerCase() === 'websocket') throw badRequest('port forwarding over WebSockets is not supported by skiff; use SPDY/3.1');
    path = `/portForward/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
  }
  const kubelet = await deps.locateKubelet(nodeName);
  if (!kubelet) throw new SkiffError('SKF_API_INTERNAL', `no kubelet endpoint is known for node "${nodeName}"`);

  const upstream = connect({ host: kubelet.host, port: kubelet.port, ca: deps.tls.caPem, cert: deps.tls.certPem, key: deps.tls.keyPem });
  await new Promise<void>((resolve, reject) => {
    upstream.once('secureConnect', resolve);
    upstream.once('error', (err) => reject(new SkiffError('SKF_API_INTERNAL', `error dialing backend: ${err.message}`)));
  });
  const headers = [`${req.method ?? 'GET'} ${path} HTTP/1.1`, `Host: ${kubelet.host}:${kubelet.port}`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const key = req.rawHeaders[i]!;
    if (/^(host|authorization)$/i.test(key)) continue;
    headers.push(`${key}: ${req.rawHeaders[i + 1]}`);
  }
  upstream.write(`${headers.join('\r\n')}\r\n\r\n`);
  if (head.length > 0) upstream.write(head);
  upstream.on('error', () => socket.destroy());
  socket.on('close', () => upstream.destroy());
  upstream.on('close', () => socket.destroy());
  upstream.pipe(socket);
  socket.pipe(upstream);
}

function execContainer(pod: KubeObject, requested: string): string {
  const spec = (pod.spec ?? {}) as { containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }>; ephemeralContainers?: Array<{ name: string }> };
  const podName = pod.metadata.name ?? '';
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
  if (requested === '') {
    if ((spec.containers ?? []).length === 1) return spec.containers![0]!.name;
    throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${all.join(' ')}]`);
  }
  if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${podName}`);
  return requested;
}

function refuse(socket: Duplex, err: unknown): void {
  const status = statusFromError(err);
  const body = JSON.stringify(status);
  socket.end(`HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
