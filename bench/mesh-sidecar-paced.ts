/**
 * An open-loop HTTP load at a fixed rate, for issue 5 (b): request n is due at start + n/rate
 * whatever happened to the earlier ones (a closed-loop client would slow down with the server
 * and hide its latency). Requests go over a few kept-alive connections (undici Pool); each
 * latency runs from the moment the request is handed to the pool until its body is read, so a
 * request that waits for a free connection counts its wait. Node's timers fire about every
 * millisecond, so a request may leave up to ~1 ms after it was due; that lag is the client's,
 * the same for every path, and is counted (`lateSends`) rather than added to the latency.
 */
import { Pool } from 'undici';
import { percentile } from './stats.ts';

export interface PacedOptions {
  /** Origin and path, e.g. `http://127.244.0.5:8080/`. */
  url: string;
  /** Host header (routing at a gateway). */
  host: string;
  ratePerSec: number;
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

/** One run's raw figures; `summarisePaced` merges the rounds of one path. */
export interface PacedRun {
  /** Latencies of the measured requests that answered 200, ms. */
  latencies: number[];
  requests: number;
  failures: number;
  firstFailure?: string;
  lateSends: number;
  measuredMs: number;
}

export interface PacedResult {
  /** Measured requests (after the warm-up) and how many did not answer 200. */
  requests: number;
  failures: number;
  firstFailure?: string;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Measured requests the client sent more than 1 ms after they were due. */
  lateSends: number;
  /** Measured requests over the measured window: shows the pacing held. */
  achievedPerSec: number;
}

const LATE_MS = 1;

export async function runPaced(opts: PacedOptions): Promise<PacedRun> {
  const url = new URL(opts.url);
  const pool = new Pool(url.origin, { connections: opts.connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const period = 1000 / opts.ratePerSec;
  const warmup = Math.round(opts.ratePerSec * opts.warmupSeconds);
  const total = warmup + Math.round(opts.ratePerSec * opts.seconds);
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let lateSends = 0;
  let settled = 0;
  let next = 0;
  let measuredFrom = 0;
  let measuredTo = 0;
  try {
    await new Promise<void>((resolve) => {
      const start = performance.now();
      const finish = (index: number) => {
        if (index >= warmup) measuredTo = performance.now();
        if (++settled === total) resolve();
      };
      const send = (index: number) => {
        const sentAt = performance.now();
        const measured = index >= warmup;
        if (index === warmup) measuredFrom = sentAt;
        if (measured && sentAt - (start + index * period) > LATE_MS) lateSends++;
        pool.request({ method: 'GET', path: url.pathname, headers: { host: opts.host } }).then(async (res) => {
          const body = await res.body.text();
          if (measured) {
            if (res.statusCode === 200) latencies.push(performance.now() - sentAt);
            else {
              failures++;
              firstFailure ??= `HTTP ${res.statusCode}: ${body.slice(0, 120)}`;
            }
          }
        }, (error: unknown) => {
          if (measured) {
            failures++;
            firstFailure ??= error instanceof Error ? error.message : String(error);
          }
        }).finally(() => finish(index));
      };
      // Send everything that is due; the timer only wakes us, the schedule decides.
      const timer = setInterval(() => {
        const now = performance.now();
        while (next < total && start + next * period <= now) send(next++);
        if (next >= total) clearInterval(timer);
      }, 1);
    });
  } finally {
    await pool.close();
  }
  return {
    latencies, requests: total - warmup, failures, ...(firstFailure === undefined ? {} : { firstFailure }), lateSends,
    measuredMs: Math.max(0, measuredTo - measuredFrom),
  };
}

/** Percentiles over all rounds' samples together; the rate is requests over the measured time. */
export function summarisePaced(runs: readonly PacedRun[]): PacedResult {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const requests = runs.reduce((sum, r) => sum + r.requests, 0);
  const measuredMs = runs.reduce((sum, r) => sum + r.measuredMs, 0);
  const firstFailure = runs.find((r) => r.firstFailure !== undefined)?.firstFailure;
  return {
    requests, failures: runs.reduce((sum, r) => sum + r.failures, 0), ...(firstFailure === undefined ? {} : { firstFailure }),
    p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies.at(-1) ?? Number.NaN,
    lateSends: runs.reduce((sum, r) => sum + r.lateSends, 0),
    achievedPerSec: measuredMs > 0 ? (requests * 1000) / measuredMs : Number.NaN,
  };
}
