/**
 * The embedded store's watches. Each watcher remembers the last revision it has been shown;
 * whenever the durable revision advances, every watcher is handed the matching history
 * events after its position, in one batch. A new watcher catches up from its starting
 * revision the same way, so replay and live events are one code path: no gap, no duplicate.
 *
 * Only durable events are ever delivered, so a watcher never sees a write that a crash could
 * take back.
 */
import { SkiffError } from '../../errors/skiff-error.ts';
import type { Logger } from '../../util/log.ts';
import type { WatchCallbacks, WatchHandle } from '../types.ts';
import type { HistoryWindow } from './history.ts';

interface Watcher {
  prefix: string;
  /** Revision of the newest event this watcher has been shown (or skipped as unmatched). */
  position: number;
  callbacks: WatchCallbacks;
}

export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  constructor(
    private readonly history: HistoryWindow,
    private readonly durableRevision: () => number,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.watchers.size;
  }

  /** Registers a watcher for events after `afterRevision`; the caller checked compaction. */
  add(prefix: string, afterRevision: number, callbacks: WatchCallbacks): WatchHandle {
    const watcher: Watcher = { prefix, position: afterRevision, callbacks };
    this.watchers.add(watcher);
    // Catch up after the caller holds its handle, not inside watch() itself.
    setImmediate(() => this.pump(watcher, this.durableRevision()));
    return { cancel: () => void this.watchers.delete(watcher) };
  }

  /** Delivers everything up to `durable` to every watcher. */
  pumpAll(durable: number): void {
    for (const watcher of this.watchers) this.pump(watcher, durable);
  }

  /** Ends every watch with `error` (store closed or failed). */
  failAll(error: Error): void {
    const watchers = [...this.watchers];
    this.watchers.clear();
    for (const watcher of watchers) this.notifyError(watcher, error);
  }

  private pump(watcher: Watcher, durable: number): void {
    if (!this.watchers.has(watcher) || watcher.position >= durable) return;
    if (watcher.position < this.history.compactRevision) {
      this.watchers.delete(watcher);
      const compactRevision = this.history.compactRevision;
      this.notifyError(
        watcher,
        new SkiffError('SKF_STORE_COMPACTED', `The watch fell behind: revision ${watcher.position} has been compacted (history now starts after ${compactRevision}).`, {
          details: { compactRevision },
        }),
      );
      return;
    }
    const events = this.history.slice(watcher.position, durable).filter((event) => event.key.startsWith(watcher.prefix));
    watcher.position = durable;
    if (events.length === 0) return;
    try {
      watcher.callbacks.onEvents(events);
    } catch (error) {
      // A consumer's bug must not stop delivery to the others nor fail the write that woke us.
      this.log.error({ err: error, prefix: watcher.prefix }, 'a store watch callback threw; the watch continues');
    }
  }

  private notifyError(watcher: Watcher, error: Error): void {
    try {
      watcher.callbacks.onError(error);
    } catch (callbackError) {
      this.log.error({ err: callbackError, prefix: watcher.prefix }, 'a store watch error callback threw');
    }
  }
}
