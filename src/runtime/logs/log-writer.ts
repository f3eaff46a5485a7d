/**
 * Writes one container instance's stdout and stderr to its log file in the CRI format
 * (layout.ts), as containerd's shim does: each line becomes a timestamped `F` record; a
 * line longer than MAX_RECORD_BYTES is cut into `P` records; output left without a newline
 * when the stream ends is written as a `P` record, so the bytes read back are the bytes
 * written.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { formatLogRecord, formatLogTimestamp, MAX_RECORD_BYTES, type LogStream } from './layout.ts';

/** How far lines written on a container's behalf may run ahead of the disk. */
const MAX_LAG_BYTES = 8 * 1024 * 1024;

export class ContainerLogWriter {
  readonly #out: WriteStream;
  readonly #pending: Array<Promise<void>> = [];

  constructor(path: string) {
    this.#out = createWriteStream(path, { flags: 'a' });
    this.#out.on('error', () => undefined);
  }

  /** Copies a stream into the log until it ends. */
  attach(stream: Readable, name: LogStream): void {
    this.#pending.push(new Promise((resolve) => {
      let partial = Buffer.alloc(0);
      stream.on('data', (chunk: Buffer) => {
        partial = Buffer.from(this.#writeComplete(name, partial.length > 0 ? Buffer.concat([partial, chunk]) : chunk));
      });
      const finish = () => {
        if (partial.length > 0) this.#write(name, partial, true);
        partial = Buffer.alloc(0);
        resolve();
      };
      stream.once('end', finish);
      stream.once('close', finish);
      stream.once('error', finish);
    }));
  }

  /**
   * Whole lines written on the container's behalf, as if it had printed them: skiff's
   * in-process proxies write a meshed pod's access log to its istio-proxy container's stdout.
   * False, and nothing written, while the file lags more than MAX_LAG_BYTES behind (a
   * container's own output is held back by its pipe instead; this writer has none).
   */
  writeLines(name: LogStream, text: string): boolean {
    if (this.#out.writableLength > MAX_LAG_BYTES || this.#out.writableEnded) return false;
    const rest = this.#writeComplete(name, Buffer.from(text));
    if (rest.length > 0) this.#write(name, rest, false);
    return true;
  }

  /** Writes the complete lines of `data` (long ones cut into partial records); returns the unfinished rest. */
  #writeComplete(name: LogStream, data: Buffer): Buffer {
    for (;;) {
      const newline = data.indexOf(0x0a);
      if (newline < 0) break;
      this.#write(name, data.subarray(0, newline), false);
      data = data.subarray(newline + 1);
    }
    while (data.length > MAX_RECORD_BYTES) {
      this.#write(name, data.subarray(0, MAX_RECORD_BYTES), true);
      data = data.subarray(MAX_RECORD_BYTES);
    }
    return data;
  }

  /** Resolves once every attached stream has ended and the file is flushed and closed. */
  async close(): Promise<void> {
    await Promise.all(this.#pending);
    await new Promise<void>((resolve) => this.#out.end(resolve));
  }

  #write(stream: LogStream, content: Buffer, partial: boolean): void {
    const now = new Date();
    const timestamp = formatLogTimestamp(now, Number(process.hrtime.bigint() % 1_000_000n));
    this.#out.write(formatLogRecord({ timestamp, stream, partial, content: content.toString('utf8') }));
  }
}
