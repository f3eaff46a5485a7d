/**
 * VirtualService `mirror` / `mirrors`: a copy of the request goes to the mirror cluster,
 * fire and forget, with the authority suffixed `-shadow` as Envoy's request mirror policy
 * does; its answer is dropped and never delays the real one. The copy leaves as the route's
 * own requests do towards that endpoint: Istio mTLS with the proxy's certificate to a
 * sidecar'd one (auto mTLS, or ISTIO_MUTUAL), TLS for SIMPLE, from the pod's address. Only
 * requests without a body are mirrored here: the engine streams bodies to one upstream and
 * keeps no copy.
 */
import { request } from 'node:http';
import { request as tlsRequest } from 'node:https';
import type { RequestHead, UpstreamEndpoint } from '../http1/index.ts';

/** Hop-by-hop headers are the mirror connection's own business. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

export function shadowAuthority(authority: string): string {
  const colon = authority.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(authority.slice(colon + 1)) ? `${authority.slice(0, colon)}-shadow${authority.slice(colon)}` : `${authority}-shadow`;
}

export function sendMirror(head: RequestHead, path: string, target: UpstreamEndpoint): void {
  // A target that cannot be dialled as configured (no mesh certificate yet) gets nothing, never plaintext.
  if (head.framing !== 'none' || target.unavailable) return;
  const headers: [string, string][] = [['host', shadowAuthority(head.authority)]];
  for (let i = 0; i + 1 < head.headers.length; i += 2) {
    if (!HOP_BY_HOP.has(head.headers[i]!.toLowerCase())) headers.push([head.headers[i]!, head.headers[i + 1]!]);
  }
  const options = {
    host: target.host, port: target.port, method: head.method, path, headers: headers.flat(), agent: false as const, timeout: 30_000,
    ...(target.localAddress ? { localAddress: target.localAddress } : {}),
  };
  const answered = (res: { resume(): void }) => res.resume();
  const req = target.tls ? tlsRequest({ ...target.tls, ...options }, answered) : request(options, answered);
  req.on('timeout', () => req.destroy());
  req.on('error', () => undefined);
  req.end();
}
