/**
 * The heads the engine writes on a forwarded exchange: the request head sent upstream and
 * the response head sent downstream. Hop-by-hop fields are dropped (RFC 9110 §7.6.1) and
 * Envoy's additions made: `x-request-id` when absent, `x-forwarded-proto` (set when absent;
 * overwritten, and the peer appended to `x-forwarded-for`, under use_remote_address),
 * `x-envoy-upstream-service-time` and `server: istio-envoy` on responses.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHead } from './request-head.ts';
import type { ResponseHead } from './response-head.ts';
import type { DownstreamInfo, ForwardDecision } from './types.ts';
import { CRLF } from './wire.ts';
import { SERVER_HEADER } from './local-reply.ts';

export interface ForwardedRequest {
  /** The head for the upstream (latin1: one byte per character). */
  head: string;
  requestId: string;
  forwardedFor: string | undefined;
}

/** Names never forwarded as received on a request (Expect: the engine answers 100-continue itself). */
const DROPPED_REQUEST = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'expect', 'upgrade', 'host', 'x-request-id', 'x-forwarded-proto', 'x-forwarded-for']);
const DROPPED_RESPONSE = new Set(['connection', 'keep-alive', 'proxy-connection', 'server']);
/** Lengths of those names: most header names have none of them, and skip lower-casing. */
const lengthsOf = (names: Set<string>): Uint8Array => {
  const out = new Uint8Array(64);
  for (const n of names) out[n.length] = 1;
  return out;
};
const DROPPED_REQUEST_LENGTHS = lengthsOf(DROPPED_REQUEST);
const DROPPED_RESPONSE_LENGTHS = lengthsOf(DROPPED_RESPONSE);
const mayBeDropped = (lengths: Uint8Array, name: string): boolean => name.length < 64 && lengths[name.length] === 1;

export function buildUpstreamRequestHead(head: RequestHead, decision: ForwardDecision, downstream: DownstreamInfo, useRemoteAddress: boolean): ForwardedRequest {
  const remove = decision.removeRequestHeaders;
  const set = decision.setRequestHeaders;
  let requestId: string | undefined;
  let forwardedProto: string | undefined;
  let forwardedFor: string | undefined;
  // An HTTP/1.0 client cannot take a chunked response: asking in HTTP/1.0 makes the upstream delimit by length or close.
  let out = `${head.method} ${decision.path ?? head.path} ${head.version}${CRLF}host: ${decision.authority ?? head.authority}${CRLF}`;
  const h = head.headers;
  for (let i = 0; i < h.length; i += 2) {
    const name = h[i]!;
    const dropped = mayBeDropped(DROPPED_REQUEST_LENGTHS, name);
    if (!dropped && !remove && !set) {
      out += `${name}: ${h[i + 1]!}${CRLF}`;
      continue;
    }
    const lower = name.toLowerCase();
    if (dropped && DROPPED_REQUEST.has(lower)) {
      if (lower === 'x-request-id') requestId ??= h[i + 1];
      else if (lower === 'x-forwarded-proto') forwardedProto ??= h[i + 1];
      else if (lower === 'x-forwarded-for') forwardedFor = forwardedFor === undefined ? h[i + 1] : `${forwardedFor},${h[i + 1]!}`;
      continue;
    }
    if (remove && remove.some((r) => r.toLowerCase() === lower)) continue;
    if (set && set.some(([n]) => n.toLowerCase() === lower)) continue;
    out += `${name}: ${h[i + 1]!}${CRLF}`;
  }
  if (requestId === undefined || requestId === '') requestId = randomUUID();
  out += `x-request-id: ${requestId}${CRLF}`;
  if (useRemoteAddress) {
    forwardedProto = downstream.secure ? 'https' : 'http';
    const peer = downstream.remoteAddress;
    forwardedFor = forwardedFor === undefined ? peer : `${forwardedFor},${peer}`;
  }
  out += `x-forwarded-proto: ${forwardedProto ?? (downstream.secure ? 'https' : 'http')}${CRLF}`;
  if (forwardedFor !== undefined) out += `x-forwarded-for: ${forwardedFor}${CRLF}`;
  // Envoy keeps the path the client asked for when a route rewrites it.
  if (decision.path !== undefined && decision.path !== head.path) out += `x-envoy-original-path: ${head.path}${CRLF}`;
  if (set) for (const [n, v] of set) out += `${n}: ${v}${CRLF}`;
  if (head.upgrade !== undefined) out += `connection: upgrade${CRLF}upgrade: ${upgradeHeader(head)}${CRLF}`;
  out += CRLF;
  return { head: out, requestId, forwardedFor };
}

function upgradeHeader(head: RequestHead): string {
  for (let i = 0; i < head.headers.length; i += 2) if (head.headers[i]!.toLowerCase() === 'upgrade') return head.headers[i + 1]!;
  return head.upgrade ?? '';
}

export function buildDownstreamResponseHead(resp: ResponseHead, decision: ForwardDecision, upstreamServiceTimeMs: number, close: boolean): Buffer {
  const remove = decision.removeResponseHeaders;
  const set = decision.setResponseHeaders;
  let out = `HTTP/1.1 ${resp.status} ${resp.reason}${CRLF}`;
  const h = resp.headers;
  const upgrade = resp.status === 101;
  for (let i = 0; i < h.length; i += 2) {
    const name = h[i]!;
    const dropped = mayBeDropped(DROPPED_RESPONSE_LENGTHS, name);
    if (!dropped && !remove && !set) {
      out += `${name}: ${h[i + 1]!}${CRLF}`;
      continue;
    }
    const lower = name.toLowerCase();
    if (dropped && DROPPED_RESPONSE.has(lower) && !(upgrade && lower === 'connection')) continue;
    if (remove && remove.some((r) => r.toLowerCase() === lower)) continue;
    if (set && set.some(([n]) => n.toLowerCase() === lower)) continue;
    out += `${name}: ${h[i + 1]!}${CRLF}`;
  }
  if (set) for (const [n, v] of set) out += `${n}: ${v}${CRLF}`;
  if (!upgrade) out += `x-envoy-upstream-service-time: ${upstreamServiceTimeMs}${CRLF}`;
  out += `server: ${SERVER_HEADER}${CRLF}`;
  if (close && !upgrade) out += `connection: close${CRLF}`;
  out += CRLF;
  return Buffer.from(out, 'latin1');
}
