/**
 * The OpenShift-style router's data plane: an HTTP and an HTTPS listener on the host,
 * configured by RouterTable pushes (`apply`). HTTP routes by Host and path; HTTPS peeks
 * the ClientHello's server name, pipes passthrough routes' connections untouched, and
 * terminates everything else with the route's certificate (or the default one) before
 * routing by Host: edge to plain endpoints, reencrypt to TLS ones.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer, type SecureContext, type Server as TlsServer, type TLSSocket } from 'node:tls';
import { Balancer } from './balancer.ts';
import { badRequest, forwardedHead, parseRequestHead, readHead, redirect, requestTimeout, serviceUnavailable } from './http-head.ts';
import type { RouterRoute, RouterTable } from './model.ts';
import { routeKey } from './model.ts';
import { RouteIndex } from './route-index.ts';
import { hostWithoutPort } from './route-hosts.ts';
import { answerAndClose, listenOn, readClientHello, type ListenAddress } from './socket-chores.ts';
import { connectUpstream, splice, type ReencryptOptions } from './upstream.ts';

export type { ListenAddress } from './socket-chores.ts';

export interface RouterOptions {
  /** Address both listeners bind (default 127.0.0.1). */
  address?: string;
  httpPort: number;
  httpsPort: number;
  /** The wildcard certificate for `*.<domain>`, served when a route has none or the name is unknown. */
  defaultCertificate: { certPem: string; keyPem: string };
  /** CA for reencrypt routes without `destinationCACertificate` (OpenShift's service CA role). */
  serviceCaPem?: string;
  /** Time a client has to send its ClientHello or request head (HAProxy: 5s inspect delay, 10s http-request). */
  headTimeoutMs?: number;
  connectTimeoutMs?: number;
}

type Proto = 'http' | 'https';

export class Router {
  readonly #opts: RouterOptions;
  #index = new RouteIndex({ routes: [] });
  #balancers = new Map<string, Balancer>();
  #contexts = new Map<string, SecureContext>();
  /** By certificate chain and key, across table pushes. */
  #contextCache = new Map<string, SecureContext>();
  readonly #defaultContext: SecureContext;
  readonly #http: Server;
  readonly #https: Server;
  readonly #terminator: TlsServer;
  readonly #sockets = new Set<Socket>();

  constructor(opts: RouterOptions) {
    this.#opts = opts;
    this.#defaultContext = createSecureContext({ cert: opts.defaultCertificate.certPem, key: opts.defaultCertificate.keyPem });
    // A failure while serving one connection ends that connection, never the process.
    this.#http = createServer({ allowHalfOpen: true }, (socket) => this.#track(socket) && void this.#serveHttp(socket, 'http').catch(() => socket.destroy()));
    this.#https = createServer({ allowHalfOpen: true }, (socket) => this.#track(socket) && void this.#serveTls(socket).catch(() => socket.destroy()));
    this.#terminator = createTlsServer({
      cert: opts.defaultCertificate.certPem, key: opts.defaultCertificate.keyPem, ALPNProtocols: ['http/1.1'], allowHalfOpen: true,
      SNICallback: (name, callback) => callback(null, this.#contextFor(name.toLowerCase())),
    }, (tlsSocket) => void this.#serveHttp(tlsSocket, 'https').catch(() => tlsSocket.destroy()));
    this.#terminator.on('tlsClientError', (_err, tlsSocket) => tlsSocket.destroy());
  }

  /** Replaces the routing table; connections already open keep their endpoint. */
  apply(table: RouterTable): void {
    this.#index = new RouteIndex(table);
    const balancers = new Map<string, Balancer>();
    const contexts = new Map<string, SecureContext>();
    const usedContexts = new Map<string, SecureContext>();
    for (const route of table.routes) {
      const fresh = new Balancer(route.backends, route.balance);
      const old = this.#balancers.get(routeKey(route));
      balancers.set(routeKey(route), old?.signature === fresh.signature ? old : fresh);
      const tls = route.tls;
      if (tls?.certificatePem && tls.keyPem && tls.termination !== 'passthrough') {
        const cert = `${tls.certificatePem.trim()}\n${tls.caCertificatePem?.trim() ?? ''}\n`;
        // Contexts are costly to build; endpoint churn re-applies the table often.
        const cacheKey = `${cert}\0${tls.keyPem}`;
        const context = this.#contextCache.get(cacheKey) ?? createSecureContext({ cert, key: tls.keyPem });
        usedContexts.set(cacheKey, context);
        contexts.set(route.host, context);
        if (route.wildcard) contexts.set(`*.${route.host.slice(route.host.indexOf('.') + 1)}`, context);
      }
    }
    this.#balancers = balancers;
    this.#contexts = contexts;
    this.#contextCache = usedContexts;
  }

  async listen(): Promise<{ http: ListenAddress; https: ListenAddress }> {
    const address = this.#opts.address ?? '127.0.0.1';
    const http = await listenOn(this.#http, address, this.#opts.httpPort);
    try {
      return { http, https: await listenOn(this.#https, address, this.#opts.httpsPort) };
    } catch (err) {
      this.#http.close();
      throw err;
    }
  }

  get addresses(): { http?: ListenAddress; https?: ListenAddress } {
    const of = (s: Server) => (s.listening ? { address: (s.address() as AddressInfo).address, port: (s.address() as AddressInfo).port } : undefined);
    const http = of(this.#http);
    const https = of(this.#https);
    return { ...(http ? { http } : {}), ...(https ? { https } : {}) };
  }

  async stop(): Promise<void> {
    const closed = [this.#http, this.#https].filter((s) => s.listening).map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all(closed);
  }

  #track(socket: Socket): true {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    return true;
  }

  #contextFor(serverName: string): SecureContext {
    const dot = serverName.indexOf('.');
    return this.#contexts.get(serverName) ?? (dot >= 0 ? this.#contexts.get(`*.${serverName.slice(dot + 1)}`) : undefined) ?? this.#defaultContext;
  }

  get #headTimeoutMs(): number {
    return this.#opts.headTimeoutMs ?? 10_000;
  }

  async #serveTls(socket: Socket): Promise<void> {
    const hello = await readClientHello(socket, this.#headTimeoutMs);
    if (!hello) return void socket.destroy();
    const route = hello.serverName ? this.#index.passthrough(hello.serverName) : undefined;
    if (route) {
      // Passthrough: the endpoint does the handshake; the router only moves bytes.
      await this.#forward(socket, route, hello.data, undefined);
      return;
    }
    socket.unshift(hello.data);
    this.#terminator.emit('connection', socket);
  }

  async #serveHttp(stream: Socket | TLSSocket, proto: Proto): Promise<void> {
    const read = await readHead(stream, this.#headTimeoutMs);
    if (read.kind === 'error') {
      if (read.error === 'timeout') answerAndClose(stream, requestTimeout());
      else if (read.error === 'too-large') answerAndClose(stream, badRequest());
      else stream.destroy();
      return;
    }
    const request = parseRequestHead(read.head);
    if (!request || request.host === '') return answerAndClose(stream, badRequest());
    const host = hostWithoutPort(request.host);
    const route = this.#index.find(host, request.path);
    const plan = planRequest(route, proto);
    if (plan === 'unavailable' || !route) return answerAndClose(stream, serviceUnavailable());
    if (plan === 'redirect') {
      const httpsPort = this.#https.listening ? (this.#https.address() as AddressInfo).port : 443;
      return answerAndClose(stream, redirect(`https://${host}${httpsPort === 443 ? '' : `:${httpsPort}`}${request.path}`));
    }
    const listenerPort = ((proto === 'http' ? this.#http : this.#https).address() as AddressInfo).port;
    const head = forwardedHead(request, read.head, { clientAddress: stream.remoteAddress ?? '', port: listenerPort, proto });
    const reencrypt = route.tls?.termination === 'reencrypt'
      ? { caPem: route.tls.destinationCaPem ?? this.#opts.serviceCaPem ?? '', serverName: route.serviceHostname }
      : undefined;
    await this.#forward(stream, route, Buffer.concat([head, read.rest]), reencrypt);
  }

  async #forward(client: Socket | TLSSocket, route: RouterRoute, firstBytes: Buffer, reencrypt: ReencryptOptions | undefined): Promise<void> {
    const passthrough = route.tls?.termination === 'passthrough' && !(client as TLSSocket).encrypted;
    const picked = this.#balancers.get(routeKey(route))?.pick(client.remoteAddress ?? '');
    if (!picked) return passthrough ? void client.destroy() : answerAndClose(client, serviceUnavailable());
    try {
      const upstream = await connectUpstream(picked.endpoint, this.#opts.connectTimeoutMs ?? 5_000, reencrypt);
      upstream.write(firstBytes);
      splice(client, upstream, picked.release);
    } catch {
      picked.release();
      if (passthrough) client.destroy();
      else answerAndClose(client, serviceUnavailable());
    }
  }
}

/** What a request to `route` on a listener of `proto` gets, per the route's TLS settings. */
export function planRequest(route: RouterRoute | undefined, proto: Proto): 'forward' | 'redirect' | 'unavailable' {
  if (!route) return 'unavailable';
  const tls = route.tls;
  if (proto === 'https') return tls && tls.termination !== 'passthrough' ? 'forward' : 'unavailable';
  if (!tls) return 'forward';
  if (tls.insecurePolicy === 'Redirect') return 'redirect';
  return tls.insecurePolicy === 'Allow' && tls.termination !== 'passthrough' ? 'forward' : 'unavailable';
}
