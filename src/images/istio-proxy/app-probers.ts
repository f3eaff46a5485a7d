/**
 * The app probes the injector moved to the agent (ISTIO_KUBE_APP_PROBERS), and running one
 * as Istio's pilot-agent does (pilot/cmd/pilot-agent/status): an httpGet probe is sent to the
 * app with the kubelet's headers plus the probe's own (the Host the kubelet used, with the
 * status port swapped for the app's), and the app's status code and (up to 10 KiB of) body
 * are passed back — a redirect becomes 200, since a 3xx without its Location is illegal and
 * the kubelet counts redirects as success anyway; a tcpSocket probe is a connect, 200 when it
 * succeeds. A failure to reach the app at all is a 500.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';

export interface HttpGetProber {
  path?: string;
  port: number;
  host?: string;
  scheme?: string;
  httpHeaders?: Array<{ name: string; value: string }>;
}

export interface AppProber {
  httpGet?: HttpGetProber;
  tcpSocket?: { port: number; host?: string };
  timeoutSeconds?: number;
}

/** `/app-health/<container>/<readyz|livez|startupz>` → prober. */
export type AppProbers = Map<string, AppProber>;

/** Parses ISTIO_KUBE_APP_PROBERS; entries that are not probes are dropped (the agent logs them). */
export function parseAppProbers(text: string | undefined): { probers: AppProbers; errors: string[] } {
  const probers: AppProbers = new Map();
  const errors: string[] = [];
  if (!text) return { probers, errors };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { probers, errors: [`failed to decode app prober err = ${(err as Error).message}, raw value = ${text}`] };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { probers, errors: ['ISTIO_KUBE_APP_PROBERS is not a JSON object'] };
  for (const [path, value] of Object.entries(parsed as Record<string, unknown>)) {
    const p = value as AppProber | null;
    if (!/^\/app-health\/[^/]+\/(readyz|livez|startupz)$/.test(path)) errors.push(`invalid path: ${path}`);
    else if (p && typeof p.httpGet?.port === 'number') probers.set(path, p);
    else if (p && typeof p.tcpSocket?.port === 'number') probers.set(path, p);
    else errors.push(`invalid prober for ${path}: it needs httpGet or tcpSocket with a numeric port`);
  }
  return { probers, errors };
}

export interface ProbeAnswer {
  status: number;
  body?: Buffer;
}

/** Istio's maxRespBodyLength: how much of the app's probe response body the agent passes back. */
const MAX_BODY = 10 * 1024;

/** Runs one prober against the app at `podIP`; resolves to what the agent answers the kubelet. */
export function runProber(prober: AppProber, podIP: string, incoming: IncomingHttpHeaders, statusPort: number): Promise<ProbeAnswer> {
  const timeoutMs = (prober.timeoutSeconds && prober.timeoutSeconds > 0 ? prober.timeoutSeconds : 1) * 1000;
  if (prober.httpGet) return httpProbe(prober.httpGet, podIP, incoming, statusPort, timeoutMs);
  return tcpProbe(prober.tcpSocket!.host || podIP, prober.tcpSocket!.port, timeoutMs).then((status) => ({ status }));
}

function httpProbe(get: HttpGetProber, podIP: string, incoming: IncomingHttpHeaders, statusPort: number, timeoutMs: number): Promise<ProbeAnswer> {
  const headers: Record<string, string | string[]> = {};
  // The kubelet's headers (User-Agent: kube-probe/…, Accept, the probe's own httpHeaders) go along.
  for (const [name, value] of Object.entries(incoming)) if (value !== undefined && name !== 'connection' && name !== 'content-length' && name !== 'transfer-encoding') headers[name] = value;
  for (const h of get.httpHeaders ?? []) headers[h.name.toLowerCase()] = h.value;
  const host = typeof headers.host === 'string' ? /^(.*):(\d+)$/.exec(headers.host) : null;
  if (host && Number(host[2]) === statusPort) headers.host = `${host[1]}:${get.port}`;
  const path = get.path ? (get.path.startsWith('/') ? get.path : `/${get.path}`) : '/';
  const https = (get.scheme ?? 'HTTP').toUpperCase() === 'HTTPS';
  return new Promise<ProbeAnswer>((resolve) => {
    const req = (https ? httpsRequest : httpRequest)({
      host: get.host || podIP,
      port: get.port,
      path,
      method: 'GET',
      headers,
      timeout: timeoutMs,
      // The app's certificate is not the mesh's: like the kubelet, the agent does not verify it.
      ...(https ? { rejectUnauthorized: false } : {}),
      agent: false,
    }, (res) => {
      const status = res.statusCode ?? 500;
      if (status >= 300 && status < 400) {
        res.resume();
        resolve({ status: 200 });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_BODY) chunks.push(c.subarray(0, MAX_BODY - size));
        size += c.length;
      });
      res.on('end', () => resolve({ status, body: Buffer.concat(chunks) }));
      res.on('error', () => resolve({ status, body: Buffer.concat(chunks) }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 500 }));
    req.end();
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<number> {
  return acceptsConnection(host, port, timeoutMs).then((ok) => (ok ? 200 : 500));
}

/** Whether `host:port` accepts a TCP connection within `timeoutMs` (the connection is closed at once). */
export function acceptsConnection(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
