/**
 * Opening an embedded store directory: load the newest snapshot, replay the log segments
 * after it, cut away a torn tail, refuse anything worse.
 *
 * What counts as a torn tail: the log is written one batch record per fsync, so a crash can
 * only leave the *last* record of the *last* segment unfinished (short, garbled or zero-filled).
 * That record was never acknowledged, so dropping it loses nothing a client was promised; the
 * drop is logged with its size and reason. Any other damage (a bad record with valid data after
 * it, a bad record in an older segment, a gap in the revisions, a bad snapshot) means the disk
 * or someone's hands changed acknowledged data: SKF_STORE_CORRUPT, and nothing is modified.
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { SkiffError } from '../../errors/skiff-error.ts';
import type { Logger } from '../../util/log.ts';
import { MemoryState } from './memory-state.ts';
import { isTornTail, scanRecords, type ScannedRecord } from './record-codec.ts';
import { readSnapshot } from './snapshot.ts';
import { listStoreFiles, syncDirectory, type SegmentFile } from './store-files.ts';
import type { SegmentHeader, WalOp } from './wal-ops.ts';

export interface Recovered {
  state: MemoryState;
  /** The first revision of the segment to keep appending to. */
  appendStart: number;
}

export async function recoverStore(dir: string, historyWindow: number, log: Logger): Promise<Recovered> {
  const started = performance.now();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = await listStoreFiles(dir);
  for (const temporary of files.temporaries) {
    log.info({ file: temporary }, 'removing an unfinished snapshot left by an earlier crash');
    await unlink(temporary);
  }

  const snapshot = files.snapshots[files.snapshots.length - 1];
  const state = snapshot === undefined ? new MemoryState(0) : new MemoryState(snapshot.revision, await readSnapshot(snapshot.path, snapshot.revision));
  const base = state.revision;

  // Segments wholly covered by the snapshot are leftovers of a crash during cleanup.
  const live = files.segments.filter((segment, i) => {
    const next = files.segments[i + 1];
    return next === undefined || next.start > base + 1;
  });
  const first = live[0];
  if (first !== undefined && first.start > base + 1) {
    throw corrupt(`the log starts at revision ${first.start} (${basename(first.path)}) but the ${snapshot === undefined ? 'store is empty' : 'snapshot ends'} at ${base}: a log segment is missing`, first.path);
  }

  let replayed = 0;
  for (let i = 0; i < live.length; i++) {
    const segment = live[i]!;
    if (i > 0 && segment.start !== state.revision + 1) {
      throw corrupt(`${basename(segment.path)} should start at revision ${state.revision + 1}, after the writes of the segment before it`, segment.path);
    }
    const records = await readSegment(segment, i === live.length - 1, log);
    for (const record of records) {
      replayed += replayBatch(state, record, segment, historyWindow);
    }
  }

  for (const stale of [...files.snapshots.slice(0, -1).map((s) => s.path), ...files.segments.filter((s) => !live.includes(s)).map((s) => s.path)]) {
    await unlink(stale);
  }
  await syncDirectory(dir);

  const last = live[live.length - 1];
  log.info(
    { revision: state.revision, keys: state.values.size, snapshot: base, replayedWrites: replayed, ms: Math.round(performance.now() - started) },
    'embedded store recovered',
  );
  return { state, appendStart: last?.start ?? state.revision + 1 };
}

/** The records of one segment after its header, with a torn tail cut off the last segment. */
async function readSegment(segment: SegmentFile, isLast: boolean, log: Logger): Promise<ScannedRecord[]> {
  const data = await readFile(segment.path);
  const scan = scanRecords(data);
  if (scan.damage !== undefined) {
    const dropped = data.length - scan.validBytes;
    if (!isTornTail(scan.damage, isLast)) {
      const where = isLast ? 'followed by more data, so it is not a torn tail' : 'in a segment that was complete when the next one was started';
      throw corrupt(`at byte ${scan.damage.offset} of ${basename(segment.path)} there is ${scan.damage.reason}, ${where}`, segment.path);
    }
    log.warn(
      { file: segment.path, offset: scan.damage.offset, droppedBytes: dropped, reason: scan.damage.reason },
      `store log: dropped a torn tail of ${dropped} bytes at offset ${scan.damage.offset} of ${basename(segment.path)} (${scan.damage.reason}); it was never acknowledged`,
    );
    await truncateDurably(segment.path, scan.validBytes);
  }
  const [header, ...batches] = scan.records;
  if (header === undefined) {
    if (!isLast) throw corrupt(`${basename(segment.path)} is empty but is not the newest segment`, segment.path);
    return [];
  }
  const parsed = parseJson(header, segment) as Partial<SegmentHeader>;
  if (parsed.segment !== segment.start) {
    throw corrupt(`${basename(segment.path)} has the header of segment ${String(parsed.segment)}`, segment.path);
  }
  return batches;
}

/** Applies one batch record; returns how many writes it replayed. */
function replayBatch(state: MemoryState, record: ScannedRecord, segment: SegmentFile, historyWindow: number): number {
  const ops = parseJson(record, segment);
  if (!Array.isArray(ops)) throw corrupt(`the record at byte ${record.offset} of ${basename(segment.path)} is not a batch`, segment.path);
  let replayed = 0;
  for (const op of ops as WalOp[]) {
    if (op.o === 'compact') {
      state.history.compact(Math.min(op.r, state.revision));
      continue;
    }
    if (op.r <= state.revision) continue; // already in the snapshot
    if (op.r !== state.revision + 1) {
      throw corrupt(`revision ${op.r} follows ${state.revision} at byte ${record.offset} of ${basename(segment.path)}: writes are missing`, segment.path);
    }
    if (op.o === 'put') {
      state.put(op.k, op.v);
    } else if (op.o === 'del' && state.values.has(op.k)) {
      state.remove(op.k);
    } else {
      throw corrupt(`revision ${op.r} at byte ${record.offset} of ${basename(segment.path)} is ${JSON.stringify(op).slice(0, 120)}, which does not apply`, segment.path);
    }
    replayed++;
    if (state.history.length > historyWindow) state.history.compact(state.revision - historyWindow);
  }
  return replayed;
}

function parseJson(record: ScannedRecord, segment: SegmentFile): unknown {
  try {
    return JSON.parse(record.payload.toString('utf8'));
  } catch (error) {
    throw corrupt(`the record at byte ${record.offset} of ${basename(segment.path)} passes its checksum but is not JSON (${(error as Error).message})`, segment.path);
  }
}

async function truncateDurably(path: string, length: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function corrupt(why: string, file: string): SkiffError {
  return new SkiffError('SKF_STORE_CORRUPT', `The embedded store cannot be opened: ${why}.`, { details: { file } });
}
