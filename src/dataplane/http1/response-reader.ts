/**
 * Reads one upstream response from raw socket bytes: the head (skipping interim 1xx
 * responses other than 101), then the body by its framing, handing body bytes on as they
 * come. The exchange learns whether the connection ended exactly on the response boundary
 * (reusable) or carried stray bytes (never reused).
 */
import { ChunkedScanner } from './chunked-scanner.ts';
import { parseResponseHead, UpstreamProtocolError, type ResponseFraming, type ResponseHead } from './response-head.ts';
import { HEAD_END } from './wire.ts';

const MAX_RESPONSE_HEAD_BYTES = 60 * 1024;

/** Chunks handed to the events are valid only during the call: whoever keeps or queues one copies it. */
export interface ResponseEvents {
  /** The final head (or a 101). Return false to stop reading (retry, tunnel); `rest` is what followed the head. */
  onResponseHead(head: ResponseHead, rest: Buffer | undefined): boolean;
  onResponseBody(chunk: Buffer, payloadBytes: number): void;
  /** `cleanEnd`: nothing followed the response on the connection. */
  onResponseEnd(cleanEnd: boolean): void;
  onResponseError(): void;
}

export class ResponseReader {
  sawBytes = false;
  keepAlive = false;
  closeDelimited = false;
  #pending: Buffer | undefined;
  #inBody = false;
  #framing: ResponseFraming = 'none';
  #remaining = 0;
  #scanner: ChunkedScanner | undefined;
  #stopped = false;

  constructor(
    readonly method: string,
    readonly events: ResponseEvents,
  ) {}

  stop(): void {
    this.#stopped = true;
  }

  push(chunk: Buffer): void {
    if (this.#stopped) return;
    this.sawBytes = true;
    if (this.#inBody) {
      this.#body(chunk, 0);
      return;
    }
    const buf = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = undefined;
    let start = 0;
    while (!this.#stopped && !this.#inBody) {
      const end = buf.indexOf(HEAD_END, start);
      if (end < 0) {
        if (buf.length - start > MAX_RESPONSE_HEAD_BYTES) this.#fail();
        else this.#pending = Buffer.from(buf.subarray(start)); // kept past this call: a copy (see onUpstreamData)
        return;
      }
      let head: ResponseHead;
      try {
        head = parseResponseHead(buf.toString('latin1', start, end + 4), this.method);
      } catch (e) {
        if (e instanceof UpstreamProtocolError) return this.#fail();
        throw e;
      }
      start = end + 4;
      if (head.status < 200 && head.status !== 101) continue; // interim responses are not forwarded
      const rest = start < buf.length ? buf.subarray(start) : undefined;
      this.keepAlive = head.keepAlive;
      this.#framing = head.status === 101 ? 'none' : head.framing;
      this.closeDelimited = this.#framing === 'close';
      this.#remaining = head.contentLength;
      if (this.#framing === 'chunked') this.#scanner = new ChunkedScanner();
      this.#inBody = true;
      if (!this.events.onResponseHead(head, rest)) {
        this.#stopped = true;
        return;
      }
      if (this.#framing === 'none') {
        this.#stopped = true;
        this.events.onResponseEnd(rest === undefined);
        return;
      }
      if (rest) this.#body(buf, start);
    }
  }

  /** The upstream closed: ends a close-delimited body. */
  pushEnd(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.events.onResponseEnd(false);
  }

  #body(buf: Buffer, start: number): void {
    const end = buf.length;
    if (this.#framing === 'close') {
      const chunk = start === 0 ? buf : buf.subarray(start);
      this.events.onResponseBody(chunk, chunk.length);
      return;
    }
    let stop: number;
    let payload: number;
    if (this.#scanner) {
      const before = this.#scanner.payloadBytes;
      stop = this.#scanner.scan(buf, start, end);
      if (stop < 0) return this.#fail();
      payload = this.#scanner.payloadBytes - before;
    } else {
      stop = start + Math.min(this.#remaining, end - start);
      payload = stop - start;
      this.#remaining -= payload;
    }
    if (stop > start) this.events.onResponseBody(start === 0 && stop === end ? buf : buf.subarray(start, stop), payload);
    if (this.#stopped) return;
    const done = this.#scanner ? this.#scanner.done : this.#remaining === 0;
    if (done) {
      this.#stopped = true;
      this.events.onResponseEnd(stop === end);
    }
  }

  #fail(): void {
    this.#stopped = true;
    this.events.onResponseError();
  }
}
