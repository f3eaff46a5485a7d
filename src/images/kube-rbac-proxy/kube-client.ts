/**
 * The proxy's client for the API server: client-go's in-cluster configuration
 * ($KUBERNETES_SERVICE_HOST/_PORT, the pod's service account token and CA) and a JSON POST
 * that retries as k8s.io/apiserver's webhook clients do (DefaultAuthWebhookRetryBackoff:
 * 500 ms, ×1.5, 5 tries, on connection errors, 429 and 5xx).
 *
 * skiff: a built-in program does not see volumes at the paths its code names, so the
 * image's environment carries SKIFF_SERVICE_ACCOUNT_DIR, set to the usual
 * /var/run/secrets/kubernetes.io/serviceaccount, which the runtime rewrites to the pod's
 * mounted volume. The API server's certificate names `kubernetes.default.svc` but not the
 * Service's cluster IP, so the TLS handshake checks that name (client-go would check the IP).
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';

export const DEFAULT_SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const API_SERVER_NAME = 'kubernetes.default.svc';
const TOKEN_REFRESH_MS = 60_000;
const REQUEST_TIMEOUT_MS = 10_000;

export interface KubeClient {
  /** POSTs `body` to `path`; resolves with the decoded answer of a 2xx, rejects otherwise. */
  create(path: string, body: object): Promise<unknown>;
}

export interface InClusterConfig {
  host: string;
  port: number;
  ca: string;
  tokenFile: string;
}

/** client-go's rest.InClusterConfig, or why it cannot be built. */
export function inClusterConfig(env: Readonly<Record<string, string | undefined>>): InClusterConfig | { error: string } {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return { error: 'unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined' };
  const dir = env.SKIFF_SERVICE_ACCOUNT_DIR || DEFAULT_SERVICE_ACCOUNT_DIR;
  const tokenFile = `${dir}/token`;
  try {
    readFileSync(tokenFile);
    return { host, port: Number(port), ca: readFileSync(`${dir}/ca.crt`, 'utf8'), tokenFile };
  } catch (err) {
    return { error: goOpenError(err as NodeJS.ErrnoException) };
  }
}

/** A Node file error in Go's words (`open <path>: no such file or directory`). */
function goOpenError(err: NodeJS.ErrnoException): string {
  const reason = err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
  return `open ${err.path ?? ''}: ${reason}`;
}

export function kubeClient(config: InClusterConfig): KubeClient {
  // client-go re-reads a projected token file, which the kubelet rotates.
  let token = '';
  let readAt = -Infinity;
  const currentToken = (): string => {
    if (Date.now() - readAt > TOKEN_REFRESH_MS) {
      try {
        token = readFileSync(config.tokenFile, 'utf8').trim();
        readAt = Date.now();
      } catch {
        // keep the last good token, as client-go's cached token source does
      }
    }
    return token;
  };
  const once = (path: string, payload: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({
      host: config.host, port: config.port, path, method: 'POST', ca: config.ca, servername: API_SERVER_NAME,
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'Authorization': `Bearer ${currentToken()}`, 'Content-Length': Buffer.byteLength(payload), 'User-Agent': 'kube-rbac-proxy' },
      timeout: REQUEST_TIMEOUT_MS,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`Post "https://${config.host}:${config.port}${path}": context deadline exceeded`)));
    req.on('error', reject);
    req.end(payload);
  });
  return {
    async create(path, body) {
      const payload = JSON.stringify(body);
      let delay = 500;
      for (let attempt = 1; ; attempt++) {
        let failure: Error;
        let retriable: boolean;
        try {
          const res = await once(path, payload);
          if (res.status >= 200 && res.status < 300) return JSON.parse(res.body) as unknown;
          failure = new Error(apiErrorMessage(res.status, res.body));
          retriable = res.status === 429 || res.status >= 500;
        } catch (err) {
          failure = err as Error;
          // A connection that failed or broke (ECONNREFUSED, ECONNRESET, …) is tried again; a
          // certificate the proxy does not trust is final.
          retriable = /^E[A-Z]+$/.test(String((err as { code?: unknown }).code));
        }
        if (!retriable || attempt >= 5) throw failure;
        await new Promise((r) => setTimeout(r, delay * (1 + Math.random() * 0.2)));
        delay *= 1.5;
      }
    },
  };
}

/** A Status answer's message, or the raw body, as client-go reports a failed call. */
function apiErrorMessage(status: number, body: string): string {
  try {
    const s = JSON.parse(body) as { message?: string };
    if (s.message) return s.message;
  } catch {
    // not a Status
  }
  return `the server responded with status ${status}: ${body.slice(0, 200)}`;
}
