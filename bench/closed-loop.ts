/**
 * A closed-loop load generator: N clients each run one operation after another (a new one
 * as soon as the previous answers) for a warm-up and then a measured window. Throughput and
 * latency count only operations that complete inside the measured window.
 */
import { summarise, type LatencySummary } from './stats.ts';

export interface LoadOptions {
  clients: number;
  warmupMs: number;
  durationMs: number;
  /** One operation of one client; `iteration` counts that client's operations from 0. Throws on failure. */
  operation(client: number, iteration: number): Promise<void>;
  /** CPU seconds used so far by the server under test, sampled at the window's edges. */
  serverCpu?: () => number | undefined;
}

export interface LoadResult {
  ops: number;
  errors: number;
  perSecond: number;
  latencyMs: LatencySummary;
  /** Server CPU time per operation in the measured window, in microseconds. */
  serverCpuUsPerOp?: number;
  firstError?: string;
}

export async function runClosedLoop(opts: LoadOptions): Promise<LoadResult> {
  const start = performance.now();
  const measureFrom = start + opts.warmupMs;
  const end = measureFrom + opts.durationMs;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const cpu: Array<number | undefined> = [];
  const cpuTimers = opts.serverCpu === undefined ? [] : [
    setTimeout(() => cpu.push(opts.serverCpu!()), opts.warmupMs),
    setTimeout(() => cpu.push(opts.serverCpu!()), opts.warmupMs + opts.durationMs),
  ];
  await Promise.all(Array.from({ length: opts.clients }, async (_, client) => {
    for (let iteration = 0; performance.now() < end; iteration++) {
      const began = performance.now();
      try {
        await opts.operation(client, iteration);
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
        continue;
      }
      const finished = performance.now();
      if (finished >= measureFrom && finished <= end) latencies.push(finished - began);
    }
  }));
  for (const timer of cpuTimers) clearTimeout(timer);
  const [cpuFrom, cpuTo] = cpu;
  const serverCpuUsPerOp = cpuFrom === undefined || cpuTo === undefined || latencies.length === 0 ? undefined : ((cpuTo - cpuFrom) * 1e6) / latencies.length;
  return {
    ops: latencies.length,
    errors,
    perSecond: latencies.length / (opts.durationMs / 1000),
    latencyMs: summarise(latencies),
    ...(serverCpuUsPerOp === undefined ? {} : { serverCpuUsPerOp }),
    ...(firstError === undefined ? {} : { firstError }),
  };
}
