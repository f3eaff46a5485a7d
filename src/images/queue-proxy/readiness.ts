/**
 * The user container's readiness, checked by the queue-proxy (knative/serving
 * pkg/queue/readiness, pkg/queue/health/probe.go). SERVING_READINESS_PROBE holds the user's
 * probe (a core v1 Probe, or a list of them with multi-container probing) rewritten by the
 * revision controller to point at the pod's localhost; tcpSocket and httpGet are run (exec
 * probes arrive as tcpSocket already). With periodSeconds 0, the default, a probe is
 * "aggressive": retried every 50 ms with a 100 ms timeout until it succeeds successThreshold
 * times in a row, for up to 10 s. Concurrent checks share one run, as upstream's gate does.
 */
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';

export interface ProbeSpec {
  tcpSocket?: { host?: string; port?: number | string };
  httpGet?: { host?: string; port?: number | string; path?: string; scheme?: string; httpHeaders?: Array<{ name: string; value: string }> };
  grpc?: unknown;
  exec?: unknown;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
}

export const AGGRESSIVE_PROBE_TIMEOUT_MS = 100;
export const AGGRESSIVE_RETRY_INTERVAL_MS = 50;
export const POLL_TIMEOUT_MS = 10_000;
/** What upstream's prober sends: its Kubernetes version fields are left empty. */
const PROBE_USER_AGENT = 'kube-probe//';

/** The probes to run, or an error for a value that is not a probe (JSON object or array). */
export function decodeProbes(json: string | undefined, userPort: number): ProbeSpec[] | Error {
  // Without a probe the user port must accept connections (the revision's default probe).
  if (!json) return [{ tcpSocket: { port: userPort } }];
  try {
    const parsed = JSON.parse(json) as unknown;
    const list = Array.isArray(parsed) ? parsed : [parsed];
    if (list.some((p) => p === null || typeof p !== 'object')) return new Error(`readiness probe is not a probe: ${json}`);
    return list as ProbeSpec[];
  } catch (err) {
    return new Error(`Queue container failed to parse readiness probe: ${(err as Error).message}`);
  }
}

export interface ProberOptions {
  /** The pod's localhost: probes aimed at 127.0.0.1 (or no host) go here. */
  localHost: string;
  userPort: number;
  /** Where failures are written (upstream writes them to stderr). */
  report: (message: string) => void;
  pollTimeoutMs?: number;
}

/** A function that says whether the user container is ready; concurrent calls share a run. */
export function makeProber(probes: ProbeSpec[], opts: ProberOptions): () => Promise<boolean> {
  let inFlight: Promise<boolean> | undefined;
  const runAll = async (): Promise<boolean> => {
    const results = await Promise.all(probes.map((p) => runProbe(p, opts).then(() => undefined, (err: Error) => err)));
    const failed = results.find((r) => r !== undefined);
    if (failed) opts.report(failed.message);
    return !failed;
  };
  return () => {
    inFlight ??= runAll().finally(() => (inFlight = undefined));
    return inFlight;
  };
}

/** Runs one probe (aggressively when periodSeconds is 0); rejects with the last failure. */
async function runProbe(p: ProbeSpec, opts: ProberOptions): Promise<void> {
  const once = oneShot(p, opts);
  if ((p.periodSeconds ?? 0) > 0) return once(Math.max(1, p.timeoutSeconds ?? 1) * 1000);
  const threshold = Math.max(1, p.successThreshold ?? 1);
  const deadline = Date.now() + (opts.pollTimeoutMs ?? POLL_TIMEOUT_MS);
  let successes = 0;
  let failures = 0;
  let lastError: Error | undefined;
  while (true) {
    try {
      await once(AGGRESSIVE_PROBE_TIMEOUT_MS);
      if (++successes >= threshold) return;
    } catch (err) {
      successes = 0;
      failures++;
      lastError = err as Error;
    }
    if (Date.now() + AGGRESSIVE_RETRY_INTERVAL_MS > deadline) break;
    await new Promise((r) => setTimeout(r, AGGRESSIVE_RETRY_INTERVAL_MS));
  }
  throw new Error(lastError ? `aggressive probe error (failed ${failures} times): ${lastError.message}` : 'timed out waiting for the condition');
}

function oneShot(p: ProbeSpec, opts: ProberOptions): (timeoutMs: number) => Promise<void> {
  const hostOf = (host: string | undefined) => (!host || host === '127.0.0.1' || host === 'localhost' ? opts.localHost : host);
  const portOf = (port: number | string | undefined) => {
    const n = Number(port);
    return Number.isInteger(n) && n > 0 ? n : opts.userPort;
  };
  if (p.httpGet) {
    const get = p.httpGet;
    return (timeoutMs) => httpProbe(hostOf(get.host), portOf(get.port), get, timeoutMs);
  }
  if (p.tcpSocket) {
    const tcp = p.tcpSocket;
    return (timeoutMs) => tcpProbe(hostOf(tcp.host), portOf(tcp.port), timeoutMs);
  }
  const kind = p.grpc ? 'grpc probe not supported' : p.exec ? 'exec probe not supported' : 'no probe found';
  return () => Promise.reject(new Error(kind));
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`dial tcp ${host}:${port}: i/o timeout`));
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`dial tcp ${host}:${port}: ${err.code === 'ECONNREFUSED' ? 'connect: connection refused' : err.message}`)));
  });
}

function httpProbe(host: string, port: number, get: NonNullable<ProbeSpec['httpGet']>, timeoutMs: number): Promise<void> {
  const https = (get.scheme ?? 'HTTP').toUpperCase() === 'HTTPS';
  const headers: Record<string, string> = { 'User-Agent': PROBE_USER_AGENT };
  for (const h of get.httpHeaders ?? []) headers[h.name] = h.value;
  const path = get.path ? (get.path.startsWith('/') ? get.path : `/${get.path}`) : '/';
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : request)({
      host, port, path, method: 'GET', headers, agent: false,
      // Like the kubelet, the prober does not verify the app's certificate.
      ...(https ? { rejectUnauthorized: false } : {}),
    }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 400) resolve();
      else reject(new Error(`HTTP probe did not respond Ready, got status code: ${status}`));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`Get "${https ? 'https' : 'http'}://${host}:${port}${path}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
    req.on('error', reject);
    req.end();
  });
}
