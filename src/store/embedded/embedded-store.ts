/**
 * The embedded Store: memory for reads, a write-ahead log for durability, snapshots to keep
 * the log short. See docs/store.md for the on-disk format and the recovery rules.
 *
 * Two revisions matter. `applied` is the newest write in memory; conflict checks and new
 * revisions use it, so concurrent writers serialise exactly as they were accepted. `durable`
 * is the newest write whose log record is fsync'd. Writers are answered, reads are served and
 * watchers are fed only at `durable`: nobody is ever shown a write that a crash could take
 * back. A read that touches a key with a write in flight waits for that commit, so it never
 * misses a write accepted before it; writes accepted while it waited are undone through the
 * history window.
 */
import { unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { KubeObject } from '../../api/object.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import type { Logger } from '../../util/log.ts';
import type { ListOptions, ListResult, Store, StoredValue, WatchCallbacks, WatchHandle } from '../types.ts';
import { priorState } from './history.ts';
import type { MemoryState } from './memory-state.ts';
import { recoverStore } from './recovery.ts';
import { writeSnapshot } from './snapshot.ts';
import { listStoreFiles, syncDirectory } from './store-files.ts';
import { WalWriter } from './wal-writer.ts';
import { compactOp, deleteOp, putOp } from './wal-ops.ts';
import { WatchHub } from './watch-hub.ts';

export interface EmbeddedStoreOptions {
  /** Directory holding the log segments and snapshots (created if missing). */
  dir: string;
  log: Logger;
  /** Events kept for watch resumption and historical lists (default 10 000). */
  historyWindow?: number;
  /** Snapshot once the current log segment exceeds this many bytes (default 64 MiB). */
  snapshotAfterBytes?: number;
}

export const DEFAULT_HISTORY_WINDOW = 10_000;
export const DEFAULT_SNAPSHOT_AFTER_BYTES = 64 * 1024 * 1024;

export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<Store> {
  const dir = resolve(options.dir);
  const historyWindow = options.historyWindow ?? DEFAULT_HISTORY_WINDOW;
  const { state, appendStart } = await recoverStore(dir, historyWindow, options.log);
  const store = new EmbeddedStore(dir, state, historyWindow, options.snapshotAfterBytes ?? DEFAULT_SNAPSHOT_AFTER_BYTES, options.log);
  await store.start(appendStart);
  return store;
}

class EmbeddedStore implements Store {
  readonly url: string;
  private wal!: WalWriter;
  private readonly hub: WatchHub;
  private failure: SkiffError | undefined;
  private closed = false;
  private snapshotting: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly state: MemoryState,
    private readonly historyWindow: number,
    private readonly snapshotAfterBytes: number,
    private readonly log: Logger,
  ) {
    this.url = `embedded://${dir}`;
    this.hub = new WatchHub(state.history, () => this.durable, log);
  }

  async start(appendStart: number): Promise<void> {
    this.wal = await WalWriter.open(this.dir, appendStart, this.state.revision, {
      onDurable: (revision) => this.onDurable(revision),
      onFailure: (error) => this.onFailure(error),
    });
  }

  private get durable(): number {
    return this.wal.durableRevision;
  }

  async get(key: string): Promise<StoredValue | undefined> {
    this.ensureUsable();
    if (this.pendingTouches((k) => k === key)) await this.wal.waitAll();
    const latest = this.state.values.get(key);
    if (this.state.revision === this.durable) return latest;
    // Writes accepted while we waited are not durable yet: undo those on this key, newest first.
    let result = latest;
    for (let revision = this.state.revision; revision > this.durable; revision--) {
      const event = this.state.history.eventAt(revision)!;
      if (event.key !== key) continue;
      const prior = priorState(event);
      result = prior === undefined ? undefined : { key, ...prior };
    }
    return result;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.ensureUsable();
    const explicit = opts.revision !== undefined && opts.revision > 0;
    if (!explicit && this.pendingTouches((k) => k.startsWith(prefix))) await this.wal.waitAll();
    const revision = explicit ? opts.revision! : this.durable;
    this.checkReadable(revision);
    const page = revision === this.state.revision ? this.state.listLatest(prefix, opts) : this.state.listAt(prefix, revision, opts);
    return { ...page, revision };
  }

  async create(key: string, value: KubeObject): Promise<StoredValue> {
    this.ensureUsable();
    if (this.state.values.has(key)) throw new SkiffError('SKF_STORE_KEY_EXISTS', `Key ${key} already exists.`, { details: { key } });
    return this.put(key, value);
  }

  async update(key: string, value: KubeObject, expectedModRevision?: number): Promise<StoredValue> {
    this.ensureUsable();
    this.checkExpected(key, expectedModRevision);
    return this.put(key, value);
  }

  async delete(key: string, expectedModRevision?: number): Promise<StoredValue> {
    this.ensureUsable();
    this.checkExpected(key, expectedModRevision);
    const { stored } = this.state.remove(key);
    await this.wal.append(deleteOp(key, stored.modRevision), stored.modRevision);
    return stored;
  }

  async watch(prefix: string, afterRevision: number, callbacks: WatchCallbacks): Promise<WatchHandle> {
    this.ensureUsable();
    const compactRevision = this.state.history.compactRevision;
    if (afterRevision < compactRevision) {
      throw new SkiffError('SKF_STORE_COMPACTED', `Cannot watch from revision ${afterRevision}: history before ${compactRevision} has been compacted.`, {
        details: { compactRevision },
      });
    }
    return this.hub.add(prefix, afterRevision, callbacks);
  }

  async revision(): Promise<number> {
    this.ensureUsable();
    return this.durable;
  }

  async compactedRevision(): Promise<number> {
    this.ensureUsable();
    return this.state.history.compactRevision;
  }

  async compact(revision: number): Promise<void> {
    this.ensureUsable();
    if (revision <= this.state.history.compactRevision) return;
    if (revision > this.state.revision) throw futureRevision(revision, this.durable);
    // Watchers must have been shown everything up to `revision` before it disappears.
    await this.wal.waitAll();
    this.state.history.compact(revision);
    await this.wal.append(compactOp(revision), this.state.revision);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.snapshotting;
    await this.wal.close();
    this.hub.failAll(new SkiffError('SKF_STORE_UNAVAILABLE', CLOSED));
  }

  private put(key: string, value: KubeObject): Promise<StoredValue> {
    const { stored } = this.state.put(key, value);
    return this.wal.append(putOp(key, stored.modRevision, value), stored.modRevision).then(() => stored);
  }

  private checkExpected(key: string, expectedModRevision: number | undefined): void {
    const current = this.state.values.get(key);
    if (current === undefined) throw new SkiffError('SKF_STORE_NOT_FOUND', `Key ${key} does not exist.`, { details: { key } });
    if (expectedModRevision !== undefined && current.modRevision !== expectedModRevision) {
      throw new SkiffError('SKF_STORE_CONFLICT', `Key ${key} is at revision ${current.modRevision}, not the expected ${expectedModRevision}.`, {
        details: { key, modRevision: current.modRevision, expectedModRevision },
      });
    }
  }

  private checkReadable(revision: number): void {
    const compactRevision = this.state.history.compactRevision;
    if (revision < compactRevision) {
      throw new SkiffError('SKF_STORE_COMPACTED', `Cannot read revision ${revision}: history before ${compactRevision} has been compacted.`, {
        details: { compactRevision },
      });
    }
    if (revision > this.durable) throw futureRevision(revision, this.durable);
  }

  /**
   * Whether a write accepted but not yet durable touches a matching key. A read of such a
   * key waits for the commit in flight: it must not show the write before it is durable, nor
   * answer without it (a writer retrying after SKF_STORE_CONFLICT would spin on stale data).
   */
  private pendingTouches(matches: (key: string) => boolean): boolean {
    for (let revision = this.state.revision; revision > this.durable; revision--) {
      if (matches(this.state.history.eventAt(revision)!.key)) return true;
    }
    return false;
  }

  private ensureUsable(): void {
    if (this.closed) throw new SkiffError('SKF_STORE_UNAVAILABLE', CLOSED);
    if (this.failure !== undefined) throw this.failure;
  }

  private onDurable(revision: number): void {
    this.hub.pumpAll(revision);
    // Trim the window, but never past what the watchers have been shown.
    const excess = this.state.history.length - this.historyWindow;
    if (excess > 0) this.state.history.compact(Math.min(this.state.history.compactRevision + excess, revision));
    if (this.snapshotting === undefined && this.wal.segmentBytes > this.snapshotAfterBytes) {
      this.snapshotting = this.snapshot().finally(() => {
        this.snapshotting = undefined;
      });
    }
  }

  private onFailure(error: SkiffError): void {
    this.failure = error;
    this.log.error({ err: error }, 'embedded store log write failed; the store stops accepting work');
    this.hub.failAll(error);
  }

  /**
   * Captures the state at the applied revision, starts a new log segment after it, writes
   * the snapshot once the old segment is complete on disk, then deletes what it covers.
   */
  private async snapshot(): Promise<void> {
    const revision = this.state.revision;
    const entries = this.state.entriesInKeyOrder();
    const started = performance.now();
    try {
      await this.wal.rotate(revision + 1);
      const { bytes } = await writeSnapshot(this.dir, revision, entries);
      const files = await listStoreFiles(this.dir);
      const obsolete = [...files.segments.filter((s) => s.start <= revision), ...files.snapshots.filter((s) => s.revision < revision)];
      for (const file of obsolete) await unlink(file.path);
      await syncDirectory(this.dir);
      this.log.info({ revision, keys: entries.length, bytes, ms: Math.round(performance.now() - started) }, 'embedded store snapshot written');
    } catch (error) {
      // The log still holds everything; the next segment that outgrows the limit retries.
      if (this.failure === undefined) this.log.warn({ err: error, revision }, 'embedded store snapshot failed; the log keeps all writes');
    }
  }
}

const CLOSED = 'The embedded store is closed.';

function futureRevision(revision: number, current: number): SkiffError {
  return new SkiffError('SKF_STORE_FUTURE_REVISION', `Revision ${revision} is newer than the store's current revision ${current}.`, {
    details: { revision, currentRevision: current },
  });
}
