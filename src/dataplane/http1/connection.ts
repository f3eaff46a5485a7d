/**
 * One downstream HTTP/1.1 connection: finds each request head in the byte stream (with
 * the slowloris, size and count limits), hands it to an Exchange, feeds the exchange the
 * request body, holds pipelined bytes until the exchange before them is done, and closes
 * the connection when a reply said so, on idle timeout, or when drained.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Exchange } from './exchange.ts';
import type { ExchangeHost } from './exchange-host.ts';
import { serializeLocalReply } from './local-reply.ts';
import { HeadError, parseRequestHead, type HeadLimits } from './request-head.ts';
import type { DownstreamInfo, Http1Options } from './types.ts';
import { HEAD_END } from './wire.ts';
import type { RequestRecord } from '../request-record.ts';

const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
const DEFAULT_IDLE_TIMEOUT_MS = 3_600_000;
/** Envoy's stream_idle_timeout default: 5 minutes. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;
/** The listener sweeps every quarter of the stream idle timeout: a stream is cut 1–1.25 timeouts after its last activity. */
export const STREAM_IDLE_SWEEPS = 4;

export class Http1Connection implements ExchangeHost {
  readonly downstream: DownstreamInfo;
  readonly retryBufferBytes: number;
  draining = false;
  #pending: Buffer | undefined;
  #exchange: Exchange | undefined;
  #headTimer: NodeJS.Timeout | undefined;
  /**
   * Pending 'drain' listeners that undo this exchange's backpressure pauses: removed when the exchange
   * ends, so a later drain cannot resume a socket that another exchange now uses (and maybe paused itself).
   */
  readonly #drainUndos: Array<{ socket: Socket; onDrain: () => void }> = [];
  /** After a 101: every client byte belongs to the tunnel. */
  #tunnel = false;
  #closed = false;
  readonly #limits: HeadLimits;
  readonly #idleTimeoutMs: number;
  readonly #streamIdleTimeoutMs: number;
  readonly #onGone: ((c: Http1Connection) => void) | undefined;

  constructor(
    readonly socket: Socket | TLSSocket,
    readonly options: Http1Options,
    onGone?: (c: Http1Connection) => void,
  ) {
    this.#onGone = onGone;
    this.#limits = { maxHeadBytes: options.maxHeadBytes ?? 60 * 1024, maxHeaders: options.maxHeaders ?? 100, acceptHttp10: options.acceptHttp10 ?? false };
    this.retryBufferBytes = options.retryBufferBytes ?? 1024 * 1024;
    this.downstream = {
      remoteAddress: socket.remoteAddress ?? '',
      remote: `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`,
      localAddress: `${socket.localAddress ?? ''}:${socket.localPort ?? ''}`,
      secure: 'encrypted' in socket && socket.encrypted === true,
    };
    socket.setNoDelay(true);
    this.#idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.#streamIdleTimeoutMs = options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
    socket.setTimeout(this.#idleTimeoutMs);
    socket.on('timeout', () => {
      const ex = this.#exchange;
      if (!ex) socket.destroy();
      else if (!ex.bodyDone) ex.streamIdle(); // a client that stopped sending its body
    });
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#onClose());
  }

  #swept: { ex: Exchange; activity: number; quiet: number } | undefined;

  /**
   * Envoy's stream_idle_timeout while the response is awaited or streamed (the request body
   * has its own socket timer): the listener calls this every 1/STREAM_IDLE_SWEEPS of the
   * timeout; an exchange with no upstream byte across that many sweeps gets 408 `stream
   * timeout` (SI) before its response started, a reset after. A sweep, not a timer per
   * request, keeps it off the per-request path.
   */
  sweepStreamIdle(): void {
    const ex = this.#exchange;
    if (!ex || this.#tunnel || !ex.bodyDone || ex.finished) {
      this.#swept = undefined;
      return;
    }
    const seen = this.#swept;
    if (seen?.ex !== ex || seen.activity !== ex.activity) {
      this.#swept = { ex, activity: ex.activity, quiet: 0 };
      return;
    }
    if (++seen.quiet >= STREAM_IDLE_SWEEPS) {
      this.#swept = undefined;
      ex.streamIdle();
    }
  }

  /** True when no request is in flight and no partial request is buffered. */
  get idle(): boolean {
    return !this.#exchange && !this.#pending;
  }

  /** Stops taking new requests: closes now if idle, else after the current response. */
  drain(): void {
    this.draining = true;
    if (this.idle) this.endGracefully();
  }

  #onData(chunk: Buffer): void {
    if (this.#closed) return; // lingering after a final reply: read and drop, so closing does not reset the reply away
    const ex = this.#exchange;
    if (ex && this.#tunnel) return ex.tunnelData(chunk);
    if (ex && !ex.bodyDone && !this.#pending) {
      const stop = ex.feedBody(chunk, 0, chunk.length);
      if (stop < 0) return ex.badBody();
      if (stop < chunk.length) this.#pending = chunk.subarray(stop);
      return;
    }
    this.#pending = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    if (ex) {
      // Pipelined bytes wait for the exchange before them; a client that floods is paused.
      if (this.#pending.length > this.#limits.maxHeadBytes) this.socket.pause();
      return;
    }
    this.#nextRequest();
  }


  /**
   * True while #nextRequest runs: an exchange can now finish inside it (a handler that answers
   * synchronously with a local reply), and the loop, not a nested call, takes the next
   * pipelined request — thousands of pipelined requests must not nest thousands deep.
   */
  #parsing = false;

  /** Parses the next request heads from the buffered bytes, as long as whole ones are there and no exchange is in flight. */
  #nextRequest(): void {
    if (this.#parsing) return;
    this.#parsing = true;
    try {
      this.#parseLoop();
    } finally {
      this.#parsing = false;
    }
  }

  #parseLoop(): void {
    while (!this.#exchange && this.#pending && !this.#closed) {
      let buf = this.#pending;
      let skip = 0;
      while (skip < buf.length && (buf[skip] === 0x0d || buf[skip] === 0x0a)) skip++; // empty lines before a request are allowed
      if (skip === buf.length) {
        this.#pending = undefined;
        return;
      }
      if (skip > 0) buf = this.#pending = buf.subarray(skip);
      const end = buf.indexOf(HEAD_END);
      if (end < 0 || end + 4 > this.#limits.maxHeadBytes) {
        if (end >= 0 || buf.length > this.#limits.maxHeadBytes) this.#protocolError(new HeadError(431, 'http1.headers_too_large'));
        // The head timeout runs from its first byte; a head that arrives whole never needs the timer.
        else this.#headTimer ??= setTimeout(() => this.#onHeadTimeout(), this.options.requestHeadersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS);
        return;
      }
      let head;
      try {
        head = parseRequestHead(buf.toString('latin1', 0, end + 4), this.#limits);
      } catch (e) {
        if (e instanceof HeadError) return this.#protocolError(e);
        throw e;
      }
      if (this.#headTimer) {
        clearTimeout(this.#headTimer);
        this.#headTimer = undefined;
      }
      const rest = end + 4 < buf.length ? buf.subarray(end + 4) : undefined;
      this.#pending = undefined;
      const ex = new Exchange(this, head);
      this.#exchange = ex;
      // While a body is coming, silence means Envoy's stream_idle_timeout, not the connection idle timeout.
      if (!ex.bodyDone) this.socket.setTimeout(this.#streamIdleTimeoutMs);
      if (rest) {
        if (!ex.bodyDone) {
          const stop = ex.feedBody(rest, 0, rest.length);
          if (stop < 0) {
            ex.badBody();
            return;
          }
          if (stop < rest.length) this.#pending = rest.subarray(stop);
        } else this.#pending = rest;
      }
      ex.start();
    }
  }

  #onHeadTimeout(): void {
    this.#headTimer = undefined;
    if (this.#exchange || this.#closed) return;
    // Envoy answers a request_headers_timeout with 408 and closes.
    this.#protocolError(new HeadError(408, 'request_header_timeout'));
  }

  /** A malformed or too-slow request: Envoy's local reply, then close (the stream position is lost). */
  #protocolError(err: HeadError): void {
    clearTimeout(this.#headTimer);
    this.#headTimer = undefined;
    this.#pending = undefined;
    // Envoy's bodies: the status text for codec errors (CodeUtility::toString), none for 426.
    const text = err.status === 408 ? 'request header timeout' : (STATUS_CODES[err.status] ?? 'Bad Request');
    const bytes = this.writeLocalReply(err.status, err.status === 426 ? '' : text, undefined, true, false);
    this.#closed = true;
    try {
      this.options.onRecord?.(this.#errorRecord(err, bytes));
    } catch {
      // Telemetry must never break the data path.
    }
  }

  #errorRecord(err: HeadError, bytesSent: number): RequestRecord {
    return {
      protocol: 'http',
      reporter: 'gateway',
      connectionSecurityPolicy: 'unknown',
      source: {},
      destination: {},
      ...this.options.recordBase,
      startTime: Date.now(),
      durationMs: 0,
      responseCode: err.status,
      responseFlags: err.status === 408 ? [] : ['DPE'],
      responseCodeDetails: err.details,
      bytesReceived: 0,
      bytesSent,
      downstreamLocalAddress: this.downstream.localAddress,
      downstreamRemoteAddress: this.downstream.remote,
      requestProtocol: 'http',
    };
  }

  #onEnd(): void {
    // Envoy does not half-close HTTP/1 streams: a client FIN ends the connection and resets
    // whatever is in flight (DC). Only a tunnel passes the half-close on to the upstream.
    if (this.#tunnel) this.#exchange?.tunnelEnd();
    else this.socket.destroy();
  }

  #onClose(): void {
    this.#closed = true;
    clearTimeout(this.#headTimer);
    this.#exchange?.downstreamClosed();
    this.#exchange = undefined;
    this.#forgetPauses();
    this.#onGone?.(this);
  }

  // ── ExchangeHost ──────────────────────────────────────────────────────────────────

  write(chunk: Buffer): boolean {
    return this.socket.write(chunk);
  }

  writeLocalReply(status: number, body: string | Buffer, headers: readonly string[] | undefined, close: boolean, headRequest: boolean): number {
    const bytes = serializeLocalReply(status, body, headers, close, headRequest);
    this.socket.write(bytes);
    if (close) this.endGracefully();
    return headRequest ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  }

  pauseFor(upstream: Socket): void {
    if (this.socket.isPaused()) return;
    this.socket.pause();
    this.#undoOnDrain(upstream, () => this.resume());
  }

  pauseUntilResumed(): void {
    this.socket.pause();
  }

  resume(): void {
    if (!this.#closed) this.socket.resume();
  }

  pauseUpstreamUntilDrained(upstream: Socket): void {
    if (upstream.isPaused()) return;
    upstream.pause();
    this.#undoOnDrain(this.socket, () => upstream.resume());
  }

  #undoOnDrain(socket: Socket, undo: () => void): void {
    const entry = {
      socket,
      onDrain: () => {
        const i = this.#drainUndos.indexOf(entry);
        if (i >= 0) this.#drainUndos.splice(i, 1);
        undo();
      },
    };
    this.#drainUndos.push(entry);
    socket.once('drain', entry.onDrain);
  }

  /**
   * The exchange is over: its pending resumes go. The pool resumes an upstream it takes back (a client
   * that vanished mid-response never drains), and exchangeDone resumes this client.
   */
  #forgetPauses(): void {
    for (const { socket, onDrain } of this.#drainUndos.splice(0)) socket.removeListener('drain', onDrain);
  }

  exchangeDone(exchange: Exchange, reusable: boolean): void {
    if (this.#exchange !== exchange) return;
    this.#exchange = undefined;
    this.#forgetPauses();
    if (exchange.head.framing !== 'none') this.socket.setTimeout(this.#idleTimeoutMs);
    if (this.#closed) return;
    if (!reusable || this.draining) {
      this.#pending = undefined;
      this.endGracefully();
      return;
    }
    // Whatever paused the client (a full request-body queue, a slow upstream) belonged to this exchange.
    this.socket.resume();
    if (this.#pending) this.#nextRequest();
  }

  startTunnel(exchange: Exchange): void {
    this.#tunnel = true;
    this.socket.setTimeout(0);
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending) exchange.tunnelData(pending);
  }

  endGracefully(): void {
    this.#closed = true;
    this.socket.end();
    lingerThenDestroy(this.socket);
  }

  destroy(): void {
    this.#closed = true;
    this.socket.destroy();
  }
}

/** How long a closed-by-us connection may keep sending before it is reset. */
const LINGER_MS = 5_000;

function lingerThenDestroy(socket: Socket): void {
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
