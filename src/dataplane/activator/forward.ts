/**
 * Forwarding one request to the chosen pod's queue-proxy, as upstream's activator does with
 * its header-pruning reverse proxy (pkg/activator/handler/handler.go proxyRequest): the
 * revision headers are dropped (the pod does not need them), `K-Proxy-Request: activator`
 * tells queue-proxy the request came through the activator (it reports such requests as
 * proxied, so the autoscaler does not count them twice), `K-Original-Host` becomes the Host
 * again, hop-by-hop headers stay on this hop, and X-Forwarded-For gains the client. A
 * failure before the response started is a 502 with the error text (knative.dev/pkg's proxy
 * error handler); after it, the client connection is cut. The connection is plain or Istio
 * mTLS as `conn` says (pod-connection.ts).
 */
import type http from 'node:http';
import { HEADERS } from '../../controllers/serving/shared/contracts.ts';
import { requestFunction, requestOptions, type PodConnection } from './pod-connection.ts';

/** network.ProxyHeaderName (knative.dev/networking pkg/http/header). */
export const PROXY_HEADER = 'k-proxy-request';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);

/** The headers sent upstream (pure). */
export function upstreamHeaders(incoming: http.IncomingHttpHeaders, clientAddress: string | undefined, proxyName: string): http.OutgoingHttpHeaders {
  const connectionTokens = new Set(String(incoming.connection ?? '').split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== ''));
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || HOP_BY_HOP.has(name) || connectionTokens.has(name)) continue;
    if (name === HEADERS.revision || name === HEADERS.namespace) continue;
    out[name] = value;
  }
  const originalHost = incoming[HEADERS.originalHost];
  if (typeof originalHost === 'string' && originalHost !== '') {
    out.host = originalHost;
    delete out[HEADERS.originalHost];
  }
  if (clientAddress) {
    const prior = incoming['x-forwarded-for'];
    out['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${clientAddress}` : clientAddress;
  }
  out[PROXY_HEADER] = proxyName;
  return out;
}

function responseHeaders(incoming: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const connectionTokens = new Set(String(incoming.connection ?? '').split(',').map((t) => t.trim().toLowerCase()));
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !connectionTokens.has(name)) out[name] = value;
  }
  return out;
}

export interface ForwardOptions {
  /** The pod: address, port, local address, TLS. */
  conn: PodConnection;
  /** A keep-alive pool fit for `conn` (PodAgents.agentFor). */
  agent: http.Agent;
  signal: AbortSignal;
  proxyName: string;
  /** Writes a plain error response if nothing was sent yet (Go's http.Error). */
  fail(status: number, text: string): void;
}

/** A request without a body can be sent again (Node's documented retry on a reused keep-alive socket). */
function hasNoBody(req: http.IncomingMessage): boolean {
  return req.headers['transfer-encoding'] === undefined && (req.headers['content-length'] === undefined || req.headers['content-length'] === '0');
}

/** Proxies `req` to the pod and resolves when the exchange is over, whatever its outcome. */
export function forward(req: http.IncomingMessage, res: http.ServerResponse, opts: ForwardOptions): Promise<void> {
  return new Promise<void>((resolve) => send(req, res, opts, resolve, true));
}

function send(req: http.IncomingMessage, res: http.ServerResponse, opts: ForwardOptions, resolve: () => void, firstAttempt: boolean): void {
  let settled = false;
  const done = () => {
    if (settled) return;
    settled = true;
    resolve();
  };
  const upstream = requestFunction(opts.conn)({
    ...requestOptions(opts.conn), method: req.method, path: req.url,
    headers: upstreamHeaders(req.headers, req.socket.remoteAddress, opts.proxyName), agent: opts.agent, signal: opts.signal,
  });
  upstream.on('response', (up) => {
    if (res.headersSent || res.destroyed) {
      up.destroy();
      return done();
    }
    res.writeHead(up.statusCode ?? 502, up.statusMessage, responseHeaders(up.headers));
    up.pipe(res);
    up.on('error', () => {
      res.destroy();
      done();
    });
    res.on('finish', done);
    res.on('close', () => {
      up.destroy();
      done();
    });
  });
  upstream.on('error', (err) => {
    // The pod closed an idle pooled connection just as we reused it: nothing reached it, send again once.
    if (firstAttempt && upstream.reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET' && hasNoBody(req) && !opts.signal.aborted && !res.headersSent) {
      settled = true;
      send(req, res, opts, resolve, false);
      return;
    }
    if (!res.headersSent && !opts.signal.aborted) opts.fail(502, err.message);
    else if (!opts.signal.aborted) res.destroy();
    done();
  });
  // A held request's body waits unread in the socket until now; a second attempt has no body.
  if (req.readableEnded || !firstAttempt) upstream.end();
  else req.pipe(upstream);
}
