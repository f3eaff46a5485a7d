/**
 * Keep-alive pools of raw upstream sockets, one pool per endpoint (address, port and TLS
 * identity). A request borrows a connection, the engine writes the request bytes and parses
 * the response itself, and hands the connection back when the exchange left it clean.
 * TLS endpoints are dialled with the caller's options (SNI, ALPN, a workload certificate for
 * mesh mTLS); the caller changes `tlsKey` when those options change (certificate rotation),
 * so new requests get new connections while old ones finish.
 *
 * Limits follow Envoy's cluster circuit breakers: at most `maxConnectionsPerEndpoint`
 * connections (default 1024), at most `maxPendingPerEndpoint` requests waiting for one
 * (default 1024; beyond that an `overflow` failure, Envoy's `UO`). Idle connections are
 * closed after `idleTimeoutMs` (DestinationRule connectionPool.http.idleTimeout: 1 h).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';

export interface UpstreamEndpoint {
  host: string;
  port: number;
  /** Originate TLS with these options (servername, ALPNProtocols, cert, key, ca, …). */
  tls?: ConnectionOptions;
  /** Distinguishes TLS option sets for pooling (e.g. the client certificate's serial). */
  tlsKey?: string;
  /** Local address to dial from (a proxy speaking for a pod binds the pod's IP, so the peer sees that pod). */
  localAddress?: string;
  /**
   * The endpoint cannot be dialled as configured (e.g. mesh mTLS without a client
   * certificate yet): every attempt fails at once as a connect failure with this transport
   * failure reason (Envoy's UF with a cluster whose TLS secret is missing), never plaintext.
   */
  unavailable?: string;
}

export interface UpstreamPoolOptions {
  maxConnectionsPerEndpoint?: number;
  maxPendingPerEndpoint?: number;
  idleTimeoutMs?: number;
  /** Istio's default connect_timeout: 10 s. */
  connectTimeoutMs?: number;
  /** DestinationRule connectionPool.http.maxRequestsPerConnection: 0 (default) is unlimited. */
  maxRequestsPerConnection?: number;
}

export type ConnectFailureKind = 'connect' | 'overflow';

export class UpstreamConnectError extends Error {
  constructor(
    readonly kind: ConnectFailureKind,
    /** Envoy's %UPSTREAM_TRANSPORT_FAILURE_REASON% (TLS errors), when there is one. */
    readonly transportFailureReason?: string,
  ) {
    super(transportFailureReason ?? kind);
  }
}

/** Who receives a borrowed connection's events: the exchange using it. */
export interface UpstreamUser {
  /** `chunk` is valid only during the call (a view of the shared read buffer): copy what you keep. */
  onUpstreamData(chunk: Buffer): void;
  /** The upstream closed or failed; `error` when it was an error rather than a clean close. */
  onUpstreamClose(error: Error | undefined): void;
}

export function endpointKey(e: UpstreamEndpoint): string {
  const from = e.localAddress ? `${e.localAddress}>` : '';
  if (e.unavailable !== undefined) return `${from}${e.host}:${e.port}|unavailable`;
  return e.tls ? `${from}${e.host}:${e.port}|tls|${e.tlsKey ?? e.tls.servername ?? ''}` : `${from}${e.host}:${e.port}`;
}

/**
 * Every upstream connection reads into this one buffer (Node's `onread`): no Buffer is
 * allocated per read, and reads run one at a time on this thread. A user of the bytes it is
 * handed keeps nothing of them past the call — what it retains or queues it copies first.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

export class UpstreamConnection {
  user: UpstreamUser | undefined;
  /** True once this connection carried a request: a failure before any response byte may be a stale keep-alive. */
  reused = false;
  closed = false;
  /** Requests this connection carried. */
  requests = 0;
  timedOutWhileBusy = false;
  readonly #pool: EndpointPool;

  constructor(
    readonly socket: Socket | TLSSocket,
    pool: EndpointPool,
  ) {
    this.#pool = pool;
    this.remote = `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`;
    this.local = `${socket.localAddress ?? ''}:${socket.localPort ?? ''}`;
    socket.on('timeout', () => {
      if (!this.user) socket.destroy();
      else this.timedOutWhileBusy = true;
    });
    socket.on('error', (err) => this.#closed(err));
    socket.on('close', () => this.#closed(undefined));
  }

  /** Bytes read (a view of the shared read buffer: see `READ_BUFFER`). */
  onBytes(chunk: Buffer): void {
    if (this.user) this.user.onUpstreamData(chunk);
    else this.socket.destroy(); // bytes on an idle connection: the stream is out of step, never reuse it
  }

  /** `ip:port` of the upstream as Envoy prints %UPSTREAM_HOST%, and of our end (read once: each read is a syscall). */
  readonly remote: string;
  readonly local: string;

  #closed(err: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    const user = this.user;
    this.user = undefined;
    this.#pool.forget(this);
    user?.onUpstreamClose(err);
  }

  /** Returns the connection to its pool (`reusable`) or closes it. */
  release(reusable: boolean): void {
    this.user = undefined;
    const max = this.#pool.opts.maxRequestsPerConnection;
    this.requests++;
    if (!reusable || this.closed || (max > 0 && this.requests >= max)) {
      this.socket.destroy();
      return;
    }
    this.reused = true;
    // A pooled connection must be read: that is how its close or stray bytes are noticed, and the next
    // user gets its response. A pause for downstream backpressure belonged to the exchange that is over
    // (a client that vanished mid-response never drains, so nobody else would ever resume it).
    if (this.socket.isPaused()) this.socket.resume();
    this.#pool.putIdle(this);
  }
}

interface Waiter {
  resolve(c: UpstreamConnection): void;
  reject(e: Error): void;
}

class EndpointPool {
  readonly idle: UpstreamConnection[] = [];
  readonly waiters: Waiter[] = [];
  /** Open or opening connections, idle included. */
  count = 0;
  tlsSession: Buffer | undefined;

  constructor(
    readonly endpoint: UpstreamEndpoint,
    readonly opts: Required<UpstreamPoolOptions>,
  ) {}

  takeIdle(): UpstreamConnection | undefined {
    while (this.idle.length > 0) {
      const c = this.idle.pop()!;
      if (c.closed || c.socket.destroyed) continue;
      return c;
    }
    return undefined;
  }

  acquire(): Promise<UpstreamConnection> {
    const c = this.takeIdle();
    if (c) return Promise.resolve(c);
    if (this.count < this.opts.maxConnectionsPerEndpoint) return this.dial();
    if (this.waiters.length >= this.opts.maxPendingPerEndpoint) return Promise.reject(new UpstreamConnectError('overflow'));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  dial(): Promise<UpstreamConnection> {
    if (this.endpoint.unavailable !== undefined) return Promise.reject(new UpstreamConnectError('connect', this.endpoint.unavailable));
    this.count++;
    return new Promise((resolve, reject) => {
      const e = this.endpoint;
      const from = e.localAddress ? { localAddress: e.localAddress } : {};
      let connection: UpstreamConnection | undefined;
      // Bytes before the request was even sent: the stream is out of step from the start.
      const onread = {
        buffer: READ_BUFFER,
        callback: (n: number, buf: Uint8Array): boolean => {
          if (connection) connection.onBytes(Buffer.from(buf.buffer, buf.byteOffset, n));
          else socket.destroy();
          return true; // keep reading: back-pressure pauses the socket itself (pause() stops reads in this mode too)
        },
      };
      // Resume the last TLS session to this endpoint: a resumed handshake costs a fraction of a full one.
      // tls.connect takes `onread` as net.connect does (Node's docs list it; @types/node does not).
      const tlsOptions: ConnectionOptions & { onread?: typeof onread } = { ...e.tls, ...from, host: e.host, port: e.port, session: this.tlsSession, onread };
      const socket = e.tls ? tlsConnect(tlsOptions) : netConnect({ ...from, host: e.host, port: e.port, onread });
      if (e.tls) socket.on('session', (session: Buffer) => (this.tlsSession = session));
      socket.setNoDelay(true);
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        socket.destroy();
        this.count--;
        this.serveWaiter();
        const reason = e.tls && !('syscall' in err) ? `TLS_error:${err.message}` : undefined;
        reject(new UpstreamConnectError('connect', reason));
      };
      socket.setTimeout(this.opts.connectTimeoutMs, () => fail(new Error('connect timeout')));
      socket.once('error', fail);
      socket.once(e.tls ? 'secureConnect' : 'connect', () => {
        if (settled) return;
        settled = true;
        socket.removeListener('error', fail);
        socket.removeAllListeners('timeout');
        // The idle timer stays armed for the connection's life (re-arming it per request costs a timer insert);
        // it only acts when the connection sits idle in the pool.
        socket.setTimeout(this.opts.idleTimeoutMs);
        connection = new UpstreamConnection(socket, this);
        resolve(connection);
      });
    });
  }

  putIdle(c: UpstreamConnection): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve(c);
      return;
    }
    if (c.timedOutWhileBusy) {
      c.timedOutWhileBusy = false;
      c.socket.setTimeout(this.opts.idleTimeoutMs); // the timer fired during a long request: arm it again
    }
    this.idle.push(c);
  }

  forget(c: UpstreamConnection): void {
    this.count--;
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    this.serveWaiter();
  }

  /** A slot freed up: dial for the oldest waiter. */
  serveWaiter(): void {
    const waiter = this.waiters.shift();
    if (waiter) this.dial().then(waiter.resolve, waiter.reject);
  }
}

export class UpstreamPool {
  readonly #pools = new Map<string, EndpointPool>();
  readonly #opts: Required<UpstreamPoolOptions>;

  constructor(opts: UpstreamPoolOptions = {}) {
    this.#opts = {
      maxConnectionsPerEndpoint: opts.maxConnectionsPerEndpoint ?? 1024,
      maxPendingPerEndpoint: opts.maxPendingPerEndpoint ?? 1024,
      idleTimeoutMs: opts.idleTimeoutMs ?? 3_600_000,
      connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
      maxRequestsPerConnection: opts.maxRequestsPerConnection ?? 0,
    };
  }

  /** Borrows a connection to `endpoint`: an idle one, a new one, or the next one freed. Rejects with UpstreamConnectError. */
  acquire(endpoint: UpstreamEndpoint): Promise<UpstreamConnection> {
    return this.#poolFor(endpoint).acquire();
  }

  /** An idle kept-alive connection to `endpoint`, if one is ready now (no promise, no wait); else use `acquire`. */
  takeIdle(endpoint: UpstreamEndpoint): UpstreamConnection | undefined {
    return this.#poolFor(endpoint).takeIdle();
  }

  /** Always dials a new connection: the one retry after a kept-alive connection turned out dead. */
  acquireFresh(endpoint: UpstreamEndpoint): Promise<UpstreamConnection> {
    return this.#poolFor(endpoint).dial();
  }

  #poolFor(endpoint: UpstreamEndpoint): EndpointPool {
    let pool = this.#byObject.get(endpoint);
    if (pool) return pool;
    const key = endpointKey(endpoint);
    pool = this.#pools.get(key);
    if (!pool) {
      pool = new EndpointPool(endpoint, this.#opts);
      this.#pools.set(key, pool);
    }
    this.#byObject.set(endpoint, pool);
    return pool;
  }

  /** Callers that keep their endpoint objects (the gateways do, per configuration) skip building the key per request; endpoints are never mutated. */
  readonly #byObject = new WeakMap<UpstreamEndpoint, EndpointPool>();

  /** Open connections (idle or busy) per endpoint key. */
  connectionCounts(): Map<string, { open: number; idle: number }> {
    const out = new Map<string, { open: number; idle: number }>();
    for (const [k, p] of this.#pools) out.set(k, { open: p.count, idle: p.idle.length });
    return out;
  }

  /** Closes every idle connection; busy ones close when released. */
  closeIdle(): void {
    for (const p of this.#pools.values()) for (const c of [...p.idle]) c.socket.destroy();
  }
}
