/**
 * One request's trip to the user container: the reverse proxy (streaming both ways over a
 * keep-alive agent) under the timeout handler (pkg/http/handler/timeout.go):
 * - the revision timeout and the response-start timeout end a request with 504 `request
 *   timeout` when no response has started by then; once it has, they no longer apply;
 * - the idle timeout ends it when nothing was written for that long — 504 before the
 *   response starts; after, the message ends a chunked body, and a body of declared length
 *   is cut (its connection closed), as Go's handler returning early does.
 * An unreachable app is a 502 with the dial error (httputil.ReverseProxy's ErrorHandler).
 */
import { request, type Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { TIMEOUT_MESSAGE } from './constants.ts';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.ts';

export interface Timeouts {
  revisionMs: number;
  responseStartMs: number;
  idleMs: number;
}

/** Go's http.Error: plain text with a newline, not sniffed. */
export function writeError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent || res.destroyed) return;
  const body = `${message}\n`;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body) }).end(body);
}

/**
 * Arms a request's timeouts (cleared when the response closes); `onTimeout` runs once when
 * one fires, to abort what is in progress. The returned `wrote` marks a write to the client,
 * for the idle clock.
 */
export function armTimeouts(res: ServerResponse, t: Timeouts, onTimeout: () => void): { wrote(): void } {
  let lastWrite = 0;
  const timers: Array<ReturnType<typeof setTimeout>> = [];
  const clear = () => {
    for (const timer of timers) clearTimeout(timer);
    timers.length = 0;
  };
  res.once('close', clear);
  const fail = () => {
    clear();
    onTimeout();
    if (!res.headersSent) {
      res.writeHead(504, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': TIMEOUT_MESSAGE.length }).end(TIMEOUT_MESSAGE);
    } else if (res.hasHeader('content-length')) {
      res.destroy();
    } else {
      res.end(TIMEOUT_MESSAGE);
    }
  };
  const beforeStart = () => {
    if (!res.headersSent) fail();
  };
  if (t.revisionMs > 0) timers.push(setTimeout(beforeStart, t.revisionMs));
  if (t.responseStartMs > 0) timers.push(setTimeout(beforeStart, t.responseStartMs));
  if (t.idleMs > 0) {
    const idleCheck = () => {
      const since = lastWrite === 0 ? Infinity : Date.now() - lastWrite;
      if (since >= t.idleMs) fail();
      else timers.push(setTimeout(idleCheck, t.idleMs - since));
    };
    timers.push(setTimeout(idleCheck, t.idleMs));
  }
  return { wrote: () => void (lastWrite = Date.now()) };
}

export interface ForwardTarget {
  host: string;
  port: number;
  agent: Agent;
}

/**
 * Proxies `req` to the user container; resolves with the status the app answered (502 when
 * it could not be reached) once the response is done. `abort` (from the returned handle)
 * drops the upstream exchange.
 *
 * A kept-alive connection the app closed just as it was reused fails before any answer; a
 * request without a body is then sent once more on a fresh connection, as Go's transport
 * retries (the app never saw it).
 */
export function forward(req: IncomingMessage, res: ServerResponse, target: ForwardTarget, wrote: () => void): { done: Promise<number>; abort(): void } {
  let status = 0;
  let finish!: (status: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const headers = upstreamRequestHeaders(req.rawHeaders, req.socket.remoteAddress);
  // The client's Host goes to the app as it came (Go's proxy keeps req.Host); only a request without one gets the target's.
  const setHost = !headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'host');
  const bodyless = (req.headers['content-length'] === undefined || req.headers['content-length'] === '0') && req.headers['transfer-encoding'] === undefined;

  const send = (isRetry: boolean) => {
    const upstream = request({ host: target.host, port: target.port, method: req.method, path: req.url, headers, agent: target.agent, setHost }, (answer) => {
      status = answer.statusCode ?? 502;
      if (res.destroyed || res.headersSent) {
        answer.destroy();
        return;
      }
      res.writeHead(status, answer.statusMessage, downstreamResponseHeaders(answer.rawHeaders));
      wrote();
      answer.on('data', wrote);
      answer.pipe(res);
      answer.once('end', () => finish(status));
      answer.once('error', () => {
        res.destroy();
        finish(status);
      });
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (status === 0 && !isRetry && bodyless && upstream.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE') && !res.destroyed) {
        current = send(true);
        return;
      }
      if (status === 0) {
        status = 502;
        if (!res.destroyed) writeError(res, 502, dialError(err, target));
      } else {
        res.destroy();
      }
      finish(status);
    });
    if (bodyless) upstream.end();
    else req.pipe(upstream);
    return upstream;
  };
  let current = send(false);
  if (bodyless) req.resume();
  // A client that leaves takes the upstream exchange with it (recorded as upstream's recorder does: 200 unless something was answered).
  res.once('close', () => {
    if (!res.writableFinished) current.destroy();
    finish(status || 200);
  });
  return { done, abort: () => current.destroy() };
}

function dialError(err: NodeJS.ErrnoException, target: ForwardTarget): string {
  if (err.code === 'ECONNREFUSED') return `dial tcp ${target.host}:${target.port}: connect: connection refused`;
  if (err.code === 'ECONNRESET') return 'EOF';
  return err.message;
}
