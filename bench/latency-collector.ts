/**
 * Collects watch delivery latencies. Each write carries its sequence number; the writer
 * notes when it sent the write and when the write was acknowledged, each watcher notes when
 * it read the event (all performance.now() of this process). Two figures come out:
 *  - from acknowledgment: receipt − acknowledgment, counted as 0 when the watcher had the
 *    event before the writer had its answer (the watch delivery itself);
 *  - from sending: receipt − send, which adds the write's own commit.
 * Writes before `warmupWrites` are not measured.
 */
import { summarise, type LatencySummary } from './stats.ts';

export interface WatchLatencyResult {
  watchers: number;
  measuredWrites: number;
  /** Deliveries received out of measuredWrites × watchers. */
  delivered: number;
  expected: number;
  fromAckMs: LatencySummary;
  fromSendMs: LatencySummary;
  /** Acknowledgment latency of the paced writes themselves. */
  writeLatencyMs: LatencySummary;
  writeErrors: number;
  firstError?: string;
}

export class LatencyCollector {
  private readonly sentAt = new Map<number, number>();
  private readonly ackedAt = new Map<number, number>();
  private readonly receipts: Array<[seq: number, receivedAt: number]> = [];
  private waiter: (() => void) | undefined;

  constructor(private readonly warmupWrites: number, readonly expected: number) {}

  sent(seq: number, at: number): void {
    this.sentAt.set(seq, at);
  }

  acknowledged(seq: number, at: number): void {
    this.ackedAt.set(seq, at);
  }

  received(seq: number, receivedAt: number): void {
    if (seq < this.warmupWrites) return;
    this.receipts.push([seq, receivedAt]);
    if (this.receipts.length >= this.expected) this.waiter?.();
  }

  get delivered(): number {
    return this.receipts.length;
  }

  /** Resolves once every expected delivery arrived, or after `timeoutMs` (late or lost events). */
  complete(timeoutMs: number): Promise<void> {
    if (this.receipts.length >= this.expected) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  fromAck(): LatencySummary {
    const samples: number[] = [];
    for (const [seq, at] of this.receipts) {
      const acked = this.ackedAt.get(seq);
      if (acked !== undefined) samples.push(Math.max(0, at - acked));
    }
    return summarise(samples);
  }

  fromSend(): LatencySummary {
    return summarise(this.receipts.map(([seq, at]) => at - this.sentAt.get(seq)!));
  }
}
