/**
 * Open-loop pacing for latency measurements: `streams` sequential writers share a steady
 * total rate; write number `seq` is due at start + seq / rate whatever happened before, so a
 * slow answer delays only its own stream and does not lower the offered load silently.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { summarise, type LatencySummary } from './stats.ts';

export interface PacedWriteOptions {
  streams: number;
  ratePerSec: number;
  totalWrites: number;
  /** Performs write `seq` on stream `stream` (seq % streams === stream). Throws on failure. */
  write(stream: number, seq: number): Promise<void>;
}

export interface PacedWriteResult {
  written: number;
  errors: number;
  firstError?: string;
  /** How far behind schedule the last write started, in ms (0 when the target rate was met). */
  lagMs: number;
  /** Time from sending each write to its acknowledgment. */
  latencyMs: LatencySummary;
}

export async function runPacedWrites(opts: PacedWriteOptions): Promise<PacedWriteResult> {
  const start = performance.now();
  const intervalMs = 1000 / opts.ratePerSec;
  let written = 0;
  let errors = 0;
  let firstError: string | undefined;
  let lagMs = 0;
  const latencies: number[] = [];
  await Promise.all(Array.from({ length: opts.streams }, async (_, stream) => {
    for (let seq = stream; seq < opts.totalWrites; seq += opts.streams) {
      const due = start + seq * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      lagMs = Math.max(0, performance.now() - due);
      const sent = performance.now();
      try {
        await opts.write(stream, seq);
        latencies.push(performance.now() - sent);
        written++;
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  }));
  return { written, errors, lagMs, latencyMs: summarise(latencies), ...(firstError === undefined ? {} : { firstError }) };
}
