/**
 * Many small nft changes made at once (a burst of pods starting or stopping) go to the
 * kernel as one transaction: each `nft` run is a process spawn, which at a hundred pods
 * would cost more than the pods themselves. Callers still get their own outcome: when a
 * batch is refused, its parts are retried one by one so one bad change does not fail the
 * others.
 */
import { runNft } from './nft.ts';

interface Pending {
  lines: readonly string[];
  resolve(): void;
  reject(err: unknown): void;
}

export class NftBatcher {
  #queue: Pending[] = [];
  #scheduled = false;

  /** Applies `lines` (nft commands) together with whatever else is queued this turn. */
  run(lines: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ lines, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => void this.#flush());
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    try {
      await runNft(`${batch.flatMap((p) => p.lines).join('\n')}\n`);
      for (const p of batch) p.resolve();
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      for (const p of batch) await runNft(`${p.lines.join('\n')}\n`).then(p.resolve, p.reject);
    }
  }
}
