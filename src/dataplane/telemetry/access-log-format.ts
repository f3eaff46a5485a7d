/**
 * Envoy's access-log command operators (`%START_TIME%`, `%REQ(X-REQUEST-ID)%`, …) over a
 * RequestRecord, compiled once per format string into a function per encoding: TEXT
 * renders a missing value as `-`; JSON (Envoy's typed JSON format) gives numbers for the
 * numeric operators and `null` for a missing value. Istio's defaults are built from these.
 */
import { hostname } from 'node:os';
import type { RequestRecord } from '../request-record.ts';
import { responseFlagsString } from './labels.ts';

type Value = string | number | undefined;
type Operator = (r: RequestRecord) => Value;

/** Istio's default TEXT access-log format (EnvoyTextLogFormat, Istio 1.9 onwards). */
export const ISTIO_TEXT_LOG_FORMAT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% ' +
  '%RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% ' +
  '"%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED% %BYTES_SENT% ' +
  '%DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" ' +
  '"%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" ' +
  '%UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% ' +
  '%DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%\n';

/** Istio's default JSON access-log fields (EnvoyJSONLogFormatIstio). */
export const ISTIO_JSON_LOG_FORMAT: Readonly<Record<string, string>> = {
  start_time: '%START_TIME%',
  route_name: '%ROUTE_NAME%',
  method: '%REQ(:METHOD)%',
  path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  protocol: '%PROTOCOL%',
  response_code: '%RESPONSE_CODE%',
  response_flags: '%RESPONSE_FLAGS%',
  response_code_details: '%RESPONSE_CODE_DETAILS%',
  connection_termination_details: '%CONNECTION_TERMINATION_DETAILS%',
  bytes_received: '%BYTES_RECEIVED%',
  bytes_sent: '%BYTES_SENT%',
  duration: '%DURATION%',
  upstream_service_time: '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%',
  x_forwarded_for: '%REQ(X-FORWARDED-FOR)%',
  user_agent: '%REQ(USER-AGENT)%',
  request_id: '%REQ(X-REQUEST-ID)%',
  authority: '%REQ(:AUTHORITY)%',
  upstream_host: '%UPSTREAM_HOST%',
  upstream_cluster: '%UPSTREAM_CLUSTER%',
  upstream_local_address: '%UPSTREAM_LOCAL_ADDRESS%',
  downstream_local_address: '%DOWNSTREAM_LOCAL_ADDRESS%',
  downstream_remote_address: '%DOWNSTREAM_REMOTE_ADDRESS%',
  requested_server_name: '%REQUESTED_SERVER_NAME%',
  upstream_transport_failure_reason: '%UPSTREAM_TRANSPORT_FAILURE_REASON%',
};

const nonEmpty = (v: string | undefined): string | undefined => (v ? v : undefined);
const wholeMs = (ms: number): number => Math.max(0, Math.floor(ms));
const withoutPort = (addr: string | undefined): string | undefined => {
  if (!addr) return undefined;
  if (addr.startsWith('[')) return addr.slice(0, addr.indexOf(']') + 1) || addr;
  const colon = addr.lastIndexOf(':');
  return colon < 0 ? addr : addr.slice(0, colon);
};

/** Envoy's START_TIME default: `%Y-%m-%dT%H:%M:%E3SZ`, UTC, which is what toISOString prints. */
export function formatStartTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Request headers the record knows, by lower-case name. */
function requestHeader(r: RequestRecord, name: string): string | undefined {
  if (r.protocol === 'tcp') return undefined;
  switch (name) {
    case ':method': return nonEmpty(r.method);
    // The record's path is already the original one (before any rewrite).
    case ':path': return nonEmpty(r.path);
    case ':authority':
    case 'host': return nonEmpty(r.authority);
    case 'user-agent': return nonEmpty(r.userAgent);
    case 'x-request-id': return nonEmpty(r.requestId);
    case 'x-forwarded-for': return nonEmpty(r.forwardedFor);
    default: return undefined;
  }
}

function responseHeader(r: RequestRecord, name: string): string | undefined {
  if (name === 'x-envoy-upstream-service-time' && r.upstreamServiceTimeMs !== undefined) {
    return String(wholeMs(r.upstreamServiceTimeMs));
  }
  return undefined;
}

/** `X?Y`: header X, else header Y. */
function headerOperator(arg: string, lookup: (r: RequestRecord, name: string) => string | undefined, stripQuery: boolean): Operator {
  const [main = '', alt] = arg.toLowerCase().split('?');
  return (r) => {
    const v = lookup(r, main) ?? (alt ? lookup(r, alt) : undefined);
    if (v === undefined || !stripQuery) return v;
    const q = v.indexOf('?');
    return q < 0 ? v : v.slice(0, q);
  };
}

const SIMPLE: Record<string, Operator> = {
  START_TIME: (r) => formatStartTime(r.startTime),
  PROTOCOL: (r) => (r.protocol === 'tcp' ? undefined : nonEmpty(r.httpProtocol)),
  RESPONSE_CODE: (r) => (r.protocol === 'tcp' ? 0 : (r.responseCode ?? 0)),
  RESPONSE_FLAGS: (r) => responseFlagsString(r.responseFlags),
  RESPONSE_CODE_DETAILS: (r) => nonEmpty(r.responseCodeDetails),
  CONNECTION_TERMINATION_DETAILS: (r) => nonEmpty(r.connectionTerminationDetails),
  UPSTREAM_TRANSPORT_FAILURE_REASON: (r) => nonEmpty(r.upstreamTransportFailureReason),
  BYTES_RECEIVED: (r) => r.bytesReceived,
  BYTES_SENT: (r) => r.bytesSent,
  DURATION: (r) => wholeMs(r.durationMs),
  UPSTREAM_HOST: (r) => nonEmpty(r.upstreamHost),
  UPSTREAM_CLUSTER: (r) => nonEmpty(r.upstreamCluster),
  UPSTREAM_LOCAL_ADDRESS: (r) => nonEmpty(r.upstreamLocalAddress),
  DOWNSTREAM_LOCAL_ADDRESS: (r) => nonEmpty(r.downstreamLocalAddress),
  DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT: (r) => withoutPort(r.downstreamLocalAddress),
  DOWNSTREAM_REMOTE_ADDRESS: (r) => nonEmpty(r.downstreamRemoteAddress),
  DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT: (r) => withoutPort(r.downstreamRemoteAddress),
  DOWNSTREAM_PEER_URI_SAN: (r) => nonEmpty(r.reporter === 'source' ? undefined : r.source.principal),
  UPSTREAM_PEER_URI_SAN: (r) => nonEmpty(r.reporter === 'source' ? r.destination.principal : undefined),
  REQUESTED_SERVER_NAME: (r) => nonEmpty(r.requestedServerName),
  ROUTE_NAME: (r) => nonEmpty(r.routeName),
  HOSTNAME: () => hostname(),
};

const COMMAND = /^([A-Z_]+)(?:\(([^)]*)\))?(?::(\d+))?$/;

interface Part {
  literal?: string;
  op?: Operator;
  maxLength?: number;
}

function operatorFor(name: string, arg: string | undefined): Operator | undefined {
  switch (name) {
    case 'REQ': return arg ? headerOperator(arg, requestHeader, false) : undefined;
    case 'REQ_WITHOUT_QUERY': return arg ? headerOperator(arg, requestHeader, true) : undefined;
    case 'RESP': return arg ? headerOperator(arg, responseHeader, false) : undefined;
    // A custom strftime format is not supported: START_TIME(…) prints Envoy's default.
    case 'START_TIME': return SIMPLE.START_TIME;
    default: return arg === undefined ? SIMPLE[name] : undefined;
  }
}

function parse(format: string, unknown: string[]): Part[] {
  const parts: Part[] = [];
  let i = 0;
  let literal = '';
  while (i < format.length) {
    const start = format.indexOf('%', i);
    const end = start < 0 ? -1 : format.indexOf('%', start + 1);
    if (start < 0 || end < 0) {
      literal += format.slice(i);
      break;
    }
    const m = COMMAND.exec(format.slice(start + 1, end));
    const op = m ? operatorFor(m[1]!, m[2]) : undefined;
    if (!m || !op) {
      // Not a command: keep the first `%` as text and look for a command after it.
      if (m) unknown.push(format.slice(start, end + 1));
      literal += format.slice(i, start + 1);
      i = start + 1;
      continue;
    }
    literal += format.slice(i, start);
    if (literal) parts.push({ literal });
    literal = '';
    parts.push({ op, maxLength: m[3] !== undefined ? Number(m[3]) : undefined });
    i = end + 1;
  }
  if (literal) parts.push({ literal });
  return parts;
}

function text(v: Value, maxLength: number | undefined): string {
  if (v === undefined || v === '') return '-';
  const s = typeof v === 'number' ? String(v) : v;
  return maxLength !== undefined && s.length > maxLength ? s.slice(0, maxLength) : s;
}

export interface CompiledFormat<T> {
  format: (r: RequestRecord) => T;
  /** Commands the format names that skiff does not know (rendered as text). */
  unknown: string[];
}

/** Compiles a TEXT format string (Istio appends a newline when it is missing). */
export function compileTextFormat(format: string): CompiledFormat<string> {
  const unknown: string[] = [];
  const withNewline = format.endsWith('\n') ? format : format + '\n';
  const parts = parse(withNewline, unknown);
  return {
    unknown,
    format: (r) => {
      let out = '';
      for (const p of parts) out += p.literal ?? text(p.op!(r), p.maxLength);
      return out;
    },
  };
}

/**
 * Compiles a JSON format (field name → format string) into a function giving one JSON
 * line. A field that is exactly one command keeps its type (number, string, or null when
 * missing); a field mixing text and commands is rendered as TEXT. Keys come out sorted,
 * as Envoy prints a JSON log format.
 */
export function compileJsonFormat(fields: Readonly<Record<string, string>>): CompiledFormat<string> {
  const unknown: string[] = [];
  const compiled = Object.keys(fields)
    .sort()
    .map((key) => {
      const parts = parse(fields[key] ?? '', unknown);
      const only = parts.length === 1 ? parts[0]! : undefined;
      if (only?.op) {
        const { op, maxLength } = only;
        return { key, value: (r: RequestRecord): string | number | null => {
          const v = op(r);
          if (v === undefined || v === '') return null;
          return typeof v === 'string' && maxLength !== undefined ? v.slice(0, maxLength) : v;
        } };
      }
      return { key, value: (r: RequestRecord): string => parts.map((p) => p.literal ?? text(p.op!(r), p.maxLength)).join('') };
    });
  return {
    unknown,
    format: (r) => {
      const obj: Record<string, string | number | null> = {};
      for (const c of compiled) obj[c.key] = c.value(r);
      return JSON.stringify(obj) + '\n';
    },
  };
}
