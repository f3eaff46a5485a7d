/**
 * Reading a queue-proxy's autoscaling metrics: its :9090 `/metrics` in Prometheus text
 * (the gauges of contracts.ts QUEUE_SCRAPE_METRICS, averages over its last 1 s report) →
 * one `Stat`. Upstream scrapes the same stat (today as protobuf, earlier as this text).
 *
 * `parseQueueMetrics` is pure; `scrapePod` is the HTTP GET with a short timeout, in Istio
 * mTLS as the autoscaler's sidecar would send it when a `MeshCaller` is given and the pod's
 * sidecar wants it (a STRICT pod refuses a plaintext scrape).
 */
import { podConnection, requestFunction, requestOptions, type MeshCaller } from '../../../dataplane/activator/pod-connection.ts';
import { PORTS, QUEUE_SCRAPE_METRICS, type Stat } from '../shared/contracts.ts';

export interface PodStat extends Stat {
  /** Seconds since the queue-proxy started (process_uptime), when reported. */
  uptimeSeconds?: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseValue(s: string): number | undefined {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  const v = Number(s);
  return Number.isNaN(v) && s !== 'NaN' ? undefined : v;
}

/**
 * Prometheus text → Stat for `namespace/revision`, summing every series of each metric (a
 * queue-proxy reports one). Undefined when the concurrency gauge is absent: that is not a
 * queue-proxy's metrics page.
 */
export function parseQueueMetrics(text: string, ids: { namespace: string; revision: string; podName: string }, timestamp: number): PodStat | undefined {
  const sums = new Map<string, number>();
  let podName = ids.podName;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const value = parseValue(m[4]!);
    if (value === undefined || !Number.isFinite(value)) continue;
    sums.set(m[1]!, (sums.get(m[1]!) ?? 0) + value);
    if (m[3]) for (const l of m[3].matchAll(LABEL)) if (l[1] === 'destination_pod' && l[2]) podName = l[2];
  }
  const get = (name: string): number => sums.get(name) ?? 0;
  if (!sums.has(QUEUE_SCRAPE_METRICS.averageConcurrentRequests)) return undefined;
  const uptime = sums.get(QUEUE_SCRAPE_METRICS.uptime);
  return {
    namespace: ids.namespace,
    revision: ids.revision,
    podName,
    averageConcurrentRequests: get(QUEUE_SCRAPE_METRICS.averageConcurrentRequests),
    averageProxiedConcurrentRequests: get(QUEUE_SCRAPE_METRICS.averageProxiedConcurrentRequests),
    requestCount: get(QUEUE_SCRAPE_METRICS.requestsPerSecond),
    proxiedRequestCount: get(QUEUE_SCRAPE_METRICS.proxiedRequestsPerSecond),
    timestamp,
    ...(uptime !== undefined ? { uptimeSeconds: uptime } : {}),
  };
}

/**
 * One GET to a pod (`http(s)://<ip>:<port><path>`, fresh connection) within `timeoutMs`: its
 * status and body. Rejects on a connection failure, a timeout, or the mesh not saying how to
 * connect. Also the KPA's activator probe under the mesh.
 */
export async function getFromPod(ip: string, port: number, path: string, headers: Record<string, string>, timeoutMs: number, caller?: MeshCaller): Promise<{ status: number; body: string }> {
  const conn = await podConnection(`${ip}:${port}`, caller);
  return new Promise((resolve, reject) => {
    const req = requestFunction(conn)({ ...requestOptions(conn), path, method: 'GET', timeout: timeoutMs, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${conn.tls ? 'https' : 'http'}://${ip}:${port}${path} timed out after ${timeoutMs}ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** GETs `http(s)://<ip>:<port>/metrics` within `timeoutMs`; rejects on any failure or non-2xx. */
export async function fetchMetricsText(ip: string, timeoutMs: number, port: number = PORTS.autoscalingMetrics, caller?: MeshCaller): Promise<string> {
  const { status, body } = await getFromPod(ip, port, '/metrics', { accept: 'text/plain', 'user-agent': 'Knative-Autoscaler' }, timeoutMs, caller);
  if (status < 200 || status >= 300) throw new Error(`GET http://${ip}:${port}/metrics returned HTTP status ${status}`);
  return body;
}

export async function scrapePod(pod: { ip: string; name: string; namespace: string; revision: string }, timeoutMs: number, nowMs: number, port?: number, caller?: MeshCaller): Promise<PodStat> {
  const text = await fetchMetricsText(pod.ip, timeoutMs, port, caller);
  const stat = parseQueueMetrics(text, { namespace: pod.namespace, revision: pod.revision, podName: pod.name }, nowMs);
  if (!stat) throw new Error(`pod ${pod.name}: no ${QUEUE_SCRAPE_METRICS.averageConcurrentRequests} in its metrics`);
  return stat;
}
