/**
 * The reverse proxy for allowed requests, as Go's httputil.ReverseProxy built by
 * NewSingleHostReverseProxy behaves: the path joined onto the upstream URL's, the incoming
 * Host header kept, hop-by-hop headers dropped both ways, the client's address appended to
 * X-Forwarded-For, and any failure to reach the upstream a 502 with an empty body (logged
 * as `http: proxy error: …`).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import { upstreamRequestTarget, type UpstreamTarget } from './upstream-target.ts';

const HOP_BY_HOP = ['connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

/** Headers without the hop-by-hop ones, nor those the Connection header names. */
export function endToEndHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const named = new Set(HOP_BY_HOP);
  for (const token of String(headers.connection ?? '').split(',')) if (token.trim()) named.add(token.trim().toLowerCase());
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !named.has(k)) out[k] = v;
  // Go keeps "Te: trailers" (gRPC needs it).
  if (String(headers.te ?? '').toLowerCase().split(',').some((t) => t.trim() === 'trailers')) out.te = 'trailers';
  return out;
}

export interface UpstreamTls {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface Forwarder {
  forward(req: IncomingMessage, res: ServerResponse, extraHeaders: Record<string, string>, dropHeaders: readonly string[]): void;
  close(): void;
}

export function forwarder(target: UpstreamTarget, tls: UpstreamTls, log: (message: string) => void): Forwarder {
  const agentOptions = { keepAlive: true, maxFreeSockets: 100 };
  const agent = target.protocol === 'https:'
    ? new HttpsAgent({ ...agentOptions, ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.cert ? { cert: tls.cert, key: tls.key } : {}) })
    : new HttpAgent(agentOptions);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return {
    forward(req, res, extraHeaders, dropHeaders) {
      const headers = endToEndHeaders(req.headers);
      for (const name of dropHeaders) delete headers[name];
      Object.assign(headers, extraHeaders);
      const clientIp = req.socket.remoteAddress ?? '';
      const prior = req.headers['x-forwarded-for'];
      headers['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${clientIp}` : clientIp;
      const options: RequestOptions = { host: target.host, port: target.port, method: req.method, path: upstreamRequestTarget(target, req.url ?? '/'), headers, agent };
      const upstream = send(options, (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEndHeaders(answer.headers));
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      });
      upstream.on('error', (err) => {
        log(`http: proxy error: ${err.message}`);
        if (res.headersSent) res.destroy();
        else {
          res.writeHead(502, { 'Content-Length': 0 });
          res.end();
        }
      });
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      req.pipe(upstream);
    },
    close: () => agent.destroy(),
  };
}
