/**
 * The kubelet's own HTTPS server, as the real kubelet's port 10250: the API server's
 * pods/log, pods/exec and pods/portforward subresources proxy here. It listens on the node's address and trusts only
 * clients with a certificate from the cluster CA (the API server's kubelet client).
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../util/log.ts';
import { serveContainerLogs, type KubeletPods } from './container-logs.ts';
import { upgradeExec } from './exec-upgrade.ts';
import { upgradePortForward } from './port-forward.ts';
import { KubeletError, statusOf, writeStatus } from './status.ts';

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
const EXEC = /^\/(exec|attach)\/([^/]+)\/([^/]+)\/([^/]+)$/;
const PORT_FORWARD = /^\/portForward\/([^/]+)\/([^/]+)$/;

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
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const route = async () => {
      const forward = PORT_FORWARD.exec(url.pathname);
      if (forward) {
        const [namespace, pod] = forward.slice(1).map(decodeURIComponent) as [string, string];
        return upgradePortForward(opts.pods, { namespace, pod }, req, socket, head);
      }
      const exec = EXEC.exec(url.pathname);
      if (!exec) throw new KubeletError(404, `the server could not find the requested resource (${url.pathname})`);
      const [namespace, pod, container] = exec.slice(2).map(decodeURIComponent) as [string, string, string];
      await upgradeExec(opts.pods, { namespace, pod, container }, url.searchParams, req, socket, head, exec[1] === 'attach');
    };
    socket.on('error', () => undefined);
    route().catch((err: unknown) => {
      const code = err instanceof KubeletError ? err.code : 500;
      if (!(err instanceof KubeletError)) opts.log.warn({ err, path: url.pathname }, 'kubelet server upgrade failed');
      refuseUpgrade(socket, code, (err as Error).message);
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

/** Answers an upgrade request that cannot be served with a plain HTTP Status response. */
export function refuseUpgrade(socket: Duplex, code: number, message: string): void {
  const body = JSON.stringify(statusOf(code, message));
  socket.end(`HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
