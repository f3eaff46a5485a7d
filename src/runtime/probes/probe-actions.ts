/**
 * The three probe actions, with the kubelet's semantics and result texts (which end up in
 * `Unhealthy` events): httpGet succeeds on 200–399 (`HTTP probe failed with statuscode:
 * 503`), tcpSocket on a completed connect, exec on exit code 0 (its output otherwise).
 * Errors read like Go's net errors, e.g. `Get "http://127.244.0.5:8080/": dial tcp
 * 127.244.0.5:8080: connect: connection refused`.
 */
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as http2Connect } from 'node:http2';
import { connect } from 'node:net';

export interface ProbeResult {
  success: boolean;
  output: string;
}

export const KUBE_PROBE_USER_AGENT = 'kube-probe/1.32';
const MAX_OUTPUT = 10 * 1024;

export interface HttpProbe {
  host: string;
  port: number;
  path: string;
  scheme: 'HTTP' | 'HTTPS';
  headers: Array<{ name: string; value: string }>;
}

export function httpProbe(p: HttpProbe, timeoutMs: number): Promise<ProbeResult> {
  const host = p.host.includes(':') ? `[${p.host}]` : p.host;
  const path = p.path.startsWith('/') ? p.path : `/${p.path}`;
  const url = `${p.scheme.toLowerCase()}://${host}:${p.port}${path}`;
  const headers: Record<string, string> = { 'User-Agent': KUBE_PROBE_USER_AGENT, Accept: '*/*' };
  for (const h of p.headers) headers[h.name] = h.value;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const send = p.scheme === 'HTTPS' ? httpsRequest : request;
    const req = send(url, { method: 'GET', headers, rejectUnauthorized: false, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < MAX_OUTPUT) body += chunk;
      });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        finish(code >= 200 && code < 400 ? { success: true, output: body.slice(0, MAX_OUTPUT) } : { success: false, output: `HTTP probe failed with statuscode: ${code}` });
      });
      res.on('error', () => finish({ success: false, output: `Get "${url}": unexpected EOF` }));
    });
    const timer = setTimeout(() => finish({ success: false, output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` }), timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => finish({ success: false, output: `Get "${url}": ${goNetError(err, p.host, p.port)}` }));
    req.end();
  });
}

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const socket = connect({ host, port });
    const finish = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ success: false, output: `dial tcp ${hostPort(host, port)}: i/o timeout` }), timeoutMs);
    socket.once('connect', () => finish({ success: true, output: '' }));
    socket.once('error', (err: NodeJS.ErrnoException) => finish({ success: false, output: goNetError(err, host, port) }));
  });
}

const HEALTH_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
const GRPC_CODES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];

/**
 * gRPC health checking (grpc.health.v1.Health/Check) over HTTP/2 cleartext, as the
 * kubelet's grpc probe: success only for SERVING.
 */
export function grpcProbe(host: string, port: number, service: string, timeoutMs: number): Promise<ProbeResult> {
  const target = hostPort(host, port);
  return new Promise((resolve) => {
    let settled = false;
    const session = http2Connect(`http://${target}`);
    const finish = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      session.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish({ success: false, output: `timeout: health rpc did not complete within ${Math.round(timeoutMs / 1000)}s` }), timeoutMs);
    session.on('error', () => finish({ success: false, output: `timeout: failed to connect service "${target}" within ${Math.round(timeoutMs / 1000)}s: context deadline exceeded` }));
    // HealthCheckRequest{service}: field 1, wire type 2.
    const name = Buffer.from(service, 'utf8');
    const message = name.length > 0 ? Buffer.concat([Buffer.from([0x0a, name.length]), name]) : Buffer.alloc(0);
    const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, message.length]), message]);
    const stream = session.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers', 'user-agent': KUBE_PROBE_USER_AGENT });
    const chunks: Buffer[] = [];
    let rpcError: string | undefined;
    const onHeaders = (h: Record<string, unknown>) => {
      const code = Number(h['grpc-status'] ?? 0);
      if (code !== 0) rpcError = `rpc error: code = ${GRPC_CODES[code] ?? code} desc = ${decodeURIComponent(String(h['grpc-message'] ?? ''))}`;
    };
    stream.on('response', onHeaders);
    stream.on('trailers', onHeaders);
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', (err: Error) => finish({ success: false, output: `rpc error: ${err.message}` }));
    stream.on('end', () => {
      if (rpcError) return finish({ success: false, output: rpcError });
      const body = Buffer.concat(chunks);
      // HealthCheckResponse{status}: field 1, varint.
      const status = body.length >= 7 && body[5] === 0x08 ? body[6]! : 0;
      const name = HEALTH_STATUS[status] ?? String(status);
      finish(status === 1 ? { success: true, output: '' } : { success: false, output: `service unhealthy (responded with "${name}")` });
    });
    stream.end(frame);
  });
}

/** Go's *net.OpError text for a failed dial. */
export function goNetError(err: NodeJS.ErrnoException, host: string, port: number): string {
  const where = `dial tcp ${hostPort(host, port)}`;
  switch (err.code) {
    case 'ECONNREFUSED': return `${where}: connect: connection refused`;
    case 'EHOSTUNREACH': return `${where}: connect: no route to host`;
    case 'ENETUNREACH': return `${where}: connect: network is unreachable`;
    case 'ETIMEDOUT': return `${where}: i/o timeout`;
    case 'ECONNRESET': return 'read: connection reset by peer';
    case 'ENOTFOUND': case 'EAI_AGAIN': return `dial tcp: lookup ${host}: no such host`;
    default: return `${where}: ${err.message}`;
  }
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
