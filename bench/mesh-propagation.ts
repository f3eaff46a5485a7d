/**
 * Config propagation (issue 5 item 13 d): from the start of `kubectl apply` of a VirtualService
 * for a host nobody routed before until the first request for that host through the gateway
 * answers 200 — the whole path a user waits on (kubectl, the API, the data plane's watch, its
 * debounce and compile, the proxy's swap). A fast loop of raw HTTPS requests on one kept-alive
 * connection polls the gateway meanwhile; each answer before the route exists is a 404 (NR).
 */
import { Agent, request } from 'node:https';
import type { Kubectl } from '../test/support/kubectl.ts';
import { BENCH_DOMAIN, GATEWAY_POD_PORT, virtualService } from './mesh-setup.ts';
import { percentile } from './stats.ts';

export interface PropagationResult {
  tries: number;
  /** apply start -> first 200, ms. */
  p50: number;
  p95: number;
  max: number;
  /** kubectl apply's own run (spawn, discovery, request), ms: part of the above. */
  applyP50: number;
  /** Requests sent while waiting, all tries (404s before the route exists). */
  polls: number;
  /** Requests that failed or got no answer within REQUEST_TIMEOUT_MS (retried on a new connection). */
  failedPolls: number;
  firstFailure?: string;
}

const TIMEOUT_MS = 30_000;
/** A request the gateway never answers must not stall the benchmark. */
const REQUEST_TIMEOUT_MS = 2000;

/** The status of GET / for `host` at the gateway pod (certificate not verified: a self-signed benchmark cert). */
export function gatewayStatus(agent: Agent, podIP: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: podIP, port: GATEWAY_POD_PORT, path: '/', servername: host, headers: { host }, agent, rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Polls until `host` answers 200; resolves with the time of that answer and the polls sent. */
export async function firstOk(agent: Agent, podIP: string, host: string, timeoutMs = TIMEOUT_MS): Promise<{ at: number; polls: number; failures: string[] }> {
  const deadline = performance.now() + timeoutMs;
  let polls = 0;
  const failures: string[] = [];
  for (;;) {
    polls++;
    const status = await gatewayStatus(agent, podIP, host).catch((error: unknown) => {
      failures.push(`${host}: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    });
    if (status === 200) return { at: performance.now(), polls, failures };
    if (performance.now() > deadline) throw new Error(`${host}: no 200 through the gateway after ${timeoutMs} ms (last status ${status}; ${failures.length} failed requests, first: ${failures[0] ?? 'none'})`);
    // A refused connection fails at once; do not spin the CPU the data plane needs.
    if (status === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function measurePropagation(kubectl: Kubectl, podIP: string, tries: number): Promise<PropagationResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const total: number[] = [];
  const apply: number[] = [];
  let polls = 0;
  const failures: string[] = [];
  try {
    for (let i = 0; i < tries; i++) {
      const host = `propagation-${i}.${BENCH_DOMAIN}`;
      // The connection is open (and the TLS handshake done) before the clock starts.
      const before = await gatewayStatus(agent, podIP, host).catch((error: unknown) => {
        failures.push(`${host} (before apply): ${error instanceof Error ? error.message : String(error)}`);
        return 404;
      });
      if (before !== 404) throw new Error(`${host} answered ${before} before its VirtualService existed`);
      const started = performance.now();
      const applied = kubectl.ok(['apply', '-f', '-'], { stdin: virtualService(`propagation-${i}`, host) }).then(() => performance.now());
      const ok = await firstOk(agent, podIP, host);
      apply.push((await applied) - started);
      total.push(ok.at - started);
      polls += ok.polls;
      failures.push(...ok.failures);
    }
  } finally {
    agent.destroy();
  }
  total.sort((a, b) => a - b);
  apply.sort((a, b) => a - b);
  return { tries, p50: percentile(total, 50), p95: percentile(total, 95), max: total.at(-1) ?? Number.NaN, applyP50: percentile(apply, 50), polls,
    failedPolls: failures.length, ...(failures.length > 0 ? { firstFailure: failures[0] } : {}) };
}
