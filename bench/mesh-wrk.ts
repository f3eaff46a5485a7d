/**
 * Runs wrk (Debian's /usr/bin/wrk) against an HTTPS endpoint with keep-alive connections and
 * reads its figures: requests per second, mean latency and the p99 of `--latency`'s
 * distribution, and the requests that did not succeed (non-2xx/3xx answers and socket errors).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkOptions {
  url: string;
  /** Host header (wrk uses the URL's host for SNI and, unless told, for Host). */
  host: string;
  threads: number;
  connections: number;
  seconds: number;
  /** CPU list for `taskset -c`, or undefined to leave wrk unpinned. */
  cpus?: string;
}

export interface WrkResult {
  requestsPerSec: number;
  meanMs: number;
  p99Ms: number;
  requests: number;
  /** Non-2xx/3xx responses plus connect/read/write/timeout socket errors. */
  failures: number;
}

export async function runWrk(opts: WrkOptions): Promise<WrkResult> {
  const wrk = ['wrk', `-t${opts.threads}`, `-c${opts.connections}`, `-d${opts.seconds}s`, '--latency', '-H', `Host: ${opts.host}`, opts.url];
  const [command, ...args] = opts.cpus === undefined ? wrk : ['taskset', '-c', opts.cpus, ...wrk];
  const { stdout } = await run(command!, args, { timeout: (opts.seconds + 30) * 1000 });
  return parseWrkOutput(stdout);
}

/** wrk's duration units: `us`, `ms`, `s`, `m`, `h`. */
export function wrkDurationMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!m) return Number.NaN;
  const factor = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'us' | 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * factor;
}

export function parseWrkOutput(text: string): WrkResult {
  const mean = /^\s*Latency\s+(\S+)\s/m.exec(text)?.[1];
  const p99 = /^\s*99%\s+(\S+)/m.exec(text)?.[1];
  const rate = /^Requests\/sec:\s+([\d.]+)/m.exec(text)?.[1];
  const requests = /^\s*(\d+) requests in/m.exec(text)?.[1];
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    requestsPerSec: rate === undefined ? Number.NaN : Number(rate),
    meanMs: mean === undefined ? Number.NaN : wrkDurationMs(mean),
    p99Ms: p99 === undefined ? Number.NaN : wrkDurationMs(p99),
    requests: requests === undefined ? 0 : Number(requests),
    failures: non2xx + socketErrors,
  };
}
