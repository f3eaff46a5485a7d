/**
 * A request body on its way upstream: where it ends in the client's byte stream (by
 * Content-Length or chunked framing), the chunks waiting for an upstream connection, and the
 * replay copy that lets a failed try be sent again (only while the body fits Envoy's
 * per-request buffer limit; a larger body makes the request non-retryable, as in Envoy).
 */
import { ChunkedScanner } from './chunked-scanner.ts';
import type { RequestHead } from './request-head.ts';

export class RequestBody {
  done: boolean;
  /** Payload bytes received (decoded for chunked bodies; tunnel bytes after an upgrade). */
  bytes = 0;
  #remaining: number;
  readonly #scanner: ChunkedScanner | undefined;
  #queued: Buffer[] = [];
  #queuedBytes = 0;
  #replay: Buffer[] | undefined = [];
  #replayBytes = 0;

  constructor(
    head: RequestHead,
    private readonly replayLimit: number,
  ) {
    this.#remaining = head.framing === 'length' ? head.contentLength : 0;
    this.#scanner = head.framing === 'chunked' ? new ChunkedScanner() : undefined;
    this.done = head.framing === 'none';
  }

  /** Finds the body's part of `buf[start, end)`: returns where it stops, -1 when the chunked framing is broken. */
  frame(buf: Buffer, start: number, end: number): number {
    if (this.#scanner) {
      const stop = this.#scanner.scan(buf, start, end);
      if (stop < 0) return -1;
      this.bytes = this.#scanner.payloadBytes;
      if (this.#scanner.done) this.done = true;
      return stop;
    }
    const stop = start + Math.min(this.#remaining, end - start);
    this.#remaining -= stop - start;
    this.bytes += stop - start;
    if (this.#remaining === 0) this.done = true;
    return stop;
  }

  /** Keeps `chunk` for a replay while the body fits the limit. */
  remember(chunk: Buffer): void {
    if (!this.#replay) return;
    this.#replayBytes += chunk.length;
    if (this.#replayBytes <= this.replayLimit) this.#replay.push(chunk);
    else this.#replay = undefined;
  }

  /** True while every body byte so far can be sent again. */
  get replayable(): boolean {
    return this.#replay !== undefined;
  }

  get hasQueued(): boolean {
    return this.#queued.length > 0;
  }

  /** Queues a chunk for the upstream connection to come; returns the bytes now queued. */
  queue(chunk: Buffer): number {
    this.#queued.push(chunk);
    this.#queuedBytes += chunk.length;
    return this.#queuedBytes;
  }

  /** Hands over (and forgets) the queued chunks. */
  takeQueued(): Buffer[] {
    const q = this.#queued;
    this.#queued = [];
    this.#queuedBytes = 0;
    return q;
  }

  /** A new try starts: everything received so far is to be sent again. */
  requeueForRetry(): void {
    this.#queued = this.#replay ? [...this.#replay] : [];
    this.#queuedBytes = this.#replayBytes;
  }
}
