/**
 * Replies the proxy writes itself, byte for byte as Envoy does: `content-length`,
 * `content-type: text/plain` when there is a body, `date`, `server: istio-envoy`, and
 * Envoy's bodies for its failure flags (router.cc, the HTTP connection manager).
 */
import { STATUS_CODES } from 'node:http';
import type { RequestRecord, ResponseFlag } from '../request-record.ts';
import type { LocalReplyDecision } from './types.ts';
import { CRLF, httpDate } from './wire.ts';

export const SERVER_HEADER = 'istio-envoy';

/** Envoy's local replies for the failures the engine itself detects. */
export const ENVOY_REPLIES = {
  noRoute: { status: 404, body: '', flag: 'NR', details: 'route_not_found' },
  noHealthyUpstream: { status: 503, body: 'no healthy upstream', flag: 'UH', details: 'no_healthy_upstream' },
  connectFailure: {
    status: 503,
    body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
    flag: 'UF',
    details: 'upstream_reset_before_response_started{connection_failure}',
  },
  connectionTermination: {
    status: 503,
    body: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
    flag: 'UC',
    details: 'upstream_reset_before_response_started{connection_termination}',
  },
  overflow: {
    status: 503,
    body: 'upstream connect error or disconnect/reset before headers. reset reason: overflow',
    flag: 'UO',
    details: 'upstream_reset_before_response_started{overflow}',
  },
  protocolError: {
    status: 502,
    body: 'upstream connect error or disconnect/reset before headers. reset reason: protocol error',
    flag: 'UPE',
    details: 'upstream_reset_before_response_started{protocol_error}',
  },
  timeout: { status: 504, body: 'upstream request timeout', flag: 'UT', details: 'response_timeout' },
} as const satisfies Record<string, { status: number; body: string; flag: ResponseFlag; details: string }>;

export type EnvoyReply = (typeof ENVOY_REPLIES)[keyof typeof ENVOY_REPLIES];

/** The handler's decision for one of Envoy's own replies, e.g. `envoyReplyDecision(ENVOY_REPLIES.noRoute)` for 404 NR. */
export function envoyReplyDecision(reply: EnvoyReply, record?: Partial<RequestRecord>): LocalReplyDecision {
  return { kind: 'reply', status: reply.status, body: reply.body, flags: [reply.flag], details: reply.details, record };
}

/** Envoy words a failure seen after retries differently ("retried and the latest reset reason"). */
export function retriedBody(reply: EnvoyReply): string {
  return reply.body.replace('before headers. reset reason:', 'before headers. retried and the latest reset reason:');
}

/** The bytes of a complete local reply. `extraHeaders` is a flat [name, value, …] list. */
export function serializeLocalReply(
  status: number,
  body: string | Buffer,
  extraHeaders: readonly string[] | undefined,
  close: boolean,
  headRequest: boolean,
): Buffer {
  const bodyBuf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}${CRLF}`;
  let hasType = false;
  if (extraHeaders) {
    for (let i = 0; i < extraHeaders.length; i += 2) {
      const name = extraHeaders[i]!;
      const lower = name.toLowerCase();
      if (lower === 'content-length' || lower === 'date' || lower === 'server' || lower === 'connection' || lower === 'transfer-encoding') continue;
      if (lower === 'content-type') hasType = true;
      head += `${name}: ${extraHeaders[i + 1]!}${CRLF}`;
    }
  }
  head += `content-length: ${bodyBuf.length}${CRLF}`;
  if (bodyBuf.length > 0 && !hasType) head += `content-type: text/plain${CRLF}`;
  head += `date: ${httpDate()}${CRLF}server: ${SERVER_HEADER}${CRLF}`;
  if (close) head += `connection: close${CRLF}`;
  head += CRLF;
  const headBuf = Buffer.from(head, 'latin1');
  return headRequest || bodyBuf.length === 0 ? headBuf : Buffer.concat([headBuf, bodyBuf]);
}
