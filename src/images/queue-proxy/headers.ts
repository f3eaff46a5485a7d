/**
 * How a request's headers change on the way to the user container and how the response's
 * come back, as the queue-proxy's handler chain does it:
 * - `Forwarded` is shimmed from `X-Forwarded-For/-Proto/-Host` when absent (forwarded_shim.go);
 * - `K-Original-Host` becomes the Host (header.RewriteHostOut: the activator hides the Host
 *   from the mesh's host routing);
 * - the revision headers are pruned (NewHeaderPruningReverseProxy);
 * - the client's address is appended to `X-Forwarded-For`, and hop-by-hop headers are dropped
 *   both ways (Go's httputil.ReverseProxy).
 * Headers travel as Node's raw [name, value, …] lists, so case, order and repeats survive.
 */
import { HEADER, PRUNED_HEADERS } from './constants.ts';

/** RFC 7230 hop-by-hop headers Go's ReverseProxy removes (Transfer-Encoding is Node's to set). */
const HOP_BY_HOP = new Set(['connection', 'proxy-connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'upgrade']);

/** The headers to send upstream. `clientIP` is the peer's address. */
export function upstreamRequestHeaders(raw: readonly string[], clientIP: string | undefined): string[] {
  // Every request passes here: names are lowered once, and the Connection list is only parsed when there is one.
  const names = new Array<string>(raw.length >> 1);
  let connectionListed: Set<string> | undefined;
  let xff: string | undefined;
  let xfp: string | undefined;
  let xfh: string | undefined;
  let te: string | undefined;
  let forwarded = false;
  let originalHost: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    names[i >> 1] = name;
    const value = raw[i + 1]!;
    if (name === 'x-forwarded-for') xff = xff === undefined ? value : `${xff}, ${value}`;
    else if (name === 'x-forwarded-proto') xfp ??= value;
    else if (name === 'x-forwarded-host') xfh ??= value;
    else if (name === 'forwarded') forwarded = true;
    else if (name === HEADER.originalHost && value !== '') originalHost ??= value;
    else if (name === 'connection') connectionListed = addTokens(connectionListed, value);
    else if (name === 'te') te ??= value;
  }
  const out: string[] = [];
  if (originalHost !== undefined) out.push('Host', originalHost);
  for (let i = 0; i < raw.length; i += 2) {
    const name = names[i >> 1]!;
    if (HOP_BY_HOP.has(name) || PRUNED_HEADERS.has(name) || name === 'x-forwarded-for' || connectionListed?.has(name)) continue;
    if (originalHost !== undefined && (name === 'host' || name === HEADER.originalHost)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  // TE: trailers is the one TE value a proxy passes on.
  if (te !== undefined && /(^|,)\s*trailers\s*(,|$)/i.test(te)) out.push('TE', 'trailers');
  if (!forwarded && (xff || xfp || xfh)) out.push('Forwarded', forwardedFrom(xff ?? '', xfp ?? '', xfh ?? ''));
  const peer = clientIP?.startsWith('::ffff:') ? clientIP.slice(7) : clientIP;
  if (peer) out.push('X-Forwarded-For', xff ? `${xff}, ${peer}` : peer);
  else if (xff) out.push('X-Forwarded-For', xff);
  return out;
}

/** The response's headers for the client: the upstream's, without hop-by-hop ones. */
export function downstreamResponseHeaders(raw: readonly string[]): string[] {
  let connectionListed: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 10 && raw[i]!.toLowerCase() === 'connection') connectionListed = addTokens(connectionListed, raw[i + 1]!);
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || name === 'transfer-encoding' || connectionListed?.has(name)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

/** `Forwarded: for=<a>;host=<h>;proto=<p>, for=<b>` from the X-Forwarded-* headers (generateForwarded). */
export function forwardedFrom(xff: string, xfp: string, xfh: string): string {
  const nodes = xff === '' ? [] : xff.split(',').map((n) => n.trim());
  const node = (n: string) => (n.includes(':') ? `"[${n}]"` : n);
  const first: string[] = [];
  if (nodes.length > 0) first.push(`for=${node(nodes[0]!)}`);
  if (xfh) first.push(`host=${xfh}`);
  if (xfp) first.push(`proto=${xfp}`);
  return [first.join(';'), ...nodes.slice(1).map((n) => `for=${node(n)}`)].join(', ');
}

export function headerValue(raw: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === lowerName) return raw[i + 1];
  return undefined;
}

/** Adds a Connection header's tokens (lower case) to the set, made on first use. */
function addTokens(listed: Set<string> | undefined, value: string): Set<string> {
  const set = listed ?? new Set<string>();
  for (const token of value.split(',')) if (token.trim()) set.add(token.trim().toLowerCase());
  return set;
}
