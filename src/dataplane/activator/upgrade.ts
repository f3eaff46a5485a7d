/**
 * Upgraded connections (WebSocket) through the activator: upstream's reverse proxy hijacks
 * the connection once the pod answers 101 and copies bytes both ways. Here the request head
 * is written to the pod's queue-proxy on a fresh connection (never a pooled one) with the
 * same header rewriting as plain requests plus `Connection: Upgrade` and the `Upgrade` token,
 * and the two sockets are spliced; the pod's own answer (101 or a refusal) goes back as is.
 * The throttler slot is held for the connection's life, as upstream holds it for the
 * hijacked request. Under the mesh the pod connection is the Istio mTLS one `conn` carries
 * (its sidecar takes the upgrade inside the TLS stream, as Envoy's would).
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { upstreamHeaders } from './forward.ts';
import { connectSocket, type PodConnection } from './pod-connection.ts';

/** The request head to send upstream (pure). */
export function upgradeRequestHead(req: Pick<http.IncomingMessage, 'method' | 'url' | 'headers'>, clientAddress: string | undefined, proxyName: string): string {
  const headers = upstreamHeaders(req.headers, clientAddress, proxyName);
  headers.connection = 'Upgrade';
  headers.upgrade = req.headers.upgrade ?? '';
  let head = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [String(value)]) head += `${name}: ${v}\r\n`;
  }
  return `${head}\r\n`;
}

/** Splices `client` to the pod `conn` reaches; resolves when either side closes. */
export function tunnel(req: http.IncomingMessage, client: Duplex, head: Buffer, conn: PodConnection, signal: AbortSignal, proxyName: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const { socket: pod, readyEvent } = connectSocket(conn);
    const end = () => {
      pod.destroy();
      client.destroy();
      resolve();
    };
    signal.addEventListener('abort', end, { once: true });
    pod.once(readyEvent, () => {
      pod.write(upgradeRequestHead(req, req.socket.remoteAddress, proxyName));
      if (head.length > 0) pod.write(head);
      pod.pipe(client);
      client.pipe(pod);
    });
    pod.once('error', () => {
      if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      end();
    });
    pod.once('close', end);
    client.once('close', end);
    client.once('error', end);
  });
}
