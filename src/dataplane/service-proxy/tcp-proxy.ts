/**
 * The service proxy's TCP data plane: one listening socket per address:port of the
 * snapshot, each connection forwarded to a backend its Balancer picks, bytes piped both
 * ways (half-closes included). A backend that refuses the connection is skipped for the
 * next one; with no backend left the client's connection is reset, as a Service without
 * ready endpoints is unreachable on a real cluster. Applying a snapshot opens and closes
 * listeners and swaps backends in place: established connections are never cut by a
 * configuration change (kube-proxy leaves them to conntrack).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { Balancer } from './balancer.ts';
import { listenerKey, type Backend, type BalancingStrategy, type ListenerSpec, type ProxySnapshot } from './snapshot.ts';

export interface ListenFailure {
  spec: ListenerSpec;
  error: NodeJS.ErrnoException;
}

export interface TcpProxyOptions {
  strategy?: BalancingStrategy;
  /** Called when a listener cannot be opened (port taken, address not local, port < 1024 without privileges). */
  onListenError?(failure: ListenFailure): void;
  /** How long a backend connect may take before the next backend is tried. */
  connectTimeoutMs?: number;
  /**
   * The address the upstream connection binds for this client, so the backend (and the
   * kernel's NetworkPolicy table) sees the client pod rather than the proxy: what kube-proxy's
   * DNAT gives for free. Undefined leaves the choice to the kernel (127.0.0.1 on loopback).
   */
  upstreamSource?(client: Socket): string | undefined;
  /**
   * TLS to originate towards `backend` for this client, or undefined to relay plain bytes:
   * how a meshed client pod's Service traffic gets its sidecar's outbound auto mTLS. Only
   * asked when present; a rejected promise counts as a failed connect to that backend.
   */
  upstreamTls?(client: Socket, backend: Backend, service: ListenerSpec): Promise<ConnectionOptions | undefined> | undefined;
  /**
   * Hands the client's connection to someone else before any backend is picked (a meshed
   * pod's sidecar routing its HTTP by VirtualServices); true when taken. The connection is
   * still paused and its bytes unread. A promise: the taker is reading the first bytes to
   * decide (protocol sniffing); on false they are back on the paused socket for the relay; a
   * Buffer: the client ended while they were read, so the relay sends them first.
   */
  takeover?(client: Socket, service: ListenerSpec): boolean | Promise<boolean | Buffer>;
}

/**
 * The loopback pod network's rule: a client on its own 127.x address (a pod, whose
 * connections leave with its pod IP) keeps it upstream; 127.0.0.1 (the node) and other
 * networks' clients do not, since their address may not be bindable here.
 */
export function loopbackClientSource(client: Socket): string | undefined {
  const remote = client.remoteAddress?.replace(/^::ffff:/i, '');
  return remote && remote.startsWith('127.') && remote !== '127.0.0.1' ? remote : undefined;
}

interface Listener {
  spec: ListenerSpec;
  balancer: Balancer;
  server: Server | undefined;
  /** The listen attempt in flight, if any. */
  opening: Promise<void> | undefined;
  failed: NodeJS.ErrnoException | undefined;
}

export class TcpServiceProxy {
  readonly #listeners = new Map<string, Listener>();
  readonly #connections = new Set<Socket>();
  readonly #opts: TcpProxyOptions;
  #stopped = false;

  constructor(opts: TcpProxyOptions = {}) {
    this.#opts = opts;
  }

  /** Makes the live listeners those of `snapshot`; resolves once every listen attempt settled. */
  async apply(snapshot: ProxySnapshot): Promise<void> {
    if (this.#stopped) return;
    const wanted = new Map(snapshot.listeners.map((l) => [listenerKey(l), l]));
    for (const [key, l] of this.#listeners) {
      if (!wanted.has(key)) {
        this.#listeners.delete(key);
        l.server?.close();
      }
    }
    const opening: Array<Promise<void>> = [];
    for (const [key, spec] of wanted) {
      let l = this.#listeners.get(key);
      if (!l) {
        l = { spec, balancer: new Balancer(this.#opts.strategy ?? 'round-robin'), server: undefined, opening: undefined, failed: undefined };
        this.#listeners.set(key, l);
      }
      l.spec = spec;
      l.balancer.update(spec.backends, spec.affinityTimeoutSeconds);
      // A listener that failed before is retried with every snapshot that still wants it.
      if (!l.server && !l.opening) opening.push(this.#open(l));
    }
    await Promise.all(opening);
  }

  /** The listeners that are open, as `address:port`. */
  listening(): string[] {
    return [...this.#listeners.entries()].filter(([, l]) => l.server?.listening).map(([k]) => k);
  }

  failures(): ListenFailure[] {
    return [...this.#listeners.values()].filter((l) => l.failed).map((l) => ({ spec: l.spec, error: l.failed! }));
  }

  /** Open connections per backend of a listener (for tests and status). */
  openConnections(address: string, port: number, backend: Backend): number {
    return this.#listeners.get(listenerKey({ address, port }))?.balancer.openConnections(backend) ?? 0;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const closing = [...this.#listeners.values()].map((l) => new Promise<void>((resolve) => (l.server ? l.server.close(() => resolve()) : resolve())));
    this.#listeners.clear();
    for (const c of this.#connections) c.destroy();
    await Promise.all(closing);
  }

  #open(l: Listener): Promise<void> {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => this.#accept(l, client));
    l.opening = new Promise<void>((resolve) => {
      const onError = (err: NodeJS.ErrnoException) => {
        l.opening = undefined;
        l.failed = err;
        this.#opts.onListenError?.({ spec: l.spec, error: err });
        resolve();
      };
      server.once('error', onError);
      server.listen({ host: l.spec.address, port: l.spec.port, exclusive: true }, () => {
        server.off('error', onError);
        l.opening = undefined;
        l.failed = undefined;
        // Removed (or the proxy stopped) while the listen was in flight.
        if (this.#stopped || this.#listeners.get(listenerKey(l.spec)) !== l) server.close();
        else l.server = server;
        resolve();
      });
    });
    return l.opening;
  }

  #accept(l: Listener, client: Socket): void {
    this.#track(client);
    client.on('error', () => client.destroy());
    const taken = this.#opts.takeover?.(client, l.spec);
    if (taken === true) return;
    if (taken instanceof Promise) {
      taken
        .then((result) => {
          if (result === true || client.destroyed) return;
          this.#relay(l, client, result === false ? undefined : result);
        })
        .catch(() => client.destroy());
      return;
    }
    this.#relay(l, client);
  }

  /** `prefix`: bytes read from the client already, sent upstream before the rest. */
  #relay(l: Listener, client: Socket, prefix?: Buffer): void {
    const from = this.#opts.upstreamSource?.(client);
    this.#forward(l, client, l.balancer.order(from ?? client.remoteAddress), from, prefix);
  }

  /** `from`: the address the upstream connection binds (the client pod's), else the kernel's choice. */
  #forward(l: Listener, client: Socket, candidates: Backend[], from?: string, prefix?: Buffer): void {
    const backend = candidates.shift();
    if (!backend || client.destroyed) {
      if (!client.destroyed) client.resetAndDestroy();
      return;
    }
    const tlsOptions = this.#opts.upstreamTls?.(client, backend, l.spec);
    if (tlsOptions === undefined) return this.#dial(l, client, backend, candidates, from, undefined, prefix);
    tlsOptions.then(
      (options) => this.#dial(l, client, backend, candidates, from, options, prefix),
      () => this.#forward(l, client, candidates, from, prefix),
    );
  }

  #dial(l: Listener, client: Socket, backend: Backend, candidates: Backend[], from: string | undefined, tlsOptions: ConnectionOptions | undefined, prefix?: Buffer): void {
    if (client.destroyed) return;
    const target = { host: backend.address, port: backend.port, allowHalfOpen: true, ...(from ? { localAddress: from } : {}) };
    const upstream: Socket = tlsOptions ? tlsConnect({ ...tlsOptions, ...target }) : connect(target);
    this.#track(upstream);
    const timer = setTimeout(() => upstream.destroy(new Error('connect timeout')), this.#opts.connectTimeoutMs ?? 5_000);
    timer.unref();
    const fail = () => {
      clearTimeout(timer);
      this.#forward(l, client, candidates, from, prefix);
    };
    upstream.once('error', fail);
    upstream.once(tlsOptions ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      upstream.off('error', fail);
      l.balancer.opened(backend, from ?? client.remoteAddress);
      upstream.once('close', () => l.balancer.closed(backend));
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      // A clean close ends the other side through pipe() once its data is flushed; only an
      // abrupt one tears the other side down at once.
      client.once('close', (hadError) => hadError && upstream.destroy());
      upstream.once('close', (hadError) => hadError && client.destroy());
      if (prefix && prefix.length > 0) upstream.write(prefix);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }

  #track(s: Socket): void {
    this.#connections.add(s);
    s.once('close', () => this.#connections.delete(s));
  }
}
