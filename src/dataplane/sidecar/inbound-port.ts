/**
 * One captured (or excluded) inbound port of a sidecar, bound on the pod IP: Envoy's
 * virtual inbound listener reduced to one port. Its socket is never reopened while the port
 * stays; `update` swaps the mode, certificate (in place: only new handshakes see a rotated
 * one) and policies behind it.
 *
 *   EXCLUDED    bytes relayed to the app untouched (the port is not captured: no TLS, no
 *               authz, no telemetry)
 *   DISABLE     plaintext
 *   PERMISSIVE  first byte 0x16 → mTLS, anything else → plaintext
 *   STRICT      mTLS only; a plaintext client is cut (no filter chain matches, as in Envoy)
 *
 * After the transport the protocol decides: a declared HTTP/HTTP2/GRPC port goes through the
 * HTTP/1.1 engine (malformed bytes get its 400, a slow or silent client its timeouts) except
 * h2, which the engine does not speak; AUTO goes there only when its first line is an HTTP/1
 * request line. Everything else is a TCP relay with L4 authz. Every phase is bounded by
 * timeouts.ts, so no client holds a connection longer than it could against Envoy.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import { createHttp1Listener, type Http1Listener, type UpstreamPool } from '../http1/index.ts';
import { authorize } from '../config/authorization.ts';
import type { InboundPortPlan } from '../config/sidecar-ports.ts';
import type { AuthzScope } from '../gateway/http-routing.ts';
import type { MeshIdentity } from '../gateway/tls-options.ts';
import type { RequestRecord, WorkloadPeer } from '../request-record.ts';
import { peekFirstBytes } from './first-bytes.ts';
import { inboundHttpHandler } from './inbound-http.ts';
import { inboundTlsOptions, mtlsPeerOf, type MtlsPeer } from './inbound-tls.ts';
import { relayToApp } from './tcp-relay.ts';
import { DEFAULT_SIDECAR_TIMEOUTS, type SidecarTimeouts } from './timeouts.ts';
import { listenOn } from '../router/socket-chores.ts';

export interface InboundPortState {
  plan: InboundPortPlan;
  identity: MeshIdentity | undefined;
  authz?: AuthzScope;
}

export interface InboundPortDeps {
  appAddress: string;
  pool: UpstreamPool;
  /** This pod as the destination of every record. */
  self: WorkloadPeer;
  peerOf?: (remoteIp: string) => WorkloadPeer | undefined;
  onRecord: (record: RequestRecord) => void;
  /** Called as each HTTP request head is handled (its record follows when it ends). */
  onRequest?: () => void;
  /** How long each phase of a connection may last (timeouts.ts; defaults: Envoy's). */
  timeouts?: SidecarTimeouts;
}

const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY', 'AUTO']);

export class InboundPort {
  readonly #server: Server;
  #state: InboundPortState | undefined;
  #tls: { server: TlsServer; fingerprint: string } | undefined;
  readonly #http: Http1Listener;
  /** TLS peers of open HTTP connections by `ip:port` (undefined entry: plaintext). */
  readonly #peers = new Map<string, MtlsPeer>();
  /** Sockets not (or not yet) in the HTTP engine: being sniffed, in a handshake, relayed. */
  readonly #raw = new Set<Socket>();
  #draining = false;
  readonly #timeouts: SidecarTimeouts;

  constructor(readonly address: string, readonly port: number, private readonly deps: InboundPortDeps) {
    this.#timeouts = deps.timeouts ?? DEFAULT_SIDECAR_TIMEOUTS;
    this.#server = createServer({ allowHalfOpen: true }, (socket) => this.#guard(socket, this.#accept(socket)));
    const handler = inboundHttpHandler({
      port, appAddress: deps.appAddress, ownPrincipal: deps.self.principal,
      state: () => ({ services: this.#state?.plan.services ?? [], ...(this.#state?.authz ? { authz: this.#state.authz } : {}) }),
      peerOf: (remote) => this.#peers.get(remote),
    });
    this.#http = createHttp1Listener({
      pool: deps.pool,
      handler: (head, downstream) => {
        deps.onRequest?.();
        return handler(head, downstream);
      },
      onRecord: deps.onRecord,
      recordBaseFor: (socket) => this.#recordBase(socket),
      requestHeadersTimeoutMs: this.#timeouts.requestHeadersMs,
      idleTimeoutMs: this.#timeouts.idleMs,
      streamIdleTimeoutMs: this.#timeouts.streamIdleMs,
    });
  }

  async listen(): Promise<void> {
    await listenOn(this.#server, this.address, this.port);
  }


  /** Applies a new plan, identity and policies; returns what could not be applied. */
  update(state: InboundPortState): string[] {
    this.#state = state;
    const { mode } = state.plan;
    if (mode !== 'STRICT' && mode !== 'PERMISSIVE') return [];
    if (!state.identity) {
      return [`port ${this.port}: no mesh certificate yet (${mode === 'STRICT' ? 'every connection is refused' : 'plaintext only'})`];
    }
    const tls = inboundTlsOptions(state.identity);
    if (!this.#tls) {
      const server = createTlsServer({ ...tls.options, allowHalfOpen: true, handshakeTimeout: this.#timeouts.tlsHandshakeMs }, (s) => this.#guard(s, this.#afterTransport(s)));
      // A failed or stalled handshake (no client certificate, another CA, a client that stops) is the client's problem.
      server.on('tlsClientError', (_err, socket) => socket.destroy());
      this.#tls = { server, fingerprint: tls.fingerprint };
    } else if (this.#tls.fingerprint !== tls.fingerprint) {
      // Rotation: new handshakes get the new certificate; open connections keep theirs.
      this.#tls.server.setSecureContext(tls.options);
      this.#tls.fingerprint = tls.fingerprint;
    }
    return [];
  }

  /** A bug in handling one connection costs that connection, never the process (no unhandled rejection). */
  #guard(socket: Socket, handling: Promise<void>): void {
    handling.catch(() => socket.destroy());
  }

  #track(socket: Socket): void {
    this.#raw.add(socket);
    socket.once('close', () => this.#raw.delete(socket));
  }

  async #accept(socket: Socket): Promise<void> {
    socket.on('error', () => socket.destroy());
    const state = this.#state;
    if (this.#draining || !state) return void socket.destroy();
    this.#track(socket);
    const { mode } = state.plan;
    // Not captured: Istio has no proxy on this path, so no timeout either.
    if (mode === 'EXCLUDED') return void relayToApp(socket, { host: this.deps.appAddress, port: this.port, idleTimeoutMs: 0 });
    if (mode === 'DISABLE') return this.#afterTransport(socket);
    const first = await peekFirstBytes(socket, state.plan.detectionTimeoutMs ?? this.#timeouts.detectionMs, true);
    if (first.kind === 'closed' || this.#draining) return void socket.destroy();
    if (first.kind === 'tls') {
      // No certificate yet: TLS cannot be served, in either mode.
      if (!this.#tls || !state.identity) return void socket.destroy();
      this.#tls.server.emit('connection', socket);
      return;
    }
    if (this.#state?.plan.mode === 'STRICT') return void socket.destroy();
    return this.#afterTransport(socket);
  }

  /** The connection's bytes are readable in the clear now (plaintext, or decrypted mTLS). */
  async #afterTransport(socket: Socket): Promise<void> {
    const state = this.#state;
    if ((socket as TLSSocket).encrypted) {
      // The decrypted socket is a new emitter: a reset after the handshake must not reach the process.
      socket.on('error', () => socket.destroy());
      this.#track(socket);
    }
    if (this.#draining || !state) return void socket.destroy();
    const peer = (socket as TLSSocket).encrypted ? mtlsPeerOf(socket as TLSSocket) : undefined;
    let http = false;
    if (HTTP_PROTOCOLS.has(state.plan.protocol.toUpperCase())) {
      const declared = state.plan.protocol.toUpperCase() !== 'AUTO';
      // The mesh's detection timeout is Envoy's listener filters' (tls/http inspector), which
      // Istio runs on sniffed ports only: a declared HTTP port keeps the proxy's own bound,
      // so a client that never speaks meets the engine's timeouts rather than waiting forever.
      const first = await peekFirstBytes(socket, declared ? this.#timeouts.detectionMs : (state.plan.detectionTimeoutMs ?? this.#timeouts.detectionMs));
      if (first.kind === 'closed' || this.#draining) return void socket.destroy();
      // A declared HTTP port has only Envoy's HTTP filter chain: garbage and a silent client meet
      // the engine (400, its head and idle timeouts), never the app. Only h2 — which the engine
      // does not speak — is relayed. AUTO falls back to TCP as Istio's sniffing does.
      if (first.ended && (!declared || first.kind === 'h2')) return this.#relay(socket, peer, first.data);
      // A request line cut by the client's FIN can never complete: Envoy's codec closes too.
      if (first.ended) return void socket.destroy();
      http = first.kind === 'http1' || (declared && first.kind === 'other');
    }
    if (!http) return this.#relay(socket, peer);
    const remote = `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`;
    if (peer) {
      this.#peers.set(remote, peer);
      socket.once('close', () => this.#peers.delete(remote));
    }
    // The engine owns it now (its drain covers it).
    this.#raw.delete(socket);
    this.#http.server.emit('connection', socket);
    socket.resume();
  }

  #source(socket: Socket, peer: MtlsPeer | undefined): WorkloadPeer {
    const known = socket.remoteAddress ? this.deps.peerOf?.(socket.remoteAddress) : undefined;
    return { ...known, ...(peer?.principal ? { principal: peer.principal } : {}), ...(peer?.namespace ? { namespace: peer.namespace } : {}) };
  }

  #recordBase(socket: Socket): Partial<RequestRecord> {
    const peer = this.#peers.get(`${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`);
    return {
      reporter: 'destination', destination: this.deps.self, source: this.#source(socket, peer),
      connectionSecurityPolicy: peer?.cert ? 'mutual_tls' : 'none',
      ...(peer?.sni ? { requestedServerName: peer.sni } : {}),
    };
  }

  #relay(socket: Socket, peer: MtlsPeer | undefined, endedWith?: Buffer): void {
    const authz = this.#state?.authz;
    if (authz && authz.policies.length > 0) {
      // Envoy's RBAC network filter: a denied connection is closed before any byte goes on.
      const decision = authorize(authz.policies, authz.workload, authz.rootNamespace, {
        protocol: 'tcp', sourceIp: socket.remoteAddress ?? '', remoteIp: socket.remoteAddress ?? '', destinationIp: socket.localAddress ?? '', destinationPort: this.port,
        ...(peer?.principal ? { principal: peer.principal } : {}), ...(peer?.sni ? { sni: peer.sni } : {}),
      });
      if (!decision.allowed) return void socket.destroy();
    }
    const startTime = Date.now();
    // Read now: a closed socket no longer knows its addresses.
    const local = `${socket.localAddress ?? ''}:${socket.localPort ?? ''}`;
    const remote = `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`;
    const source = this.#source(socket, peer);
    const service = this.#state?.plan.services?.[0];
    const host = service?.slice(0, service.lastIndexOf(':'));
    relayToApp(socket, {
      host: this.deps.appAddress, port: this.port, idleTimeoutMs: this.#timeouts.tcpIdleMs,
      ...(endedWith ? { endedWith } : {}),
      onDone: (r) => this.deps.onRecord({
        protocol: 'tcp', requestProtocol: 'tcp', reporter: 'destination', startTime, durationMs: r.durationMs,
        responseFlags: r.flags, bytesReceived: r.bytesReceived, bytesSent: r.bytesSent, upstreamHost: r.upstreamHost,
        upstreamCluster: `inbound|${this.port}||`,
        connectionSecurityPolicy: peer?.cert ? 'mutual_tls' : 'none',
        source, destination: this.deps.self, downstreamLocalAddress: local, downstreamRemoteAddress: remote,
        ...(peer?.sni ? { requestedServerName: peer.sni } : {}),
        ...(host ? { destinationService: host, destinationServiceName: host.split('.')[0]!, destinationServiceNamespace: host.split('.')[1] ?? '' } : {}),
      }),
    });
  }

  /** Stops accepting; in-flight requests and relays get `deadlineMs` to finish, then everything closes. */
  async drain(deadlineMs: number): Promise<void> {
    this.#draining = true;
    // Not awaited: close() resolves only once every connection it ever accepted is gone.
    this.#server.close();
    const rawGone = new Promise<void>((resolve) => {
      const check = () => (this.#raw.size === 0 ? resolve() : undefined);
      for (const s of this.#raw) s.once('close', () => setImmediate(check));
      check();
    });
    const timer = setTimeout(() => {
      for (const s of this.#raw) s.destroy();
    }, deadlineMs);
    await Promise.all([this.#http.drain(deadlineMs), rawGone]);
    clearTimeout(timer);
  }
}
