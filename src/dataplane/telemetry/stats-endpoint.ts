/**
 * What a proxy serves on :15090 `/stats/prometheus` (Envoy's Prometheus stats endpoint),
 * and the merge a process hosting many proxies needs to serve one page for all of them:
 * series with the same name and labels are summed (Prometheus rejects a page that
 * repeats a series), families keep the order they were first seen in.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { renderFamilies, type MetricFamily, type MetricsRegistry } from './metrics-registry.ts';

export const STATS_PORT = 15090;
export const STATS_PATH = '/stats/prometheus';
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Sums the families of several registries into one list (the inputs are not changed). */
export function mergeFamilies(groups: readonly (readonly MetricFamily[])[]): MetricFamily[] {
  const byName = new Map<string, MetricFamily>();
  for (const families of groups) {
    for (const f of families) {
      const into = byName.get(f.name);
      if (!into) {
        byName.set(f.name, { ...f, series: new Map([...f.series].map(([k, s]) => [k, { labels: s.labels, values: [...s.values] }])) });
        continue;
      }
      // A family registered differently elsewhere cannot be summed; the first one wins.
      if (into.type !== f.type || !sameBuckets(into.buckets, f.buckets)) continue;
      for (const [key, s] of f.series) {
        const existing = into.series.get(key);
        if (!existing) {
          into.series.set(key, { labels: s.labels, values: [...s.values] });
          continue;
        }
        for (let i = 0; i < existing.values.length; i++) existing.values[i]! += s.values[i] ?? 0;
      }
    }
  }
  return [...byName.values()];
}

function sameBuckets(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((v, i) => v === b[i]);
}

/** The Prometheus text of one registry or of several merged. */
export function renderRegistries(registries: readonly MetricsRegistry[]): string {
  if (registries.length === 1) return registries[0]!.render();
  return renderFamilies(mergeFamilies(registries.map((r) => r.families())));
}

/**
 * A request listener for the stats port: `GET /stats/prometheus` answers the registries'
 * text; anything else is a 404, as Envoy's prometheus listener routes only that prefix.
 * `registries` is called per scrape so proxies may come and go.
 */
export function statsRequestListener(
  registries: () => readonly MetricsRegistry[],
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (!path.startsWith(STATS_PATH)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    const body = renderRegistries(registries());
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
