/**
 * One request's trip to the user container: the reverse proxy (streaming both ways over a
 * keep-alive agent) under the timeout handler (pkg/http/handler/timeout.go):
 * - the revision timeout and the response-start timeout end a request with 504 `request
 *   timeout` when no response has started by then; once it has, they no longer apply;
 * - the idle timeout ends it when nothing was written for that long — 504 before the
 *   response starts; after, the message ends a chunked body, and a body of declared length
 *   is cut (its connection closed), as Go's handler returning early does.
 * An unreachable app is a 502 with the dial error (httputil.ReverseProxy's ErrorHandler).
 *
 * This runs for every request, so it keeps per-request work small: one timer for the two
 * response-start deadlines, the idle clock only when an idle timeout is set, and the response
 * body copied by hand (pipe's bookkeeping is for streams that live long).
 */
import { request, type Agent, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { TIMEOUT_MESSAGE } from './constants.ts';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.ts';
import type { UpstreamExchange, UpstreamHead, UpstreamPool } from './upstream-client.ts';

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

/** A request's armed timeouts: `wrote` marks a write to the client (the idle clock); `clear` disarms them. */
export interface TimeoutHandle {
  wrote(): void;
  clear(): void;
}

/**
 * Arms a request's timeouts; `onTimeout` runs once when one fires, to abort what is in
 * progress. The caller clears them when the response closes.
 */
export function armTimeouts(res: ServerResponse, t: Timeouts, onTimeout: () => void): TimeoutHandle {
  let startTimer: ReturnType<typeof setTimeout> | undefined;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  let lastWrite = 0;
  const clear = () => {
    if (startTimer) clearTimeout(startTimer);
    if (idleTimer) clearTimeout(idleTimer);
    startTimer = idleTimer = undefined;
  };
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
  // Both deadlines only matter before the response starts, so the earlier one is the one that counts.
  const startMs = Math.min(t.revisionMs > 0 ? t.revisionMs : Infinity, t.responseStartMs > 0 ? t.responseStartMs : Infinity);
  if (startMs !== Infinity) {
    startTimer = setTimeout(() => {
      startTimer = undefined;
      if (!res.headersSent) fail();
    }, startMs);
  }
  if (t.idleMs > 0) {
    const idleCheck = () => {
      const since = lastWrite === 0 ? Infinity : Date.now() - lastWrite;
      if (since >= t.idleMs) fail();
      else idleTimer = setTimeout(idleCheck, t.idleMs - since);
    };
    idleTimer = setTimeout(idleCheck, t.idleMs);
    return { wrote: () => void (lastWrite = Date.now()), clear };
  }
  return { wrote: noop, clear };
}

function noop(): void {}

export interface ForwardTarget {
  host: string;
  port: number;
  /** For requests with a body. */
  agent: Agent;
  /** For requests without one (upstream-client.ts). */
  pool: UpstreamPool;
}

/** A proxied exchange in progress: `abort` drops it; `closed` tells it the client's response closed. */
export interface ForwardHandle {
  abort(): void;
  closed(): void;
}

/**
 * Proxies `req` to the user container; `done` gets the status the app answered (502 when it
 * could not be reached) once the response is done, exactly once. `wrote` marks each write to
 * the client (for the idle timeout; undefined when there is none). The caller reports the
 * response's close through the returned handle's `closed`.
 *
 * A kept-alive connection the app closed just as it was reused fails before any answer; a
 * request without a body is then sent once more on a fresh connection, as Go's transport
 * retries (the app never saw it).
 */
export function forward(req: IncomingMessage, res: ServerResponse, target: ForwardTarget, done: (status: number) => void, wrote?: () => void): ForwardHandle {
  let status = 0;
  let finished = false;
  const finish = (s: number) => {
    if (finished) return;
    finished = true;
    done(s);
  };
  const headers = upstreamRequestHeaders(req.rawHeaders, req.socket.remoteAddress);
  // The client's Host goes to the app as it came (Go's proxy keeps req.Host); only a request without one gets the target's.
  const setHost = req.headers.host === undefined && headers[0] !== 'Host';
  const bodyless = (req.headers['content-length'] === undefined || req.headers['content-length'] === '0') && req.headers['transfer-encoding'] === undefined;

  if (bodyless) return forwardBodyless(req, res, target, headers, setHost, finish, wrote);

  const onAnswer = (answer: IncomingMessage) => {
    status = answer.statusCode ?? 502;
    if (res.destroyed || res.headersSent) {
      answer.destroy();
      return;
    }
    res.writeHead(status, answer.statusMessage, downstreamResponseHeaders(answer.rawHeaders));
    wrote?.();
    // pipe(), by hand: backpressure through pause/drain, the end ends the response.
    const resume = () => answer.resume();
    answer.on('data', (chunk: Buffer) => {
      wrote?.();
      if (!res.write(chunk)) {
        answer.pause();
        res.once('drain', resume);
      }
    });
    answer.once('end', () => {
      res.end();
      finish(status);
    });
    answer.once('error', () => {
      res.destroy();
      finish(status);
    });
  };

  const send = (isRetry: boolean): ClientRequest => {
    const upstream = request({ host: target.host, port: target.port, method: req.method, path: req.url, headers, agent: target.agent, setHost }, onAnswer);
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
    req.pipe(upstream);
    return upstream;
  };
  let current = send(false);
  return {
    abort: () => current.destroy(),
    // A client that leaves takes the upstream exchange with it (recorded as upstream's recorder does: 200 unless something was answered).
    closed: () => {
      if (!res.writableFinished) current.destroy();
      finish(status || 200);
    },
  };
}

/** The same exchange for a request without a body, over the lean client (retried once on a stale pooled connection). */
function forwardBodyless(req: IncomingMessage, res: ServerResponse, target: ForwardTarget, headers: string[], setHost: boolean, finish: (status: number) => void, wrote: (() => void) | undefined): ForwardHandle {
  let head = `${req.method} ${req.url} HTTP/1.1\r\n`;
  if (setHost) head += `Host: ${target.host}:${target.port}\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  head += '\r\n';
  let status = 0;
  let current: UpstreamExchange;
  const resume = () => current.resume();
  const listener = {
    head: (answer: UpstreamHead) => {
      status = answer.status;
      if (res.destroyed || res.headersSent) {
        current.abort();
        return;
      }
      try {
        res.writeHead(status, answer.statusMessage, downstreamResponseHeaders(answer.rawHeaders));
      } catch {
        // A head Node's writer refuses (bad characters) is what node:http's parser would have refused: a 502.
        current.abort();
        status = 502;
        writeError(res, 502, 'malformed response from the user container');
        finish(status);
        return;
      }
      wrote?.();
    },
    data: (chunk: Buffer) => {
      wrote?.();
      if (res.write(chunk)) return true;
      res.once('drain', resume);
      return false;
    },
    end: () => {
      res.end();
      finish(status);
    },
    error: (err: NodeJS.ErrnoException, reused: boolean) => {
      if (status === 0 && !retried && reused && (err.code === 'ECONNRESET' || err.code === 'EPIPE') && !res.destroyed) {
        retried = true;
        current = target.pool.request(head, req.method === 'HEAD', listener);
        return;
      }
      if (status === 0) {
        status = 502;
        if (!res.destroyed) writeError(res, 502, dialError(err, target));
      } else {
        res.destroy();
      }
      finish(status);
    },
  };
  let retried = false;
  current = target.pool.request(head, req.method === 'HEAD', listener);
  req.resume();
  return {
    abort: () => current.abort(),
    closed: () => {
      if (!res.writableFinished) current.abort();
      finish(status || 200);
    },
  };
}

function dialError(err: NodeJS.ErrnoException, target: ForwardTarget): string {
  if (err.code === 'ECONNREFUSED') return `dial tcp ${target.host}:${target.port}: connect: connection refused`;
  if (err.code === 'ECONNRESET') return 'EOF';
  return err.message;
}
