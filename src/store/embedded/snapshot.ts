/**
 * Snapshots: the whole key space at one revision, in the log's record framing:
 *
 *   {"snapshot":R,"format":1,"count":N}   then N × {"k","m","c","v"}   then {"end":N}
 *
 * Written to a temporary file, fsync'd, renamed into place and the directory fsync'd, so a
 * snapshot file either is complete or does not exist. The trailer still guards against a
 * snapshot damaged later on disk: such a file is SKF_STORE_CORRUPT, never half-loaded.
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { SkiffError } from '../../errors/skiff-error.ts';
import type { StoredValue } from '../types.ts';
import { encodeRecord, scanRecords } from './record-codec.ts';
import { snapshotPath, syncDirectory, writeFully } from './store-files.ts';
import { LOG_FORMAT } from './wal-ops.ts';

/** Write in slices of about this many bytes, yielding to the event loop between them. */
const SLICE_BYTES = 1 << 20;

interface SnapshotEntry {
  k: string;
  m: number;
  c: number;
  v: StoredValue['value'];
}

export async function writeSnapshot(dir: string, revision: number, entries: readonly StoredValue[]): Promise<{ path: string; bytes: number }> {
  const path = snapshotPath(dir, revision);
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  let bytes = 0;
  try {
    let slice: Buffer[] = [encodeRecord(JSON.stringify({ snapshot: revision, format: LOG_FORMAT, count: entries.length }))];
    let sliceBytes = slice[0]!.length;
    const flush = async () => {
      const data = Buffer.concat(slice, sliceBytes);
      await writeFully(handle, data);
      bytes += data.length;
      slice = [];
      sliceBytes = 0;
    };
    for (const entry of entries) {
      const record = encodeRecord(JSON.stringify({ k: entry.key, m: entry.modRevision, c: entry.createRevision, v: entry.value } satisfies SnapshotEntry));
      slice.push(record);
      sliceBytes += record.length;
      if (sliceBytes >= SLICE_BYTES) await flush();
    }
    const trailer = encodeRecord(JSON.stringify({ end: entries.length }));
    slice.push(trailer);
    sliceBytes += trailer.length;
    await flush();
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await rename(temp, path);
  await syncDirectory(dir);
  return { path, bytes };
}

export async function readSnapshot(path: string, revision: number): Promise<StoredValue[]> {
  const corrupt = (why: string) =>
    new SkiffError('SKF_STORE_CORRUPT', `Snapshot ${path} is damaged: ${why}. Snapshots are written atomically, so this is damage on disk, not a crash.`, {
      details: { file: path },
    });
  const scan = scanRecords(await readFile(path));
  if (scan.damage !== undefined) throw corrupt(`at byte ${scan.damage.offset} there is ${scan.damage.reason}`);
  const [first, ...rest] = scan.records;
  const last = rest.pop();
  if (first === undefined || last === undefined) throw corrupt('it has no header or no trailer');
  const header = parse(first.payload, corrupt) as { snapshot?: unknown; count?: unknown };
  if (header.snapshot !== revision) throw corrupt(`its header names revision ${String(header.snapshot)}, its file name ${revision} (${basename(path)})`);
  const trailer = parse(last.payload, corrupt) as { end?: unknown };
  if (header.count !== rest.length || trailer.end !== rest.length) {
    throw corrupt(`it holds ${rest.length} entries but its header says ${String(header.count)} and its trailer ${String(trailer.end)}`);
  }
  return rest.map((record) => {
    const entry = parse(record.payload, corrupt) as SnapshotEntry;
    return { key: entry.k, value: entry.v, modRevision: entry.m, createRevision: entry.c };
  });
}

function parse(payload: Buffer, corrupt: (why: string) => Error): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch (error) {
    throw corrupt(`a record is not valid JSON (${(error as Error).message})`);
  }
}
