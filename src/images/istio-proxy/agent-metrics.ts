/**
 * What the agent's merged Prometheus endpoint (15020 `/stats/prometheus`) serves, as Istio's
 * metrics merge does: the proxy's statistics from the data plane's 15090
 * `/stats/prometheus` on the pod's address (skiff's node proxy serves them there, e.g. a
 * gateway's `istio_requests_total`), the agent's own metrics, and — when the injector found
 * scrape annotations on the app (ISTIO_PROMETHEUS_ANNOTATIONS) — the app's metrics scraped
 * from it. A source that does not answer is left out.
 */
import { request } from 'node:http';

/** The Istio release Maistra 2.5's proxy reports (`istio_build`). */
export const ISTIO_VERSION = '1.20.8';

export interface MetricsContext {
  started: number;
  role: string;
  env: Readonly<Record<string, string | undefined>>;
  podIP: string;
}

export async function agentMetrics(ctx: MetricsContext): Promise<string> {
  const own = [
    '# HELP istio_build Istio component build info',
    '# TYPE istio_build gauge',
    `istio_build{component="proxy",tag="${ISTIO_VERSION}"} 1`,
    '# HELP istio_agent_process_start_time_seconds Start time of the process since unix epoch in seconds.',
    '# TYPE istio_agent_process_start_time_seconds gauge',
    `istio_agent_process_start_time_seconds ${(ctx.started / 1000).toFixed(3)}`,
    '',
  ].join('\n');
  const app = appScrapeTarget(ctx.env.ISTIO_PROMETHEUS_ANNOTATIONS);
  const [proxy, scraped] = await Promise.all([
    scrape(ENVOY_STATS_PORT, '/stats/prometheus', ctx.podIP),
    app ? scrape(app.port, app.path, ctx.podIP) : Promise.resolve(undefined),
  ]);
  return [proxy, own, scraped].filter((t): t is string => t !== undefined && t !== '').map((t) => (t.endsWith('\n') ? t : `${t}\n`)).join('');
}

/** Envoy's Prometheus stats port, where skiff's node proxy serves a proxy's statistics. */
const ENVOY_STATS_PORT = 15090;

/** The app's scrape port and path from ISTIO_PROMETHEUS_ANNOTATIONS (`{"scrape","path","port"}`). */
export function appScrapeTarget(text: string | undefined): { port: number; path: string } | undefined {
  if (!text) return undefined;
  try {
    const a = JSON.parse(text) as { scrape?: string; path?: string; port?: string };
    if (a.scrape === 'false') return undefined;
    const port = Number(a.port);
    if (!a.port || !Number.isInteger(port) || port <= 0) return undefined;
    return { port, path: a.path || '/metrics' };
  } catch {
    return undefined;
  }
}

function scrape(port: number, path: string, host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request({ host, port, path, timeout: 2000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(res.statusCode === 200 ? Buffer.concat(chunks).toString('utf8') : undefined));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
