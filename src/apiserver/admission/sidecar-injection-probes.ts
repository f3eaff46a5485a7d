/**
 * Probe rewriting, as Istio's injector does it (pkg/kube/inject/app_probe.go): with mTLS the
 * kubelet cannot reach the app's HTTP and TCP probe ports through the sidecar, so each app
 * container's httpGet/tcpSocket readiness, liveness and startup probe is pointed at the
 * agent's status port (`/app-health/<container>/readyz|livez|startupz` on 15020), and the
 * originals travel to the agent in the sidecar's `ISTIO_KUBE_APP_PROBERS` (JSON, keyed by
 * those paths, named ports resolved). gRPC and exec probes are left alone here (the agent
 * in skiff has no gRPC health client; exec probes never needed rewriting).
 */
import type { Fields } from '../../api/mesh/fields.ts';
import { asArray, asNumber, asRecord, asString } from '../../api/mesh/fields.ts';

export const KUBE_APP_PROBERS_ENV = 'ISTIO_KUBE_APP_PROBERS';
export const PROXY_CONTAINER = 'istio-proxy';

const PROBES = [
  ['readinessProbe', 'readyz'],
  ['livenessProbe', 'livez'],
  ['startupProbe', 'startupz'],
] as const;

/** The agent's path for one container's probe (Istio's status.FormatProberURL). */
export function appProbePath(container: string, kind: 'readyz' | 'livez' | 'startupz'): string {
  return `/app-health/${container}/${kind}`;
}

/** Istio's ShouldRewriteAppHTTPProbers: the pod annotation (a Go bool) wins over the values. */
export function shouldRewriteProbes(annotations: Record<string, string>, valuesDefault: boolean): boolean {
  const v = annotations['sidecar.istio.io/rewriteAppHTTPProbers'];
  if (v !== undefined) {
    const parsed = parseGoBool(v);
    if (parsed !== undefined) return parsed;
  }
  return valuesDefault;
}

export function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/**
 * Rewrites the app containers' probes in place and returns the ISTIO_KUBE_APP_PROBERS value
 * (undefined when no probe was rewritten).
 */
export function rewriteAppProbes(containers: Fields[], statusPort: number): string | undefined {
  const probers: Record<string, Fields> = {};
  for (const c of containers) {
    const name = asString(c.name) ?? '';
    if (name === PROXY_CONTAINER) continue;
    const namedPorts = new Map<string, number>();
    for (const p of asArray(c.ports)) {
      const port = asRecord(p);
      const portName = asString(port?.name);
      const number = asNumber(port?.containerPort);
      if (portName && number !== undefined) namedPorts.set(portName, number);
    }
    for (const [field, kind] of PROBES) {
      const probe = asRecord(c[field]);
      if (!probe) continue;
      const path = appProbePath(name, kind);
      const original = originalProber(probe, namedPorts, statusPort);
      if (original === 'unsupported') continue;
      // A named port that does not resolve is not handed to the agent (its probe then fails),
      // but the probe is still redirected, as Istio does.
      if (original) probers[path] = original;
      c[field] = redirectedProbe(probe, path, statusPort);
    }
  }
  const paths = Object.keys(probers).sort();
  if (paths.length === 0) return undefined;
  // Go marshals a map with its keys sorted.
  return JSON.stringify(Object.fromEntries(paths.map((p) => [p, probers[p]])));
}

/** The original probe as the agent's Prober (Go field order: httpGet, tcpSocket, timeoutSeconds). */
function originalProber(probe: Fields, namedPorts: Map<string, number>, statusPort: number): Fields | undefined | 'unsupported' {
  const http = asRecord(probe.httpGet);
  const tcp = asRecord(probe.tcpSocket);
  if (!http && !tcp) return 'unsupported';
  const given = (http ?? tcp)!.port;
  // A probe already aimed at the status port was rewritten before: nothing to hand over.
  if (given === statusPort) return undefined;
  const port = resolvePort(given, namedPorts);
  if (port === undefined) return undefined;
  const out: Fields = {};
  if (http) {
    const action: Fields = {};
    if (asString(http.path)) action.path = http.path;
    action.port = port;
    if (asString(http.host)) action.host = http.host;
    if (asString(http.scheme)) action.scheme = http.scheme;
    if (asArray(http.httpHeaders).length > 0) action.httpHeaders = http.httpHeaders;
    out.httpGet = action;
  } else {
    out.tcpSocket = { port, ...(asString(tcp!.host) ? { host: tcp!.host } : {}) };
  }
  const timeout = asNumber(probe.timeoutSeconds);
  if (timeout) out.timeoutSeconds = timeout;
  return out;
}

function resolvePort(port: unknown, namedPorts: Map<string, number>): number | undefined {
  if (typeof port === 'number') return port;
  if (typeof port === 'string') return /^\d+$/.test(port) ? Number(port) : namedPorts.get(port);
  return undefined;
}

/** The probe the kubelet runs instead: an HTTP GET of the agent's path (HTTPS becomes HTTP). */
function redirectedProbe(probe: Fields, path: string, statusPort: number): Fields {
  const copy = structuredClone(probe);
  const http = asRecord(copy.httpGet);
  if (http) {
    http.port = statusPort;
    http.path = path;
    // Kubelet → HTTP → agent → HTTPS → app.
    if (http.scheme === 'HTTPS') http.scheme = 'HTTP';
    return copy;
  }
  delete copy.tcpSocket;
  copy.httpGet = { path, port: statusPort, scheme: 'HTTP' };
  return copy;
}
