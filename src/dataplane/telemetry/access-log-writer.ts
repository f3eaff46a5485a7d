/**
 * The proxies' access log, as mesh config asks for it: `accessLogFile` (empty = off,
 * `/dev/stdout` = the process' stdout, else a file appended to), `accessLogEncoding`
 * (TEXT or JSON) and `accessLogFormat` (a custom TEXT format string, or a JSON object of
 * field → format). Many proxy instances share one process, so writers to the same path
 * share one sink; each sink gathers the lines of one event-loop turn into a single write.
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { RequestRecord } from '../request-record.ts';
import {
  ISTIO_JSON_LOG_FORMAT,
  ISTIO_TEXT_LOG_FORMAT,
  compileJsonFormat,
  compileTextFormat,
} from './access-log-format.ts';

export interface AccessLogSettings {
  accessLogFile?: string;
  /** `TEXT` (the default) or `JSON`. */
  accessLogEncoding?: string;
  accessLogFormat?: string;
}

/** The access-log fields of a parsed MeshConfig (see parseMeshConfig). */
export function accessLogSettingsFromMeshConfig(mesh: Readonly<Record<string, unknown>> | undefined): AccessLogSettings {
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return {
    accessLogFile: str(mesh?.accessLogFile),
    accessLogEncoding: str(mesh?.accessLogEncoding),
    accessLogFormat: str(mesh?.accessLogFormat),
  };
}

/**
 * The formatter mesh config selects. Problems (unknown commands, a JSON format that does
 * not parse) are returned as messages; like istiod, a JSON format that does not parse
 * falls back to the default.
 */
export function accessLogFormatter(settings: AccessLogSettings): { format: (r: RequestRecord) => string; problems: string[] } {
  const problems: string[] = [];
  const custom = settings.accessLogFormat ?? '';
  if ((settings.accessLogEncoding ?? 'TEXT').toUpperCase() === 'JSON') {
    let fields: Record<string, string> = { ...ISTIO_JSON_LOG_FORMAT };
    if (custom) {
      try {
        const parsed: unknown = JSON.parse(custom);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
        fields = Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
        if (Object.keys(fields).length === 0) fields = { ...ISTIO_JSON_LOG_FORMAT };
      } catch (e) {
        problems.push(`accessLogFormat is not a JSON object (${(e as Error).message}); the default JSON format is used`);
      }
    }
    const compiled = compileJsonFormat(fields);
    problems.push(...compiled.unknown.map((c) => `accessLogFormat: unknown command ${c}`));
    return { format: compiled.format, problems };
  }
  const compiled = compileTextFormat(custom || ISTIO_TEXT_LOG_FORMAT);
  problems.push(...compiled.unknown.map((c) => `accessLogFormat: unknown command ${c}`));
  return { format: compiled.format, problems };
}

/** Above this many unwritten bytes a sink drops lines rather than grow without bound. */
const MAX_PENDING_BYTES = 8 * 1024 * 1024;

class Sink {
  refs = 0;
  dropped = 0;
  private lines: string[] = [];
  private scheduled = false;
  private failed = false;

  constructor(
    readonly path: string,
    private readonly stream: Writable,
    private readonly owned: boolean,
    onError: (message: string) => void,
  ) {
    stream.on('error', (e: Error) => {
      if (this.failed) return;
      this.failed = true;
      onError(`access log ${path}: ${e.message}`);
    });
  }

  push(line: string): void {
    if (this.failed || this.stream.writableLength > MAX_PENDING_BYTES) {
      this.dropped++;
      return;
    }
    this.lines.push(line);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.lines.length === 0 || this.failed) return;
    const chunk = this.lines.join('');
    this.lines = [];
    this.stream.write(chunk);
  }

  async close(): Promise<void> {
    this.flush();
    if (!this.owned || this.failed) return;
    await new Promise<void>((resolve) => this.stream.end(resolve));
  }
}

const sinks = new Map<string, Sink>();

function acquireSink(path: string, stdout: Writable | undefined, onError: (m: string) => void): Sink {
  // A caller-supplied stdout (tests) gets a sink of its own rather than the shared one.
  if (path === '/dev/stdout' && stdout) {
    const own = new Sink(path, stdout, false, onError);
    own.refs++;
    return own;
  }
  let sink = sinks.get(path);
  if (!sink) {
    if (path === '/dev/stdout') sink = new Sink(path, process.stdout, false, onError);
    else if (path === '/dev/stderr') sink = new Sink(path, process.stderr, false, onError);
    else sink = new Sink(path, createWriteStream(path, { flags: 'a' }), true, onError);
    sinks.set(path, sink);
  }
  sink.refs++;
  return sink;
}

export interface AccessLogWriterOptions {
  /** Where `/dev/stdout` goes (tests); the process' stdout by default. */
  stdout?: Writable;
  /** Told about format problems and write failures (once per sink). */
  onError?: (message: string) => void;
}

export class AccessLogWriter {
  private closed = false;
  private constructor(
    private readonly sink: Sink,
    private readonly format: (r: RequestRecord) => string,
  ) {}

  /** A writer for the settings, or undefined when access logging is off (`accessLogFile` empty). */
  static open(settings: AccessLogSettings, options: AccessLogWriterOptions = {}): AccessLogWriter | undefined {
    const path = settings.accessLogFile ?? '';
    if (path === '') return undefined;
    const onError = options.onError ?? (() => {});
    const { format, problems } = accessLogFormatter(settings);
    for (const p of problems) onError(p);
    return new AccessLogWriter(acquireSink(path, options.stdout, onError), format);
  }

  get path(): string {
    return this.sink.path;
  }

  /** Lines dropped because the destination failed or fell too far behind. */
  get dropped(): number {
    return this.sink.dropped;
  }

  log(record: RequestRecord): void {
    if (!this.closed) this.sink.push(this.format(record));
  }

  /** Writes what is pending now rather than at the end of this event-loop turn. */
  flush(): void {
    this.sink.flush();
  }

  /** Flushes; the last writer of a file closes it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sink.refs--;
    if (this.sink.refs > 0) {
      this.sink.flush();
      return;
    }
    if (sinks.get(this.sink.path) === this.sink) sinks.delete(this.sink.path);
    await this.sink.close();
  }
}
