/**
 * Helpers for the engine's tests: an upstream (Node's own http server, an independent
 * implementation), a proxy on an ephemeral port with its records, curl, and raw sockets.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Server as NetServer } from 'node:net';
import type { RequestRecord } from '../request-record.ts';
import { createHttp1Listener, type Http1Listener, type Http1ListenerOptions } from './listener.ts';
import { UpstreamPool } from './upstream-pool.ts';
import type { Http1Handler } from './types.ts';

export async function listen(server: Server | NetServer): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

export async function startUpstream(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer(handle);
  const port = await listen(server);
  return {
    server,
    port,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface TestProxy {
  listener: Http1Listener;
  port: number;
  pool: UpstreamPool;
  records: RequestRecord[];
  /** Resolves once `n` records were written. */
  recordsAtLeast(n: number): Promise<RequestRecord[]>;
  close(): Promise<void>;
}

export async function startProxy(handler: Http1Handler, extra: Partial<Http1ListenerOptions> = {}): Promise<TestProxy> {
  const pool = extra.pool ?? new UpstreamPool();
  const records: RequestRecord[] = [];
  const waiters: Array<() => void> = [];
  const listener = createHttp1Listener({
    ...extra,
    pool,
    handler,
    onRecord: (r) => {
      records.push(r);
      for (const w of waiters.splice(0)) w();
      extra.onRecord?.(r);
    },
  });
  const port = await listen(listener.server);
  return {
    listener,
    port,
    pool,
    records,
    recordsAtLeast: async (n) => {
      while (records.length < n) await new Promise<void>((r) => waiters.push(r));
      return records;
    },
    close: async () => {
      await listener.drain(1000);
      pool.closeIdle();
    },
  };
}

export interface CurlResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  stderr: string;
}

/** Runs curl with `-sS -i` and parses the last response's head. */
export function curl(args: string[]): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '-i', '--max-time', '20', ...args], { maxBuffer: 64 * 1024 * 1024, encoding: 'latin1' }, (err, stdout, stderr) => {
      if (err && !stdout) return reject(new Error(`curl failed: ${stderr}`));
      const text = stdout;
      let start = 0;
      // Skip interim responses (100 Continue) printed by -i.
      for (;;) {
        const end = text.indexOf('\r\n\r\n', start);
        if (end < 0) return reject(new Error(`no head in curl output: ${text.slice(0, 200)}`));
        const head = text.slice(start, end);
        const status = Number(head.split(' ')[1]);
        if (status >= 200 || status === 101) {
          const headers: Record<string, string> = {};
          for (const line of head.split('\r\n').slice(1)) {
            const i = line.indexOf(':');
            headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
          }
          return resolve({ status, headers, body: text.slice(end + 4), stderr });
        }
        start = end + 4;
      }
    });
  });
}

/** Sends `data` on a raw connection and resolves with everything read until the server closes (or `timeoutMs`). */
export function rawExchange(port: number, data: string | Buffer | Array<string | Buffer>, opts: { timeoutMs?: number; endAfterWrite?: boolean } = {}): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text, closed });
    };
    const timer = setTimeout(() => finish(false), opts.timeoutMs ?? 5000);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    for (const part of Array.isArray(data) ? data : [data]) socket.write(part);
    if (opts.endAfterWrite) socket.end();
  });
}

/** The status codes of every response head in a raw byte stream, in order. */
export function statuses(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
}
