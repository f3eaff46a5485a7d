/**
 * The write-ahead log writer: group commit over append-only segment files.
 *
 * Writes queue up as op strings; one flush at a time takes everything queued, writes it as a
 * single batch record, fdatasyncs, and only then resolves the writers' promises. Writes that
 * arrive while a flush is in flight form the next batch, so N concurrent writers share one
 * fsync instead of paying N. A rotation is a queue item too: everything appended before it
 * lands in the old segment, which is closed only after its last batch is durable.
 *
 * Any write or fsync failure is final: the pages behind a failed fsync may be gone while the
 * in-memory state already holds the writes (PostgreSQL's "fsyncgate"), so the writer fails
 * every pending and future write and the store must be reopened from disk.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SkiffError } from '../../errors/skiff-error.ts';
import { encodeRecord } from './record-codec.ts';
import { segmentPath, syncDirectory, writeFully } from './store-files.ts';
import { batchPayload, segmentHeader } from './wal-ops.ts';

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

interface Batch {
  kind: 'batch';
  ops: string[];
  /** Revision of the newest write in the batch. */
  lastRevision: number;
  done: Deferred;
}

interface Rotation {
  kind: 'rotate';
  start: number;
  done: Deferred;
}

export interface WalHooks {
  /** Called after each fsync with the newest durable revision, before writers resume. */
  onDurable(revision: number): void;
  onFailure(error: SkiffError): void;
}

export class WalWriter {
  private readonly queue: (Batch | Rotation)[] = [];
  private inFlight: Batch | undefined;
  private flushing = false;
  private drained: Promise<void> = Promise.resolve();
  private scheduled = false;
  private failure: SkiffError | undefined;
  private durable: number;

  private constructor(
    private readonly dir: string,
    private handle: FileHandle | undefined,
    private segmentStart: number,
    private bytes: number,
    durableRevision: number,
    private readonly hooks: WalHooks,
  ) {
    this.durable = durableRevision;
  }

  /**
   * Opens the segment starting at `segmentStart` for appending (creating it with its header
   * when it is new or empty). `durableRevision` is the newest revision already on disk.
   */
  static async open(dir: string, segmentStart: number, durableRevision: number, hooks: WalHooks): Promise<WalWriter> {
    const { handle, bytes } = await openSegment(dir, segmentStart);
    return new WalWriter(dir, handle, segmentStart, bytes, durableRevision, hooks);
  }

  get durableRevision(): number {
    return this.durable;
  }

  /** Size of the segment being appended to: the log written since the last rotation. */
  get segmentBytes(): number {
    return this.bytes;
  }

  /** Queues one op (a JSON string); resolves once it is fsync'd. */
  append(op: string, revision: number): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const last = this.queue[this.queue.length - 1];
    if (last?.kind === 'batch') {
      last.ops.push(op);
      last.lastRevision = revision;
      return last.done.promise;
    }
    const batch: Batch = { kind: 'batch', ops: [op], lastRevision: revision, done: deferred() };
    this.queue.push(batch);
    this.schedule();
    return batch.done.promise;
  }

  /**
   * Starts a new segment for writes from `start` on. Resolves when every earlier write is
   * durable in the old segment and the new one exists on disk.
   */
  rotate(start: number): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const rotation: Rotation = { kind: 'rotate', start, done: deferred() };
    this.queue.push(rotation);
    this.schedule();
    return rotation.done.promise;
  }

  /** Resolves once every write appended so far is durable (undefined: already is). */
  waitAll(): Promise<void> | undefined {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const item = this.queue[i]!;
      if (item.kind === 'batch') return item.done.promise;
    }
    return this.inFlight?.done.promise;
  }

  /** Flushes what is queued and closes the segment; later appends fail. */
  async close(): Promise<void> {
    for (;;) {
      if (this.flushing) await this.drained;
      else if (this.queue.length > 0 && this.failure === undefined) this.drained = this.drain();
      else break;
    }
    this.failure ??= new SkiffError('SKF_STORE_UNAVAILABLE', 'The embedded store is closed.');
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // setImmediate rather than starting at once: writes accepted in the same turn of the
    // event loop (e.g. several requests read from one poll) join the first batch.
    setImmediate(() => {
      this.scheduled = false;
      if (!this.flushing) this.drained = this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0 && this.failure === undefined) {
        const item = this.queue.shift()!;
        try {
          if (item.kind === 'rotate') {
            await this.switchSegment(item.start);
          } else {
            this.inFlight = item;
            await this.writeBatch(item);
            this.inFlight = undefined;
          }
          item.done.resolve();
        } catch (error) {
          this.inFlight = undefined;
          this.fail(error, item);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async writeBatch(batch: Batch): Promise<void> {
    const handle = this.requireHandle();
    const record = encodeRecord(batchPayload(batch.ops));
    await writeFully(handle, record);
    await handle.datasync();
    this.bytes += record.length;
    this.durable = batch.lastRevision;
    this.hooks.onDurable(batch.lastRevision);
  }

  private async switchSegment(start: number): Promise<void> {
    if (start === this.segmentStart) return;
    await this.requireHandle().close();
    this.handle = undefined;
    const { handle, bytes } = await openSegment(this.dir, start);
    this.handle = handle;
    this.segmentStart = start;
    this.bytes = bytes;
  }

  private requireHandle(): FileHandle {
    if (this.handle === undefined) throw new Error('log segment is not open');
    return this.handle;
  }

  private fail(cause: unknown, item: Batch | Rotation): void {
    const detail = cause instanceof Error ? cause.message : String(cause);
    this.failure = new SkiffError(
      'SKF_STORE_UNAVAILABLE',
      `Writing the store log in ${this.dir} failed (${detail}); the store refuses further work until it is reopened from disk.`,
      { cause },
    );
    item.done.reject(this.failure);
    for (const pending of this.queue.splice(0)) pending.done.reject(this.failure);
    this.hooks.onFailure(this.failure);
  }
}

async function openSegment(dir: string, start: number): Promise<{ handle: FileHandle; bytes: number }> {
  const path = segmentPath(dir, start);
  const existing = await stat(path).then((s) => s.size, () => undefined);
  const handle = await open(path, 'a', 0o600);
  if (existing !== undefined && existing > 0) return { handle, bytes: existing };
  try {
    const header = encodeRecord(segmentHeader(start));
    await writeFully(handle, header);
    await handle.sync();
    await syncDirectory(dirname(path));
    return { handle, bytes: header.length };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
