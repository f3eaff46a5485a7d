/**
 * Listening sockets for the engine: a plain `net` server or a TLS one (its own
 * `SecureContext`, SNI callback and client-certificate options come from the caller), every
 * connection served by `serveHttp1Connection`, and graceful drain (Envoy's drain: the next
 * response on each kept-alive connection says `connection: close`, idle connections close
 * now, in-flight requests finish; whatever is left at the deadline is reset).
 */
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import { DEFAULT_STREAM_IDLE_TIMEOUT_MS, Http1Connection, STREAM_IDLE_SWEEPS } from './connection.ts';
import type { Http1Options } from './types.ts';
import { tlsRecordFields } from './tls-peer.ts';

/** Serves HTTP/1.1 on an accepted (plain or TLS) socket until it closes. */
export function serveHttp1Connection(socket: Socket, options: Http1Options, onGone?: (c: Http1Connection) => void): Http1Connection {
  return new Http1Connection(socket, options, onGone);
}

export interface Http1Listener {
  readonly server: Server;
  /** Open connections right now. */
  readonly connectionCount: number;
  /**
   * Stops accepting connections and requests; resolves once every connection closed, or
   * after `deadlineMs` when the stragglers are reset (Istio's terminationDrainDuration).
   */
  drain(deadlineMs: number): Promise<void>;
}

export interface Http1ListenerOptions extends Http1Options {
  /** Terminate TLS with these options (cert/key or SNICallback, requestCert, ALPNProtocols…). */
  tls?: TlsOptions;
  /**
   * Per-connection record fields (workload labels of the peer, …). Over TLS the SNI and a
   * verified SPIFFE client identity are filled in already (tls-peer.ts).
   */
  recordBaseFor?: (socket: Socket) => Http1Options['recordBase'];
}

export function createHttp1Listener(options: Http1ListenerOptions): Http1Listener {
  const connections = new Set<Http1Connection>();
  let draining = false;
  const gone = (c: Http1Connection) => {
    connections.delete(c);
    if (draining && connections.size === 0) onEmpty?.();
  };
  let onEmpty: (() => void) | undefined;
  const accept = (socket: Socket) => {
    if (draining) {
      socket.destroy();
      return;
    }
    const tlsFields = options.tls ? tlsRecordFields(socket as TLSSocket) : undefined;
    const opts =
      tlsFields || options.recordBaseFor ? { ...options, recordBase: { ...options.recordBase, ...tlsFields, ...options.recordBaseFor?.(socket) } } : options;
    connections.add(new Http1Connection(socket, opts, gone));
  };
  const server = options.tls
    ? createTlsServer({ ...options.tls, allowHalfOpen: true }, accept)
    : createNetServer({ allowHalfOpen: true }, accept);
  // A TLS handshake failure is the client's problem: never let it reach the process.
  server.on('tlsClientError', (_err, socket) => socket.destroy());
  const sweeper = setInterval(() => {
    for (const c of connections) c.sweepStreamIdle();
  }, (options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS) / STREAM_IDLE_SWEEPS);
  sweeper.unref();
  return {
    server,
    get connectionCount() {
      return connections.size;
    },
    drain(deadlineMs: number): Promise<void> {
      draining = true;
      server.close();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          for (const c of connections) c.socket.destroy();
          clearInterval(sweeper);
          resolve();
        }, deadlineMs);
        onEmpty = () => {
          clearTimeout(timer);
          clearInterval(sweeper);
          resolve();
        };
        for (const c of [...connections]) c.drain();
        if (connections.size === 0) onEmpty();
      });
    },
  };
}
