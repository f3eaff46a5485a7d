/**
 * Connections from the router to endpoints: plain TCP (HTTP routes, edge, passthrough) or
 * TLS re-originated to the endpoint (reencrypt), verified against the route's destination
 * CA and the Service's name, and the two-way pipe that joins a client to its endpoint.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { checkServerIdentity, connect as connectTls, type TLSSocket } from 'node:tls';
import type { RouterEndpoint } from './model.ts';

export interface ReencryptOptions {
  /** CA bundle the endpoint's certificate must chain to. */
  caPem: string;
  /** The name the endpoint's certificate must carry (`<service>.<namespace>.svc`). */
  serverName: string;
}

export function connectUpstream(endpoint: RouterEndpoint, timeoutMs: number, reencrypt?: ReencryptOptions): Promise<Socket | TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = reencrypt
      ? connectTls({
        host: endpoint.address, port: endpoint.port, ca: reencrypt.caPem, servername: reencrypt.serverName, ALPNProtocols: ['http/1.1'],
        checkServerIdentity: (_host, cert) => checkServerIdentity(reencrypt.serverName, cert),
      })
      : connectTcp({ host: endpoint.address, port: endpoint.port, allowHalfOpen: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect to ${endpoint.address}:${endpoint.port} timed out`));
    }, timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.once('error', fail);
    socket.once(reencrypt ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

/**
 * Joins two streams both ways; a half-close is passed on, an error or close on either side
 * ends both. `done` runs once, when both are gone.
 */
export function splice(client: Socket | TLSSocket, upstream: Socket | TLSSocket, done: () => void): void {
  let finished = false;
  const end = () => {
    client.destroy();
    upstream.destroy();
    if (!finished) {
      finished = true;
      done();
    }
  };
  client.on('error', end);
  upstream.on('error', end);
  client.on('close', end);
  upstream.on('close', end);
  client.pipe(upstream);
  upstream.pipe(client);
  client.resume();
}
