/**
 * One listening port of a gateway proxy, bound on the gateway pod's IP: Envoy's listener
 * with its filter chains. The port's socket is never reopened while the proxy lives; a new
 * configuration replaces the chains behind it. Plain HTTP goes straight to the HTTP chain;
 * on TLS ports the ClientHello's SNI picks the chain (chain-selection.ts), whose TLS server
 * terminates (with the chain's certificate — swapped in place on rotation, so only new
 * handshakes see it) or whose passthrough route gets the bytes unopened.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createHttp1Listener, type Http1Handler, type Http1Listener, type UpstreamPool } from '../http1/index.ts';
import { authorize } from '../config/authorization.ts';
import type { Cluster, FilterChain, L4Route, ProxyListener, RouteConfiguration } from '../config/model.ts';
import type { RequestRecord } from '../request-record.ts';
import { selectChain } from './chain-selection.ts';
import { peekClientHello } from './client-hello-peek.ts';
import { gatewayHttpHandler, type AuthzScope, type ConnectionPeer, type RoutingState } from './http-routing.ts';
import type { OutlierTracker } from './outlier-detection.ts';
import { passThrough } from './passthrough.ts';
import { clientSanAllowed, tlsServerOptions, type MeshIdentity } from './tls-options.ts';
import { listenOn } from '../router/socket-chores.ts';

export interface PortConfig {
  listener: ProxyListener;
  routeConfigs: ReadonlyMap<string, RouteConfiguration>;
  /** L4 routes of this listener's TCP / passthrough chains, by chain index. */
  l4Routes: ReadonlyMap<number, L4Route[]>;
  clusters: ReadonlyMap<string, Cluster>;
  mesh: MeshIdentity | undefined;
  authz?: AuthzScope;
  outliers?: OutlierTracker;
}

export interface PortDeps {
  pool: UpstreamPool;
  onRecord: (record: RequestRecord) => void;
  /** How long a replaced chain's open connections may finish. */
  chainDrainMs: number;
  headTimeoutMs?: number;
  /** Fields of every record (reporter, the gateway's own workload as source). */
  recordBase: Partial<RequestRecord>;
  /** Called as each request head is handled (its record follows when it ends). */
  onRequest?: () => void;
}

interface LiveChain {
  key: string;
  chain: FilterChain;
  /** HTTP chains (plain or terminating TLS). */
  http?: Http1Listener;
  tlsFingerprint?: string;
  state: RoutingState;
  l4Routes: L4Route[];
}

function withRequestHook(handler: Http1Handler, onRequest: (() => void) | undefined): Http1Handler {
  return onRequest ? (head, downstream) => (onRequest(), handler(head, downstream)) : handler;
}

function chainKey(c: FilterChain): string {
  return [c.kind, c.serverNames.join(','), c.tls?.mode ?? '', c.tls?.subjectAltNames.join(',') ?? '', c.routeConfigName ?? ''].join('|');
}

function peerOfSocket(tls: TLSSocket): ConnectionPeer {
  const peer = tls.authorized ? tls.getPeerCertificate() : undefined;
  const principal = peer?.subjectaltname?.split(',').map((x) => x.trim()).find((x) => x.startsWith('URI:spiffe://'))?.slice(4);
  return { ...(principal ? { principal } : {}), ...(tls.servername ? { sni: tls.servername } : {}) };
}

function peerRecordBase(socket: Socket): Partial<RequestRecord> {
  const tls = socket as TLSSocket;
  if (!tls.encrypted) return { connectionSecurityPolicy: 'none' };
  const peer = tls.authorized ? tls.getPeerCertificate() : undefined;
  return {
    connectionSecurityPolicy: peer?.raw ? 'mutual_tls' : 'none',
    ...(tls.servername ? { requestedServerName: tls.servername } : {}),
  };
}

export class GatewayPort {
  readonly #server: Server;
  #chains: LiveChain[] = [];
  #listener: ProxyListener | undefined;
  readonly #raw = new Set<Socket>();
  /** TLS peers of open connections by `ip:port`, for AuthorizationPolicy principals. */
  readonly #peers = new Map<string, ConnectionPeer>();
  #draining = false;

  /** Upstream connections leave from the gateway pod's IP (not from an unspecified bind address). */
  get #source(): { localAddress?: string } {
    return this.address === '0.0.0.0' || this.address === '::' || this.address === '' ? {} : { localAddress: this.address };
  }

  constructor(readonly address: string, readonly port: number, private readonly deps: PortDeps) {
    this.#server = createServer({ allowHalfOpen: true }, (socket) => void this.#accept(socket));
  }

  async listen(): Promise<void> {
    await listenOn(this.#server, this.address, this.port);
  }


  /** Applies a new configuration; returns what could not be applied (chains skipped). */
  update(cfg: PortConfig): string[] {
    const problems: string[] = [];
    const old = new Map(this.#chains.map((c) => [c.key, c]));
    const next: LiveChain[] = [];
    cfg.listener.filterChains.forEach((chain, index) => {
      const key = chainKey(chain);
      const state: RoutingState = {
        routeConfig: chain.routeConfigName ? cfg.routeConfigs.get(chain.routeConfigName) : undefined, clusters: cfg.clusters,
        ...(cfg.authz ? { authz: cfg.authz } : {}), ...(cfg.outliers ? { outliers: cfg.outliers } : {}),
        ...(cfg.mesh ? { mesh: cfg.mesh } : {}), ...this.#source,
      };
      const l4Routes = cfg.l4Routes.get(index) ?? [];
      const where = `${cfg.listener.name} chain ${chain.serverNames.join(',') || '*'}`;
      if (chain.kind === 'auto-passthrough') {
        problems.push(`${where}: AUTO_PASSTHROUGH is not supported by skiff's gateways yet`);
        return;
      }
      let live = old.get(key);
      if (live && live.chain.kind === chain.kind) old.delete(key);
      else live = undefined;
      if (chain.kind !== 'http') {
        next.push({ key, chain, state, l4Routes });
        return;
      }
      const tls = chain.tls ? tlsServerOptions(chain.tls, cfg.mesh) : undefined;
      if (tls && !tls.ok) {
        problems.push(`${where}: ${tls.message}`);
        // The chain is skipped: a live one from before goes with the others that are gone.
        if (live) old.set(key, live);
        return;
      }
      if (live?.http) {
        live.state = state;
        live.chain = chain;
        if (tls?.ok && tls.fingerprint !== live.tlsFingerprint) {
          // Rotation: new handshakes get the new certificate; open connections keep theirs.
          (live.http.server as unknown as { setSecureContext(o: object): void }).setSecureContext(tls.options);
          live.tlsFingerprint = tls.fingerprint;
        }
        next.push(live);
        return;
      }
      const fresh: LiveChain = { key, chain, state, l4Routes };
      const serverPort = chain.servers[0]?.serverPort ?? this.port;
      fresh.http = createHttp1Listener({
        pool: this.deps.pool,
        handler: withRequestHook(gatewayHttpHandler({ serverPort, listenPort: this.port, state: () => fresh.state, peerOf: (remote) => this.#peers.get(remote) }), this.deps.onRequest),
        onRecord: this.deps.onRecord,
        recordBase: this.deps.recordBase,
        recordBaseFor: (socket) => {
          if ((socket as TLSSocket).encrypted) {
            const remote = `${socket.remoteAddress}:${socket.remotePort}`;
            this.#peers.set(remote, peerOfSocket(socket as TLSSocket));
            socket.once('close', () => this.#peers.delete(remote));
          }
          return peerRecordBase(socket);
        },
        useRemoteAddress: true,
        ...(tls?.ok ? { tls: tls.options } : {}),
      });
      if (tls?.ok) {
        fresh.tlsFingerprint = tls.fingerprint;
        const sans = chain.tls?.subjectAltNames ?? [];
        if (sans.length > 0) {
          fresh.http.server.prependListener('secureConnection', (s: TLSSocket) => {
            if (!clientSanAllowed(sans, s.getPeerCertificate().subjectaltname)) s.destroy();
          });
        }
      }
      next.push(fresh);
    });
    for (const gone of old.values()) void gone.http?.drain(this.deps.chainDrainMs);
    this.#chains = next;
    this.#listener = cfg.listener;
    return problems;
  }

  /** A connection accepted elsewhere (a sidecar's outbound, from the service proxy): handled as if this port had accepted it. */
  accept(socket: Socket): void {
    void this.#accept(socket);
    // The service proxy accepts paused (pauseOnConnect); the handlers are attached now.
    if (socket.isPaused()) socket.resume();
  }

  async #accept(socket: Socket): Promise<void> {
    socket.on('error', () => socket.destroy());
    const listener = this.#listener;
    if (this.#draining || !listener) return void socket.destroy();
    if (listener.protocol === 'HTTP') {
      const chain = this.#chains[0];
      return chain?.http ? void chain.http.server.emit('connection', socket) : void socket.destroy();
    }
    if (listener.protocol === 'TCP') return this.#passThrough(socket, Buffer.alloc(0), undefined, this.#chains[0]);
    const hello = await peekClientHello(socket, this.deps.headTimeoutMs ?? 10_000);
    if (!hello) return void socket.destroy();
    const chain = this.#chains[selectChain(this.#chains.map((c) => c.chain), hello.serverName)];
    if (!chain || this.#draining) return void socket.destroy();
    if (chain.http) {
      socket.unshift(hello.data);
      chain.http.server.emit('connection', socket);
      return;
    }
    this.#passThrough(socket, hello.data, hello.serverName, chain);
  }

  #passThrough(socket: Socket, head: Buffer, sni: string | undefined, chain: LiveChain | undefined): void {
    if (!chain) return void socket.destroy();
    const authz = chain.state.authz;
    if (authz && authz.policies.length > 0) {
      // Envoy's RBAC network filter: a denied connection is closed before any byte goes on.
      const decision = authorize(authz.policies, authz.workload, authz.rootNamespace, {
        protocol: 'tcp', sourceIp: socket.remoteAddress ?? '', remoteIp: socket.remoteAddress ?? '', destinationIp: socket.localAddress ?? '', destinationPort: this.port,
        ...(sni ? { sni } : {}),
      });
      if (!decision.allowed) return void socket.destroy();
    }
    this.#raw.add(socket);
    socket.once('close', () => this.#raw.delete(socket));
    passThrough(socket, head, sni, {
      routes: chain.l4Routes, clusters: chain.state.clusters, onRecord: this.deps.onRecord, recordBase: this.deps.recordBase,
      // Plain TCP routes originate mesh mTLS towards sidecars; TLS passthrough leaves the client's TLS alone.
      originateMeshTls: chain.chain.kind === 'tcp', ...(chain.state.mesh ? { mesh: chain.state.mesh } : {}), ...this.#source,
    });
  }

  /** Stops accepting; in-flight requests get `deadlineMs` to finish, then everything closes. */
  async drain(deadlineMs: number): Promise<void> {
    this.#draining = true;
    // Not awaited: close() resolves only once every connection it ever accepted is gone.
    this.#server.close();
    const raw = [...this.#raw];
    const timer = setTimeout(() => raw.forEach((s) => s.destroy()), deadlineMs);
    await Promise.all(this.#chains.map((c) => c.http?.drain(deadlineMs)));
    clearTimeout(timer);
    for (const s of this.#raw) s.destroy();
  }
}
