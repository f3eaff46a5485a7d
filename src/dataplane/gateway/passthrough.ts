/**
 * TLS PASSTHROUGH (and plain TCP) on a gateway: the bytes go unopened to a destination the
 * VirtualService `tls` route for the SNI (or the `tcp` route) names — one of its cluster's
 * ready endpoints — with what was already read to find the SNI replayed first. Reported as
 * a `tcp` RequestRecord when the connection ends. Plain TCP towards an endpoint with a
 * sidecar (auto mTLS, or an ISTIO_MUTUAL DestinationRule) is wrapped in Istio mTLS with the
 * gateway's certificate, as Envoy's TCP proxy does; without one the connection is refused (UF).
 */
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { Cluster, L4Route } from '../config/model.ts';
import { MESH_TCP_ALPN } from '../mesh-tls/client-options.ts';
import type { MeshIdentity } from './tls-options.ts';
import { istioMutualTls, usesIstioMutual } from './upstream-tls.ts';
import { pickCluster } from '../config/route-selection.ts';
import { selectL4Route } from '../config/l4-routes.ts';
import type { RequestRecord } from '../request-record.ts';

export interface PassthroughContext {
  routes: readonly L4Route[];
  clusters: ReadonlyMap<string, Cluster>;
  onRecord?: (record: RequestRecord) => void;
  recordBase?: Partial<RequestRecord>;
  connectTimeoutMs?: number;
  /** Plain TCP chains: originate Istio mTLS towards endpoints that take it. */
  originateMeshTls?: boolean;
  mesh?: MeshIdentity;
  /** The gateway pod's IP, bound as the upstream connection's source. */
  localAddress?: string;
}

let cursor = 0;

export function passThrough(downstream: Socket, head: Buffer, sni: string | undefined, ctx: PassthroughContext): void {
  const started = Date.now();
  const route = selectL4Route(ctx.routes, { ...(sni ? { sni } : {}) });
  const target = route && pickCluster(route.clusters, Math.random());
  const cluster = target && ctx.clusters.get(target.cluster);
  const ready = cluster?.endpoints.filter((e) => e.ready) ?? [];
  const base = (flags: RequestRecord['responseFlags'], upstreamHost?: string): RequestRecord => ({
    protocol: 'tcp', reporter: 'gateway', startTime: started, durationMs: Date.now() - started, responseFlags: flags,
    bytesReceived: downstream.bytesRead, bytesSent: downstream.bytesWritten, connectionSecurityPolicy: 'unknown',
    source: {}, destination: {}, requestProtocol: 'tcp',
    ...(sni ? { requestedServerName: sni } : {}),
    ...(target ? { upstreamCluster: target.cluster, destinationService: target.host } : {}),
    ...(upstreamHost ? { upstreamHost } : {}),
    ...ctx.recordBase,
  });
  if (!route || !target) {
    downstream.destroy();
    ctx.onRecord?.(base(['NR']));
    return;
  }
  if (ready.length === 0) {
    downstream.destroy();
    ctx.onRecord?.(base(['UH']));
    return;
  }
  const endpoint = ready[cursor++ % ready.length]!;
  const upstreamHost = `${endpoint.address}:${endpoint.port}`;
  const mtls = ctx.originateMeshTls && usesIstioMutual(cluster!, endpoint) ? istioMutualTls(cluster!, endpoint, ctx.mesh, MESH_TCP_ALPN) : undefined;
  if (mtls && 'unavailable' in mtls) {
    downstream.destroy();
    ctx.onRecord?.({ ...base(['UF'], upstreamHost), upstreamTransportFailureReason: mtls.unavailable });
    return;
  }
  const from = ctx.localAddress ? { localAddress: ctx.localAddress } : {};
  const dial = { ...from, host: endpoint.address, port: endpoint.port, allowHalfOpen: true };
  const upstream = mtls ? tlsConnect({ ...mtls.tls, ...dial }) : connect(dial);
  let connected = false;
  let reported = false;
  const finish = (flags: RequestRecord['responseFlags']) => {
    if (reported) return;
    reported = true;
    ctx.onRecord?.(base(flags, upstreamHost));
  };
  upstream.setTimeout(ctx.connectTimeoutMs ?? 10_000, () => {
    if (!connected) upstream.destroy(new Error('connect timeout'));
  });
  upstream.once(mtls ? 'secureConnect' : 'connect', () => {
    connected = true;
    upstream.setTimeout(0);
    upstream.write(head);
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  upstream.on('error', () => {
    downstream.destroy();
    finish(connected ? ['UC'] : ['UF']);
  });
  downstream.on('error', () => upstream.destroy());
  upstream.on('close', () => {
    downstream.destroy();
    finish([]);
  });
  downstream.on('close', () => {
    upstream.destroy();
    finish([]);
  });
}
