/**
 * What the sidecar's tests share (test-only): a mesh CA with workload certificates for the
 * server pod and a client workload, a certificate from a foreign CA, a pod address with its
 * inner app address on distinct loopback addresses, an app to deliver to, and clients that
 * speak plaintext HTTP, mTLS HTTP and raw bytes.
 */
import { createServer as createHttpServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { createSelfSignedCaFiles, meshCaFromFiles, type MeshCa } from '../../mesh/pki/mesh-ca.ts';
import { issueWorkloadCertificate, type WorkloadCertificate } from '../../mesh/pki/index.ts';
import type { RequestRecord } from '../request-record.ts';
import type { SidecarProxy } from './sidecar-proxy.ts';

export const TRUST_DOMAIN = 'cluster.local';

export async function meshCa(trustDomain = TRUST_DOMAIN): Promise<MeshCa> {
  const now = new Date();
  const files = await createSelfSignedCaFiles(trustDomain, now);
  return meshCaFromFiles(files, { meshNamespace: 'istio-system', trustDomain, source: 'self-signed', secretName: 'istio-ca-secret' }, now);
}

export function workloadCert(ca: MeshCa, namespace: string, serviceAccount: string): Promise<WorkloadCertificate> {
  return issueWorkloadCertificate(ca, { namespace, serviceAccount }, { now: new Date() });
}

/** A pod IP and its inner address (pod IP + half of 127.55.0.0/16), random per call. */
export function podAddresses(): { address: string; appAddress: string } {
  const x = 1 + Math.floor(Math.random() * 126);
  const y = 1 + Math.floor(Math.random() * 254);
  return { address: `127.55.${x}.${y}`, appAddress: `127.55.${128 + x}.${y}` };
}

export interface SeenRequest { url: string; headers: IncomingHttpHeaders }

/** An HTTP app on the inner address; `/slow` answers when `release()` is called. */
export async function httpApp(address: string): Promise<{ server: Server; port: number; seen: SeenRequest[]; release: () => void; slowArrived: Promise<void>; close: () => Promise<void> }> {
  const seen: SeenRequest[] = [];
  let release = () => {};
  let arrived = () => {};
  const slowArrived = new Promise<void>((r) => (arrived = r));
  const server = createHttpServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.url === '/slow') {
      release = () => res.end('slow done');
      arrived();
      return;
    }
    res.end(`app ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, address, r));
  return {
    server, port: (server.address() as AddressInfo).port, seen, slowArrived,
    release: () => release(),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** A TCP app that answers every chunk with `echo:` + the chunk. */
export async function echoApp(address: string, port = 0): Promise<{ server: NetServer; port: number; received: Buffer[] }> {
  const received: Buffer[] = [];
  const server = createNetServer((s) => {
    s.on('data', (d: Buffer) => {
      received.push(d);
      s.write(Buffer.concat([Buffer.from('echo:'), d]));
    });
    s.on('error', () => s.destroy());
  });
  await new Promise<void>((r) => server.listen(port, address, r));
  return { server, port: (server.address() as AddressInfo).port, received };
}

export interface Reply { status: number; body: string; headers: IncomingHttpHeaders }

function collect(resolve: (r: Reply) => void) {
  return (res: IncomingMessage) => {
    let body = '';
    res.on('data', (c: Buffer) => (body += c.toString()));
    res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
  };
}

export function plainGet(address: string, port: number, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: address, port, path, agent: false, headers: { host: `hello.default.svc.cluster.local:${port}` } }, collect(resolve));
    req.on('error', reject);
    req.end();
  });
}

export interface ClientIdentity { certChainPem: string; keyPem: string; rootCertPem: string }

/** An mTLS GET as an Istio client sidecar sends it (ALPN istio-http/1.1 then http/1.1). */
export function mtlsGet(address: string, port: number, path: string, client: ClientIdentity | undefined, rootCertPem: string): Promise<Reply & { peerSerial: string }> {
  return new Promise((resolve, reject) => {
    const options: RequestOptions & ConnectionOptions = {
      host: address, port, path, agent: false, servername: `outbound_.${port}_._.hello.default.svc.cluster.local`,
      ...(client ? { cert: client.certChainPem, key: client.keyPem } : {}),
      ca: rootCertPem, ALPNProtocols: ['istio-http/1.1', 'http/1.1'],
      // The server's identity is its SPIFFE URI SAN, not a DNS name.
      checkServerIdentity: () => undefined,
    };
    const req = httpsRequest(options, (res) => {
      const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
      collect((r) => resolve({ ...r, peerSerial: serial }))(res);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends `data` over plain TCP, half-closes, and resolves with everything received until close. */
export function tcpExchange(address: string, port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = netConnect({ host: address, port, allowHalfOpen: true }, () => s.write(data));
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      if (Buffer.concat(chunks).length >= data.length + 5) s.end();
    });
    // The other side ended (or refused after reading): finish ours too.
    s.on('end', () => s.end());
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** The same over mTLS. */
export function mtlsExchange(address: string, port: number, data: Buffer, client: ClientIdentity): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = tlsConnect({ host: address, port, cert: client.certChainPem, key: client.keyPem, ca: client.rootCertPem, ALPNProtocols: ['istio', 'http/1.1'], checkServerIdentity: () => undefined }, () => s.write(data));
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      if (Buffer.concat(chunks).length >= data.length + 5) s.end();
    });
    // The other side ended (or refused after reading): finish ours too.
    s.on('end', () => s.end());
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** Every record the proxy reports, and a way to wait for the next ones. */
export function recordsOf(proxy: SidecarProxy): { records: RequestRecord[]; next: (count: number) => Promise<void> } {
  const records: RequestRecord[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const report = proxy.telemetry.report.bind(proxy.telemetry);
  proxy.telemetry.report = (r) => {
    records.push(r);
    report(r);
    for (const w of [...waiters]) if (records.length >= w.count) w.resolve();
  };
  return {
    records,
    next: (count) => new Promise<void>((resolve) => {
      if (records.length >= count) resolve();
      else waiters.push({ count, resolve });
    }),
  };
}

/** A raw client connection (plain TCP or mTLS) that records what it receives and when it closes. */
export interface RawConn {
  write(data: string | Buffer): void;
  end(data?: string): void;
  /** Plain TCP: an RST; mTLS: the socket torn down without close_notify. */
  reset(): void;
  text(): string;
  readonly closed: Promise<void>;
  isClosed(): boolean;
}

export type Transport = 'plain' | 'mtls';

export function rawConnect(transport: Transport, address: string, port: number, client?: ClientIdentity): Promise<RawConn> {
  return new Promise((resolve, reject) => {
    let text = '';
    let gone = false;
    let connected = false;
    const ready = () => {
      connected = true;
      resolve(conn);
    };
    let onClosed = () => {};
    const closed = new Promise<void>((r) => (onClosed = r));
    const socket = transport === 'mtls'
      ? tlsConnect({ host: address, port, cert: client?.certChainPem, key: client?.keyPem, ca: client?.rootCertPem, ALPNProtocols: ['istio-http/1.1', 'http/1.1'], checkServerIdentity: () => undefined }, ready)
      : netConnect({ host: address, port, allowHalfOpen: true }, ready);
    const conn: RawConn = {
      write: (d) => void socket.write(d),
      end: (d) => void (d === undefined ? socket.end() : socket.end(d)),
      reset: () => void (transport === 'plain' ? socket.resetAndDestroy() : socket.destroy()),
      text: () => text,
      closed,
      isClosed: () => gone,
    };
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    // A server that closes while we still write makes EPIPE/ECONNRESET: that is a close too.
    socket.on('error', (err) => (connected ? undefined : reject(err)));
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      gone = true;
      onClosed();
    });
  });
}
