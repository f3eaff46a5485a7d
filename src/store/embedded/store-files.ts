/**
 * The files of an embedded store directory:
 *
 *   wal-<first revision>.log       log segments, replayed in order of their first revision
 *   snapshot-<revision>.snap       the full state at <revision>; only the newest counts
 *   *.tmp                          a snapshot being written (left behind only by a crash)
 *
 * Revisions are zero-padded so that a directory listing sorts like the store does.
 */
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

const DIGITS = 16;

export interface SegmentFile {
  /** Revision of the first write the segment may hold. */
  start: number;
  path: string;
}

export interface SnapshotFile {
  revision: number;
  path: string;
}

export interface StoreFiles {
  segments: SegmentFile[];
  snapshots: SnapshotFile[];
  temporaries: string[];
}

export function segmentPath(dir: string, start: number): string {
  return join(dir, `wal-${String(start).padStart(DIGITS, '0')}.log`);
}

export function snapshotPath(dir: string, revision: number): string {
  return join(dir, `snapshot-${String(revision).padStart(DIGITS, '0')}.snap`);
}

export async function listStoreFiles(dir: string): Promise<StoreFiles> {
  const files: StoreFiles = { segments: [], snapshots: [], temporaries: [] };
  for (const name of await readdir(dir)) {
    const segment = /^wal-(\d+)\.log$/.exec(name);
    const snapshot = /^snapshot-(\d+)\.snap$/.exec(name);
    if (segment !== null) files.segments.push({ start: Number(segment[1]), path: join(dir, name) });
    else if (snapshot !== null) files.snapshots.push({ revision: Number(snapshot[1]), path: join(dir, name) });
    else if (name.endsWith('.tmp')) files.temporaries.push(join(dir, name));
  }
  files.segments.sort((a, b) => a.start - b.start);
  files.snapshots.sort((a, b) => a.revision - b.revision);
  return files;
}

/** Makes creations, renames and removals in `dir` durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes all of `data` at the file's current position (a write may be short). */
export async function writeFully(handle: FileHandle, data: Buffer): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written);
    written += bytesWritten;
  }
}
