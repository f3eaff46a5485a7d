/**
 * The kubelet's own HTTPS server, as the real kubelet's port 10250: the API server's
 * pods/log subresource proxies here. It listens on the node's address and trusts only
 * clients with a certificate from the cluster CA (the API server's kubelet client).
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../util/log.ts';
import { serveContainerLogs, type KubeletPods } from './container-logs.ts';
import { KubeletError, writeStatus } from './status.ts';

export interface KubeletServerOptions {
  pods: KubeletPods;
  /** The serving certificate (PEM) and key; must be valid for `host`. */
  certPem: string;
  keyPem: string;
  /** The CA whose client certificates are accepted. */
  caPem: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  log: Logger;
}

export interface KubeletServer {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

const CONTAINER_LOGS = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/;

export async function startKubeletServer(opts: KubeletServerOptions): Promise<KubeletServer> {
  const host = opts.host ?? '127.0.0.1';
  const server: Server = createServer({ cert: opts.certPem, key: opts.keyPem, ca: opts.caPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const route = async () => {
      if (url.pathname === '/healthz') {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
        return;
      }
      const logs = CONTAINER_LOGS.exec(url.pathname);
      if (!logs) throw new KubeletError(404, `the server could not find the requested resource (${url.pathname})`);
      if (req.method !== 'GET') throw new KubeletError(405, `${req.method} is not supported on ${url.pathname}`);
      const [namespace, pod, container] = logs.slice(1).map(decodeURIComponent) as [string, string, string];
      await serveContainerLogs(opts.pods, { namespace, pod, container }, url.searchParams, res);
    };
    route().catch((err: unknown) => {
      if (err instanceof KubeletError) return writeStatus(res, err.code, err.message);
      opts.log.warn({ err, path: url.pathname }, 'kubelet server request failed');
      writeStatus(res, 500, (err as Error).message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host,
    port,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
