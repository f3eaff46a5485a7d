/**
 * A closed-loop load of N concurrent requests through the router (each worker sends its next
 * request when the last one is answered), whose N can be changed while it runs: the
 * autoscaler phase steps it from 50 to 500. Requests go to a slow endpoint (the echo image's
 * `/delay/<s>`), so N is the concurrency the revision really sees, not a rate.
 */
import { Pool } from 'undici';
import type { RouterTarget } from './serving-probe.ts';

export interface SteppedLoad {
  /** Workers beyond `n` stop after their current request; missing ones start at once. */
  setConcurrency(n: number): void;
  readonly answered: number;
  /** Requests sent and not yet answered: the concurrency the client offers right now. */
  readonly inFlight: number;
  readonly failed: number;
  readonly firstError: string | undefined;
  stop(): Promise<void>;
}

export function startSteppedLoad(target: RouterTarget, path: string, maxConcurrency: number): SteppedLoad {
  const pool = new Pool(`https://127.0.0.1:${target.port}`, {
    connections: maxConcurrency, pipelining: 1, // 450 new TLS connections at the step queue behind each other on a busy machine: allow them 30 s.
    connect: { ca: target.ca, servername: target.host, timeout: 30_000 },
    headersTimeout: 120_000, bodyTimeout: 120_000,
  });
  const host = `${target.host}:${target.port}`;
  let wanted = 0;
  let stopped = false;
  const workers = new Map<number, Promise<void>>();
  const state = { answered: 0, failed: 0, inFlight: 0, firstError: undefined as string | undefined };

  const work = async (index: number) => {
    while (!stopped && index < wanted) {
      state.inFlight++;
      try {
        const res = await pool.request({ path, method: 'GET', headers: { host } });
        await res.body.dump();
        state.inFlight--;
        if (res.statusCode === 200) state.answered++;
        else fail(`HTTP ${res.statusCode}`);
      } catch (error) {
        state.inFlight--;
        fail(error instanceof Error ? error.message : String(error));
        // Do not spin on a refused connection.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    workers.delete(index);
  };
  const fail = (why: string) => {
    state.failed++;
    state.firstError ??= why;
  };

  return {
    setConcurrency(n: number) {
      wanted = Math.min(n, maxConcurrency);
      for (let i = 0; i < wanted; i++) if (!workers.has(i)) workers.set(i, work(i));
    },
    get answered() { return state.answered; },
    get failed() { return state.failed; },
    get inFlight() { return state.inFlight; },
    get firstError() { return state.firstError; },
    async stop() {
      stopped = true;
      await Promise.allSettled([...workers.values()]);
      await pool.close();
    },
  };
}
