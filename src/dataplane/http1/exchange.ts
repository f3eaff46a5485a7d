/**
 * One request on a downstream connection, from its parsed head to the last response byte:
 * asks the handler, streams the request body (never buffering more than the retry replay
 * buffer and one socket's backpressure), runs the tries against upstream connections from
 * the pool (retry policy, per-try and route timeouts, the one free retry of a kept-alive
 * connection that died before answering), streams the response back, turns a 101 into a
 * byte tunnel, and writes the RequestRecord.
 */
import type { RequestRecord, ResponseFlag } from '../request-record.ts';
import { buildDownstreamResponseHead, buildUpstreamRequestHead } from './forward-heads.ts';
import { ENVOY_REPLIES, retriedBody, type EnvoyReply } from './local-reply.ts';
import type { RequestHead } from './request-head.ts';
import { RequestBody } from './request-body.ts';
import { ResponseReader, type ResponseEvents } from './response-reader.ts';
import type { ResponseHead } from './response-head.ts';
import { UpstreamConnectError, type UpstreamConnection, type UpstreamEndpoint, type UpstreamUser } from './upstream-pool.ts';
import { endpointForTry, type ForwardDecision, type RouteDecision } from './types.ts';
import { shouldRetryFailure, shouldRetryStatus, retryBackoffMs } from './retry.ts';
import type { ExchangeHost } from './exchange-host.ts';

const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
/** Request bytes queued while no upstream can take them before the client is paused. */
const QUEUE_HIGH_WATER = 64 * 1024;
/** Body bytes up to this size are copied behind the response head so both go in one write. */
const JOIN_BODY_BYTES = 16 * 1024;
const HANDLER_ERROR: RouteDecision = { kind: 'reply', status: 500, body: '', details: 'handler_error' };

export class Exchange implements UpstreamUser, ResponseEvents {
  readonly startTime = Date.now();
  readonly #t0 = performance.now();
  readonly #host: ExchangeHost;
  readonly head: RequestHead;
  readonly #body: RequestBody;
  // Routing and tries.
  #decision: ForwardDecision | undefined;
  #endpoint: UpstreamEndpoint | undefined;
  #try = 0;
  #staleRetried = false;
  #up: UpstreamConnection | undefined;
  #reader: ResponseReader | undefined;
  #sentAt = 0;
  #routeTimer: NodeJS.Timeout | undefined;
  #tryTimer: NodeJS.Timeout | undefined;
  #requestId: string | undefined;
  #forwardedFor: string | undefined;
  // Response.
  #status = 0;
  #responseStarted = false;
  #closeDownstream = false;
  #bytesSent = 0;
  #serviceTimeMs: number | undefined;
  readonly #flags: ResponseFlag[] = [];
  #details: string | undefined;
  #terminationDetails: string | undefined;
  #transportFailure: string | undefined;
  #upstreamHost: string | undefined;
  #upstreamLocal: string | undefined;
  #tunnel = false;
  finished = false;
  /** Bumped on every upstream read: the listener's stream idle sweep watches it (see Http1Connection.sweepStreamIdle). */
  activity = 0;

  constructor(host: ExchangeHost, head: RequestHead) {
    this.#host = host;
    this.head = head;
    this.#body = new RequestBody(head, host.retryBufferBytes);
  }

  // ── request body ──────────────────────────────────────────────────────────────────

  /** The whole request body arrived. */
  get bodyDone(): boolean {
    return this.#body.done;
  }

  /** Takes request-body bytes from `buf[start, end)`; returns where the body ended (or `end`). -1: bad chunked framing. */
  feedBody(buf: Buffer, start: number, end: number): number {
    const stop = this.#body.frame(buf, start, end);
    if (stop > start) this.#pushBody(start === 0 && stop === buf.length ? buf : buf.subarray(start, stop));
    return stop;
  }

  #pushBody(chunk: Buffer): void {
    this.#body.remember(chunk);
    if (this.#up && !this.#body.hasQueued) {
      if (!this.#up.socket.write(chunk)) this.#host.pauseFor(this.#up.socket);
      return;
    }
    if (this.finished) return;
    if (this.#body.queue(chunk) > QUEUE_HIGH_WATER) this.#host.pauseUntilResumed();
  }

  /** The request body's chunked framing is broken: a reply if none started, else a reset. */
  badBody(): void {
    this.#flags.push('DPE');
    if (!this.#responseStarted) this.#localReply(400, 'Bad Request', undefined, 'http1.invalid_chunk_size', true);
    else this.#abort('http1.invalid_chunk_size');
  }

  // ── routing ───────────────────────────────────────────────────────────────────────

  /** Asks the handler and acts on its decision: at once when it answers synchronously (the common case), else when its promise settles. */
  start(): void {
    let decision: RouteDecision | Promise<RouteDecision>;
    try {
      decision = this.#host.options.handler(this.head, this.#host.downstream);
    } catch {
      decision = HANDLER_ERROR;
    }
    if (decision instanceof Promise) decision.then((d) => this.#act(d), () => this.#act(HANDLER_ERROR));
    else this.#act(decision);
  }

  #act(decision: RouteDecision): void {
    try {
      this.#decided(decision);
    } catch {
      this.#host.destroy(); // a bug in one exchange costs its connection, never the process
    }
  }

  #decided(decision: RouteDecision): void {
    if (this.finished) return; // the client went away while the handler thought
    if (decision.kind === 'reply') {
      if (decision.flags) this.#flags.push(...decision.flags);
      this.#decisionRecord = decision.record;
      this.#localReply(decision.status, decision.body ?? '', decision.headers, decision.details ?? 'direct_response', !this.bodyDone);
      return;
    }
    this.#decision = decision;
    this.#decisionRecord = decision.record;
    if (decision.flags) this.#flags.push(...decision.flags);
    let fwd;
    try {
      fwd = buildUpstreamRequestHead(this.head, decision, this.#host.downstream, this.#host.options.useRemoteAddress === true);
    } catch {
      this.#localReply(500, '', undefined, 'handler_error', !this.bodyDone);
      return;
    }
    this.#requestId = fwd.requestId;
    this.#forwardedFor = fwd.forwardedFor;
    this.#upstreamHead = fwd.head;
    if (this.head.expectContinue && !this.bodyDone) this.#host.write(CONTINUE);
    if (decision.timeoutMs) this.#routeTimer = setTimeout(() => this.#onTimeout(false), decision.timeoutMs);
    this.#beginTry(false);
  }

  #decisionRecord: Partial<RequestRecord> | undefined;
  #upstreamHead: string | undefined;

  #beginTry(fresh: boolean): void {
    const d = this.#decision!;
    let endpoint: UpstreamEndpoint | undefined;
    try {
      endpoint = endpointForTry(d.upstream, this.#try);
    } catch {
      endpoint = undefined; // a picker bug must not take the proxy down: treat it as no healthy host
    }
    if (!endpoint) {
      this.#failBeforeResponse(ENVOY_REPLIES.noHealthyUpstream);
      return;
    }
    this.#endpoint = endpoint;
    const perTry = d.retry?.perTryTimeoutMs;
    if (perTry) this.#tryTimer = setTimeout(() => this.#onTimeout(true), perTry);
    const pool = this.#host.options.pool;
    // A try abandoned by its per-try timeout may still connect or fail later: only the latest try counts.
    const generation = ++this.#tryGeneration;
    const idle = fresh ? undefined : pool.takeIdle(endpoint);
    if (idle) return this.#onConnected(idle, generation);
    (fresh ? pool.acquireFresh(endpoint) : pool.acquire(endpoint)).then(
      (c) => this.#onConnected(c, generation),
      (e: unknown) => this.#onConnectFailed(e, generation),
    );
  }

  #tryGeneration = 0;

  #onConnected(up: UpstreamConnection, generation: number): void {
    if (this.finished || this.#up || generation !== this.#tryGeneration) {
      up.release(true); // nothing was written on it
      return;
    }
    this.#up = up;
    up.user = this;
    this.#upstreamHost = up.remote;
    this.#upstreamLocal = up.local;
    this.#reader = new ResponseReader(this.head.method, this);
    this.#sentAt = performance.now();
    const queued = this.#body.takeQueued();
    // A string goes to the socket without a Buffer of its own (Node writes latin1 straight into the stream).
    if (queued.length === 0) up.socket.write(this.#upstreamHead!, 'latin1');
    else {
      up.socket.cork();
      up.socket.write(this.#upstreamHead!, 'latin1');
      for (const c of queued) up.socket.write(c);
      up.socket.uncork();
    }
    this.#host.resume();
  }

  #onConnectFailed(e: unknown, generation: number): void {
    if (this.finished || generation !== this.#tryGeneration) return;
    clearTimeout(this.#tryTimer);
    if (e instanceof UpstreamConnectError && e.kind === 'overflow') {
      this.#failBeforeResponse(ENVOY_REPLIES.overflow);
      return;
    }
    this.#transportFailure = e instanceof UpstreamConnectError ? e.transportFailureReason : undefined;
    if (this.#retryAllowed('connect-failure')) return;
    this.#failBeforeResponse(ENVOY_REPLIES.connectFailure);
  }

  /** Starts the next try if the policy allows it for `cause`; true when it did. */
  #retryAllowed(cause: 'connect-failure' | 'reset' | 'timeout' | 'status', status = 0): boolean {
    const policy = this.#decision?.retry;
    if (!policy || this.#try >= policy.attempts || !this.#body.replayable) return false;
    const ok = cause === 'status' ? shouldRetryStatus(policy, status) : shouldRetryFailure(policy, cause);
    if (!ok) return false;
    this.#try++;
    this.#tryGeneration++;
    this.#body.requeueForRetry();
    setTimeout(() => {
      if (!this.finished) this.#beginTry(false);
    }, retryBackoffMs(this.#try));
    return true;
  }

  // ── response ──────────────────────────────────────────────────────────────────────

  /** `chunk` is a view of the pool's shared read buffer: what goes to the client is copied (or joined) first. */
  onUpstreamData(chunk: Buffer): void {
    this.activity++;
    if (this.#tunnel) {
      this.#bytesSent += chunk.length;
      if (!this.#host.write(Buffer.from(chunk))) this.#host.pauseUpstreamUntilDrained(this.#up!.socket);
      return;
    }
    this.#reader!.push(chunk);
    // A head whose body did not come with it (or has none) goes out on its own.
    this.#flushHeldHead();
  }

  /**
   * The response head waits for the body bytes that arrived with it, so both leave in one
   * write (one TLS record, one syscall: a small response costs one write, as in nginx).
   */
  #heldHead: Buffer | undefined;

  #flushHeldHead(): void {
    const head = this.#heldHead;
    if (!head) return;
    this.#heldHead = undefined;
    this.#host.write(head);
  }

  onResponseHead(resp: ResponseHead, rest: Buffer | undefined): boolean {
    if (resp.status === 101 && this.head.upgrade === undefined) {
      this.onResponseError(); // switching protocols nobody asked for: the stream is lost
      return false;
    }
    const policy = this.#decision!.retry;
    if (policy && this.bodyDone && shouldRetryStatus(policy, resp.status) && this.#retryAllowed('status', resp.status)) {
      this.#dropUpstream();
      return false;
    }
    if (policy && this.#try >= policy.attempts && policy.attempts > 0 && shouldRetryStatus(policy, resp.status)) this.#flags.push('URX');
    clearTimeout(this.#tryTimer);
    this.#serviceTimeMs = Math.round(performance.now() - this.#sentAt);
    this.#status = resp.status;
    this.#responseStarted = true;
    this.#details = 'via_upstream';
    if (resp.status === 101 && this.head.upgrade !== undefined) {
      clearTimeout(this.#routeTimer);
      this.#tunnel = true;
      this.#host.write(buildDownstreamResponseHead(resp, this.#decision!, this.#serviceTimeMs, false));
      if (rest) {
        this.#bytesSent += rest.length;
        this.#host.write(Buffer.from(rest));
      }
      this.#host.startTunnel(this);
      return false;
    }
    this.#closeDownstream = !this.head.keepAlive || this.#host.draining || resp.framing === 'close';
    this.#heldHead = buildDownstreamResponseHead(resp, this.#decision!, this.#serviceTimeMs, this.#closeDownstream);
    return true;
  }

  onResponseBody(chunk: Buffer, payloadBytes: number): void {
    this.#bytesSent += payloadBytes;
    if (this.head.method === 'HEAD') return;
    const head = this.#heldHead;
    let out: Buffer;
    if (head && chunk.length <= JOIN_BODY_BYTES) {
      this.#heldHead = undefined;
      out = Buffer.concat([head, chunk], head.length + chunk.length);
    } else {
      this.#flushHeldHead();
      out = Buffer.from(chunk);
    }
    if (!this.#host.write(out)) this.#host.pauseUpstreamUntilDrained(this.#up!.socket);
  }

  onResponseEnd(cleanEnd: boolean): void {
    this.#flushHeldHead();
    const up = this.#up;
    this.#up = undefined;
    // A kept-alive upstream goes back to the pool only when both directions ended exactly on a boundary.
    up?.release(cleanEnd && this.bodyDone && this.#reader!.keepAlive);
    if (!this.bodyDone) this.#closeDownstream = true;
    this.#finish();
  }

  onResponseError(): void {
    this.#dropUpstream();
    if (!this.#responseStarted) {
      this.#reply(ENVOY_REPLIES.protocolError, false);
      return;
    }
    this.#flags.push('UPE');
    this.#abort('upstream_reset_after_response_started{protocol_error}');
  }

  /** Bytes the client sends once the connection became a tunnel. */
  tunnelData(chunk: Buffer): void {
    this.#body.bytes += chunk.length;
    if (this.#up && !this.#up.socket.write(chunk)) this.#host.pauseFor(this.#up.socket);
  }

  /** The client ended its side of a tunnel. */
  tunnelEnd(): void {
    this.#up?.socket.end();
  }

  onUpstreamClose(_error: Error | undefined): void {
    const up = this.#up;
    this.#up = undefined;
    if (this.finished) return;
    if (this.#tunnel) {
      this.#finish();
      this.#host.endGracefully();
      return;
    }
    if (this.#reader?.closeDelimited) {
      this.#reader.pushEnd();
      return;
    }
    clearTimeout(this.#tryTimer);
    if (this.#responseStarted) {
      this.#flags.push('UC');
      this.#abort('upstream_reset_after_response_started{connection_termination}');
      return;
    }
    // A kept-alive connection that died before any response byte: the server closed it while idle. Safe to resend once.
    if (up?.reused && !this.#reader?.sawBytes && !this.#staleRetried && this.#body.replayable) {
      this.#staleRetried = true;
      this.#body.requeueForRetry();
      this.#beginTry(true);
      return;
    }
    if (this.#retryAllowed('reset')) return;
    this.#failBeforeResponse(ENVOY_REPLIES.connectionTermination);
  }

  #onTimeout(perTry: boolean): void {
    if (this.finished) return;
    if (perTry && !this.#responseStarted) {
      this.#dropUpstream();
      if (this.#retryAllowed('timeout')) return;
    }
    clearTimeout(this.#tryTimer);
    this.#dropUpstream();
    if (!this.#responseStarted) {
      this.#reply(ENVOY_REPLIES.timeout, false);
      return;
    }
    this.#flags.push('UT');
    this.#abort('response_timeout');
  }

  /** The request body stopped arriving (Envoy's stream idle timeout: 408 before a response, else a reset). */
  streamIdle(): void {
    if (this.finished) return;
    this.#flags.push('SI');
    if (!this.#responseStarted) this.#localReply(408, 'stream timeout', undefined, 'stream_idle_timeout', true);
    else this.#abort('stream_idle_timeout');
  }

  /** The client closed the connection before the exchange finished (Envoy's DC). */
  downstreamClosed(): void {
    if (this.finished) return;
    this.#flags.push('DC');
    this.#dropUpstream();
    this.#details ??= 'downstream_remote_disconnect';
    if (this.#tunnel) this.#flags.pop();
    this.#finish();
  }

  #dropUpstream(): void {
    const up = this.#up;
    this.#up = undefined;
    this.#reader?.stop();
    if (up) {
      up.user = undefined;
      up.release(false);
    }
  }

  #failBeforeResponse(reply: EnvoyReply): void {
    clearTimeout(this.#tryTimer);
    const retried = this.#try > 0;
    if (retried && reply !== ENVOY_REPLIES.noHealthyUpstream) this.#flags.push('URX');
    this.#reply(reply, retried);
  }

  #reply(reply: EnvoyReply, retried: boolean): void {
    this.#flags.push(reply.flag);
    let body: string = retried ? retriedBody(reply) : reply.body;
    if (this.#transportFailure && reply === ENVOY_REPLIES.connectFailure) body += `, transport failure reason: ${this.#transportFailure}`;
    this.#localReply(reply.status, body, undefined, reply.details, !this.bodyDone);
  }

  #localReply(status: number, body: string | Buffer, headers: readonly string[] | undefined, details: string, close: boolean): void {
    this.#dropUpstream();
    this.#status = status;
    this.#details = details;
    this.#responseStarted = true;
    this.#closeDownstream = close || !this.head.keepAlive || this.#host.draining;
    this.#bytesSent += this.#host.writeLocalReply(status, body, headers, this.#closeDownstream, this.head.method === 'HEAD');
    this.#finish();
  }

  /** Ends the exchange with a reset of the downstream connection (a response already started). */
  #abort(terminationDetails: string): void {
    this.#flushHeldHead(); // what Envoy had streamed before the reset
    this.#terminationDetails = terminationDetails;
    this.#dropUpstream();
    this.#finish();
    this.#host.destroy();
  }

  #finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.#routeTimer);
    clearTimeout(this.#tryTimer);
    const onRecord = this.#host.options.onRecord;
    if (onRecord) {
      try {
        onRecord(this.#record());
      } catch {
        // Telemetry must never break the data path.
      }
    }
    this.#host.exchangeDone(this, !this.#closeDownstream && this.bodyDone);
  }

  #record(): RequestRecord {
    const head = this.head;
    const d = this.#decisionRecord;
    return {
      protocol: 'http',
      reporter: 'gateway',
      connectionSecurityPolicy: 'unknown',
      source: {},
      destination: {},
      ...this.#host.options.recordBase,
      ...d,
      startTime: this.startTime,
      durationMs: Math.round(performance.now() - this.#t0),
      method: head.method,
      path: head.path,
      httpProtocol: head.version,
      authority: head.authority,
      userAgent: headerOf(head, 'user-agent'),
      requestId: this.#requestId ?? headerOf(head, 'x-request-id'),
      forwardedFor: this.#forwardedFor ?? headerOf(head, 'x-forwarded-for'),
      responseCode: this.#status,
      responseFlags: this.#flags,
      responseCodeDetails: this.#details,
      connectionTerminationDetails: this.#terminationDetails,
      bytesReceived: this.#body.bytes,
      bytesSent: this.#bytesSent,
      upstreamServiceTimeMs: this.#serviceTimeMs,
      upstreamHost: this.#upstreamHost ?? (this.#endpoint ? `${this.#endpoint.host}:${this.#endpoint.port}` : undefined),
      upstreamLocalAddress: this.#upstreamLocal,
      upstreamTransportFailureReason: this.#transportFailure,
      downstreamLocalAddress: this.#host.downstream.localAddress,
      downstreamRemoteAddress: this.#host.downstream.remote,
      requestProtocol: d?.requestProtocol ?? 'http',
    };
  }
}

function headerOf(head: RequestHead, lower: string): string | undefined {
  const h = head.headers;
  for (let i = 0; i < h.length; i += 2) if (h[i]!.length === lower.length && h[i]!.toLowerCase() === lower) return h[i + 1];
  return undefined;
}
