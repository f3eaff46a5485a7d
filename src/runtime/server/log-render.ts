/**
 * Turns CRI log records (logs/layout.ts) into what `kubectl logs` prints, as the kubelet's
 * ReadLogs: `P` records are joined to the line they continue, `--since` filters by the
 * record's time, `--tail` keeps the last N lines, `--timestamps` prefixes each line with
 * its RFC3339NanoFixed time. Pure.
 */
import { parseLogRecord, type LogRecord } from '../logs/layout.ts';

export interface LogLine {
  /** The time of the line's first record. */
  timestamp: string;
  content: string;
  /** False while the line's last record so far is a `P` part. */
  complete: boolean;
}

/**
 * Splits file text into lines. Text after the last newline is an unfinished write and is
 * returned as `rest` for the next read; an unfinished `P` chain likewise stays in `rest`
 * until its `F` record arrives — unless `final` (nothing more will be written, e.g. output
 * that ended without a newline), when it becomes a last line without newline.
 */
export function parseLogText(text: string, final = false): { lines: LogLine[]; rest: string } {
  const lines: LogLine[] = [];
  let consumed = 0;
  let pending: LogLine | undefined;
  let pendingStart = 0;
  let pos = 0;
  for (;;) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) break;
    const record: LogRecord | undefined = parseLogRecord(text.slice(pos, nl));
    const start = pos;
    pos = nl + 1;
    if (!record) {
      if (!pending) consumed = pos;
      continue;
    }
    if (!pending) {
      pending = { timestamp: record.timestamp, content: '', complete: false };
      pendingStart = start;
    }
    pending.content += record.content;
    if (!record.partial) {
      pending.complete = true;
      lines.push(pending);
      pending = undefined;
      consumed = pos;
    }
  }
  if (pending && final) {
    lines.push(pending);
    return { lines, rest: text.slice(pos) };
  }
  return { lines, rest: text.slice(pending ? pendingStart : consumed) };
}

export function isSince(line: LogLine, since: Date | undefined): boolean {
  if (!since) return true;
  return new Date(line.timestamp).getTime() >= since.getTime();
}

export function tail(lines: LogLine[], tailLines: number | undefined): LogLine[] {
  if (tailLines === undefined) return lines;
  return tailLines === 0 ? [] : lines.slice(-tailLines);
}

export function renderLine(line: LogLine, timestamps: boolean): string {
  return `${timestamps ? `${line.timestamp} ` : ''}${line.content}${line.complete ? '\n' : ''}`;
}
