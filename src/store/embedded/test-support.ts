/**
 * Helpers for the embedded store's own tests: temporary directories, a logger whose records
 * the test can read, and direct access to the newest log segment.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { KubeObject } from '../../api/object.ts';
import type { Logger } from '../../util/log.ts';
import { listStoreFiles } from './store-files.ts';

export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-store-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface LogRecord {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A logger that keeps every record it writes (as parsed JSON) in `records`. */
export function capturingLogger(): { log: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') records.push(JSON.parse(line) as LogRecord);
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), records };
}

export const PINO_WARN = 40;

export async function newestSegment(dir: string): Promise<string> {
  const { segments } = await listStoreFiles(dir);
  const last = segments[segments.length - 1];
  if (last === undefined) throw new Error(`no log segment in ${dir}`);
  return last.path;
}

export function configMap(name: string, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data };
}
