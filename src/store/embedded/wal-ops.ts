/**
 * What the log records mean. A segment starts with a header record; every later record is
 * one group-commit batch: a JSON array of operations, each carrying the revision it produced
 * (consecutive across the whole log, which is how recovery notices a missing piece).
 */
import type { KubeObject } from '../../api/object.ts';

export const LOG_FORMAT = 1;

export interface SegmentHeader {
  segment: number;
  format: number;
}

export type WalOp =
  | { o: 'put'; k: string; r: number; v: KubeObject }
  | { o: 'del'; k: string; r: number }
  /** History at or below `r` was compacted away (does not bump the revision). */
  | { o: 'compact'; r: number };

export function segmentHeader(start: number): string {
  return JSON.stringify({ segment: start, format: LOG_FORMAT } satisfies SegmentHeader);
}

// The op strings are built when the write is accepted, so the log holds the value as it was
// handed in even if a careless caller mutates it afterwards.
export function putOp(key: string, revision: number, value: KubeObject): string {
  return JSON.stringify({ o: 'put', k: key, r: revision, v: value } satisfies WalOp);
}

export function deleteOp(key: string, revision: number): string {
  return JSON.stringify({ o: 'del', k: key, r: revision } satisfies WalOp);
}

export function compactOp(revision: number): string {
  return JSON.stringify({ o: 'compact', r: revision } satisfies WalOp);
}

/** A batch record's payload from op strings (already JSON). */
export function batchPayload(ops: readonly string[]): string {
  return `[${ops.join(',')}]`;
}
