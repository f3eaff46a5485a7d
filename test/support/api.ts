/**
 * Raw HTTPS access to a test skiff's API, for what kubectl cannot express (watch from an
 * exact resourceVersion, bookmarks, continue tokens, 409/422 bodies): the cluster CA and the
 * admin bearer token from `<dataDir>/pki`, as any client holding the kubeconfig would use.
 */
import { readFileSync } from 'node:fs';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: IncomingMessage['headers'];
  body: T;
}

export interface WatchEventLine {
  type: string;
  object: Record<string, unknown> & { metadata?: { name?: string; resourceVersion?: string }; code?: number; reason?: string; message?: string };
}

/** An open watch stream: events arrive in order; `next` waits for the next one. */
export interface WatchStream {
  readonly status: number;
  /** The next event, or an error after `timeoutMs` (a bound on a failing test, not a sleep). */
  next(timeoutMs?: number): Promise<WatchEventLine>;
  /** Resolves once the server ends the stream; returns every event not yet taken by `next`. */
  ended(timeoutMs?: number): Promise<WatchEventLine[]>;
  close(): void;
}

export interface Api {
  request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  get<T = Record<string, unknown>>(path: string, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  watch(path: string, headers?: Record<string, string>): Promise<WatchStream>;
}

export function apiFor(opts: { apiServer: string; dataDir: string }): Api {
  const base = new URL(opts.apiServer);
  const ca = readFileSync(join(opts.dataDir, 'pki', 'ca.crt'), 'utf8');
  const token = readFileSync(join(opts.dataDir, 'pki', 'admin.token'), 'utf8').trim();
  const options = (method: string, path: string, headers: Record<string, string>): RequestOptions => ({
    method,
    host: base.hostname,
    port: base.port,
    path,
    ca,
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...headers },
  });

  const request = <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    new Promise<ApiResponse<T>>((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = httpsRequest(options(method, path, { ...(payload !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers }), (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            // not JSON: hand back the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed as T });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });

  const watch = (path: string, headers: Record<string, string> = {}) =>
    new Promise<WatchStream>((resolve, reject) => {
      const req = httpsRequest(options('GET', path, headers), (res) => {
        const queue: WatchEventLine[] = [];
        const waiters: Array<() => void> = [];
        let buffer = '';
        let done = false;
        const wake = () => {
          for (const w of waiters.splice(0)) w();
        };
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (line !== '') queue.push(JSON.parse(line) as WatchEventLine);
          }
          wake();
        });
        // Closing the stream ourselves aborts the response; that is not a failure.
        res.on('error', () => undefined);
        res.on('close', () => {
          done = true;
          wake();
        });
        const waitFor = async (ready: () => boolean, timeoutMs: number, what: string) => {
          const deadline = Date.now() + timeoutMs;
          while (!ready()) {
            const left = deadline - Date.now();
            if (left <= 0) throw new Error(`watch ${path}: no ${what} within ${timeoutMs} ms (have ${JSON.stringify(queue.map((e) => e.type))})`);
            await new Promise<void>((r) => {
              const timer = setTimeout(r, left);
              waiters.push(() => {
                clearTimeout(timer);
                r();
              });
            });
          }
        };
        resolve({
          status: res.statusCode ?? 0,
          async next(timeoutMs = 5_000) {
            await waitFor(() => queue.length > 0 || done, timeoutMs, 'event');
            const event = queue.shift();
            if (!event) throw new Error(`watch ${path} ended without another event`);
            return event;
          },
          async ended(timeoutMs = 5_000) {
            await waitFor(() => done, timeoutMs, 'end of stream');
            return queue.splice(0);
          },
          close() {
            req.destroy();
          },
        });
      });
      req.on('error', (err) => {
        if (!req.destroyed) reject(err);
      });
      req.end();
    });

  return {
    request,
    get: (path, headers) => request('GET', path, undefined, headers),
    watch,
  };
}
