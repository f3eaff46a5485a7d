/**
 * What a proxy serves on :15090 `/stats/prometheus` (Envoy's Prometheus stats endpoint).
 * A process hosting many proxies serves one page for all of them (see registry-merge.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { prometheusContentType, type Registry } from 'prom-client';
import { renderRegistries } from './registry-merge.ts';

export { mergeRegistries, renderRegistries } from './registry-merge.ts';

export const STATS_PORT = 15090;
export const STATS_PATH = '/stats/prometheus';
export const PROMETHEUS_CONTENT_TYPE: string = prometheusContentType;

/**
 * A request listener for the stats port: `GET /stats/prometheus` answers the registries'
 * text; anything else is a 404, as Envoy's prometheus listener routes only that prefix.
 * `registries` is called per scrape so proxies may come and go.
 */
export function statsRequestListener(
  registries: () => readonly Registry[],
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
    // Inside the promise, so a throwing `registries` also ends as a 500, not an uncaught error.
    Promise.resolve().then(() => renderRegistries(registries())).then(
      (body) => {
        res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: unknown) => {
        // A metric's collection failed: say so with a 500 rather than leave the scrape hanging.
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`);
      },
    );
  };
}

/**
 * Envoy's stats port for one proxy on its pod's address, only if nothing there (the agent,
 * the app) has bound it already: resolves with the server, or undefined when the port is taken.
 */
export function openStatsServer(address: string, registries: () => readonly Registry[]): Promise<Server | undefined> {
  const server = createServer(statsRequestListener(registries));
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(STATS_PORT, address, () => resolve(server));
  });
}

/** Closes a stats server and the scrapers' keep-alive connections with it. */
export async function closeStatsServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
