/**
 * The little HTTP/1.1 the router needs to route by Host and path: read one request head,
 * parse its request line and Host, set the forwarding headers the OpenShift router sets,
 * and the router's own answers (503 page, redirect, 400). Everything after the head is
 * piped untouched, so this stays small; the full engine is src/dataplane/http1/.
 */
import type { Duplex } from 'node:stream';

export const MAX_HEAD_BYTES = 64 * 1024;

export type HeadResult =
  | { kind: 'head'; head: Buffer; rest: Buffer }
  | { kind: 'error'; error: 'timeout' | 'too-large' | 'closed' };

/** Reads until the blank line that ends the head; leaves the stream paused. */
export function readHead(stream: Duplex, timeoutMs: number, maxBytes = MAX_HEAD_BYTES): Promise<HeadResult> {
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    const finish = (result: HeadResult) => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onClose);
      stream.off('close', onClose);
      stream.off('error', onClose);
      stream.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      const from = Math.max(0, buffered.length - 3);
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n', from);
      if ((end >= 0 ? end + 4 : buffered.length) > maxBytes) finish({ kind: 'error', error: 'too-large' });
      else if (end >= 0) finish({ kind: 'head', head: buffered.subarray(0, end + 4), rest: buffered.subarray(end + 4) });
    };
    const onClose = () => finish({ kind: 'error', error: 'closed' });
    // Slowloris: a client gets a bounded time to send its whole head.
    const timer = setTimeout(() => finish({ kind: 'error', error: 'timeout' }), timeoutMs);
    stream.on('data', onData);
    stream.once('end', onClose);
    stream.once('close', onClose);
    stream.once('error', onClose);
    stream.resume();
  });
}

export interface RequestHead {
  method: string;
  /** The request target as sent (origin form `/p?q`, or absolute form). */
  target: string;
  /** Path and query, for route path matching and redirects. */
  path: string;
  /** Host header (or the absolute-form authority), port included as sent. */
  host: string;
  headerLines: string[];
}

export function parseRequestHead(head: Buffer): RequestHead | undefined {
  const lines = head.toString('latin1').split('\r\n');
  const match = /^([A-Z!#$%&'*+.^_`|~0-9-]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
  if (!match) return undefined;
  const headerLines = lines.slice(1).filter((l) => l !== '');
  if (headerLines.some((l) => !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+:/.test(l))) return undefined;
  const target = match[2]!;
  let host = headerLines.find((l) => /^host:/i.test(l))?.slice(5).trim() ?? '';
  let path = target;
  const absolute = /^https?:\/\/([^/?#]*)(.*)$/i.exec(target);
  if (absolute) {
    host = absolute[1]!;
    path = absolute[2] || '/';
  }
  return { method: match[1]!, target, path, host, headerLines };
}

export interface ForwardingInfo {
  clientAddress: string;
  port: number;
  proto: 'http' | 'https';
}

const REPLACED = /^(x-forwarded-host|x-forwarded-port|x-forwarded-proto|forwarded):/i;

/** The head with HAProxy's forwarding headers, as the OpenShift router's template sets them. */
export function forwardedHead(request: RequestHead, head: Buffer, info: ForwardingInfo): Buffer {
  const requestLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
  const kept = request.headerLines.filter((l) => !REPLACED.test(l));
  const forwardedFor = info.clientAddress.includes(':') ? `"[${info.clientAddress}]"` : info.clientAddress;
  const added = [
    `X-Forwarded-Host: ${request.host}`,
    `X-Forwarded-Port: ${info.port}`,
    `X-Forwarded-Proto: ${info.proto}`,
    `Forwarded: for=${forwardedFor};host=${request.host};proto=${info.proto}`,
    `X-Forwarded-For: ${info.clientAddress}`,
  ];
  // X-Forwarded-For is appended to (one header line per hop is equivalent to a list).
  return Buffer.from([requestLine, ...kept, ...added, '', ''].join('\r\n'), 'latin1');
}

const UNAVAILABLE_PAGE = `<html>
  <head><title>Application is not available</title></head>
  <body>
    <h1>Application is not available</h1>
    <p>The application is currently not serving requests at this endpoint. It may not have been started or is still starting.</p>
    <p>Possible reasons: the host does not match any admitted route, the route's Service has no ready endpoints, or the route is not served over this protocol.</p>
  </body>
</html>
`;

function response(status: string, headers: string[], body: string): Buffer {
  return Buffer.from([`HTTP/1.1 ${status}`, ...headers, `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', '', body].join('\r\n'));
}

/** OpenShift's 503 page: no route for the host, or no endpoint to send it to. */
export function serviceUnavailable(): Buffer {
  return response('503 Service Unavailable', ['Content-Type: text/html', 'Cache-Control: private, max-age=0, no-cache, no-store', 'Pragma: no-cache'], UNAVAILABLE_PAGE);
}

export function redirect(location: string): Buffer {
  return response('302 Found', [`Location: ${location}`, 'Cache-Control: no-cache'], '');
}

export function badRequest(): Buffer {
  return response('400 Bad Request', ['Content-Type: text/html', 'Cache-Control: no-cache'], '<html><body><h1>400 Bad request</h1>\nYour browser sent an invalid request.\n</body></html>\n');
}

export function requestTimeout(): Buffer {
  return response('408 Request Time-out', ['Content-Type: text/html', 'Cache-Control: no-cache'], '<html><body><h1>408 Request Time-out</h1>\nYour browser didn\'t send a complete request in time.\n</body></html>\n');
}
