/**
 * Streams one container instance's log file to a writable (the kubelet's /containerLogs
 * response): what is there now, filtered by the options, then — with `follow` — every new
 * line until the instance has exited and its file is drained, the client goes away, or
 * `limitBytes` is reached.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { LogOptions } from './log-options.ts';
import { isSince, parseLogText, renderLine, tail } from './log-render.ts';

export interface LogSink {
  /** Writes a chunk; resolves once the sink can take more (backpressure). */
  write(chunk: string): Promise<void>;
  /** True once the client has gone away. */
  readonly closed: boolean;
}

export interface FollowTarget {
  /**
   * False once the followed instance has exited and its log file is closed (the pod worker
   * clears the instance only after the log writer has flushed).
   */
  running(): boolean;
}

/** How often a followed file is polled for new bytes (fs.watch misses appends on some filesystems). */
const FOLLOW_POLL_MS = 100;
const READ_CHUNK = 64 * 1024;

export async function streamLog(path: string, opts: LogOptions, sink: LogSink, follow?: FollowTarget): Promise<void> {
  const file = await open(path, 'r');
  try {
    let budget = opts.limitBytes ?? Infinity;
    const emit = async (text: string): Promise<boolean> => {
      if (text === '' || budget <= 0) return budget > 0;
      let out = text;
      const bytes = Buffer.byteLength(out);
      if (bytes > budget) out = Buffer.from(out).subarray(0, budget).toString('utf8');
      budget -= Math.min(bytes, budget);
      await sink.write(out);
      return budget > 0;
    };
    let offset = 0;
    let carry = '';
    const readNew = async (final: boolean): Promise<string> => {
      const { text, read } = await readFrom(file, offset);
      offset += read;
      const parsed = parseLogText(carry + text, final);
      carry = parsed.rest;
      return parsed.lines.filter((l) => isSince(l, opts.since)).map((l) => renderLine(l, opts.timestamps)).join('');
    };

    // The existing content: --tail counts lines of what is there now.
    const { text } = await readAll(file);
    offset = Buffer.byteLength(text);
    const initial = parseLogText(text, !(opts.follow && follow?.running()));
    carry = initial.rest;
    const shown = tail(initial.lines.filter((l) => isSince(l, opts.since)), opts.tailLines);
    if (!(await emit(shown.map((l) => renderLine(l, opts.timestamps)).join('')))) return;
    if (!opts.follow || !follow) return;

    while (!sink.closed) {
      const ended = !follow.running();
      // After the end was seen, one more read drains what the process wrote last.
      if (!(await emit(await readNew(ended)))) return;
      if (ended) return;
      await new Promise<void>((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
    }
  } finally {
    await file.close();
  }
}

async function readFrom(file: FileHandle, offset: number): Promise<{ text: string; read: number }> {
  const chunks: Buffer[] = [];
  let read = 0;
  for (;;) {
    const buf = Buffer.alloc(READ_CHUNK);
    const { bytesRead } = await file.read(buf, 0, READ_CHUNK, offset + read);
    if (bytesRead === 0) break;
    chunks.push(buf.subarray(0, bytesRead));
    read += bytesRead;
  }
  // Cut at the last newline so a multi-byte character split by a concurrent write stays whole.
  const all = Buffer.concat(chunks);
  const cut = all.lastIndexOf(0x0a) + 1;
  return { text: all.subarray(0, cut).toString('utf8'), read: cut };
}

async function readAll(file: FileHandle): Promise<{ text: string }> {
  const { text } = await readFrom(file, 0);
  return { text };
}
