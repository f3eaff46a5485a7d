/**
 * A raw HTTPS client for a skiff API server built from its kubeconfig (server URL, cluster CA,
 * bearer token), the way any Kubernetes client authenticates: an undici Pool with keep-alive
 * connections, for write storms, benchmarks and watch streams.
 */
import { readFile } from 'node:fs/promises';
import { Pool } from 'undici';
import { parse } from 'yaml';

export interface KubeHttpResponse {
  status: number;
  body: unknown;
}

export interface KubeHttp {
  readonly server: string;
  readonly pool: Pool;
  readonly headers: Record<string, string>;
  /** One request with a JSON body (if any); the response body is parsed when it is JSON. */
  request(method: string, path: string, body?: unknown): Promise<KubeHttpResponse>;
  close(): Promise<void>;
}

export interface KubeconfigCredentials {
  server: string;
  ca: string;
  token: string;
}

/** The current context's server, CA and token from a kubeconfig written by skiff. */
export async function readKubeconfig(path: string): Promise<KubeconfigCredentials> {
  const config = parse(await readFile(path, 'utf8')) as {
    'current-context': string;
    contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
    clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority-data': string } }>;
    users: Array<{ name: string; user: { token: string } }>;
  };
  const context = config.contexts.find((c) => c.name === config['current-context'])!.context;
  const cluster = config.clusters.find((c) => c.name === context.cluster)!.cluster;
  const user = config.users.find((u) => u.name === context.user)!.user;
  return { server: cluster.server, ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'), token: user.token };
}

export async function kubeHttpFor(kubeconfigPath: string, opts: { connections?: number } = {}): Promise<KubeHttp> {
  const credentials = await readKubeconfig(kubeconfigPath);
  const pool = new Pool(credentials.server, {
    connections: opts.connections ?? 32,
    connect: { ca: credentials.ca },
    // Watch streams stay open for as long as the caller reads them.
    bodyTimeout: 0,
  });
  const headers = { authorization: `Bearer ${credentials.token}`, accept: 'application/json' };
  return {
    server: credentials.server,
    pool,
    headers,
    async request(method, path, body) {
      const response = await pool.request({
        method: method as 'GET',
        path,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.body.text();
      let parsed: unknown = text;
      if (String(response.headers['content-type'] ?? '').startsWith('application/json')) parsed = JSON.parse(text);
      return { status: response.statusCode, body: parsed };
    },
    close: () => pool.destroy(),
  };
}
