/**
 * The framing shared by log segments and snapshots: every record is
 *
 *   u32 LE payload length │ u32 LE CRC-32 of the payload │ payload (UTF-8 JSON)
 *
 * A reader walks the records of a file and stops at the first one that does not check out.
 * Whether that is a torn tail (dropped on recovery) or damage (refuse to start) is decided by
 * `classifyDamage`, because only the caller knows whether the file may have an unfinished
 * write at its end.
 */
import { crc32 } from 'node:zlib';

export const HEADER_BYTES = 8;
/** No legitimate record comes near this; a larger length is a garbled header. */
export const MAX_RECORD_BYTES = 1 << 30;

export function encodeRecord(payload: string): Buffer {
  const length = Buffer.byteLength(payload);
  const record = Buffer.allocUnsafe(HEADER_BYTES + length);
  record.write(payload, HEADER_BYTES, 'utf8');
  const body = record.subarray(HEADER_BYTES);
  record.writeUInt32LE(length, 0);
  record.writeUInt32LE(crc32(body), 4);
  return record;
}

export interface ScannedRecord {
  offset: number;
  payload: Buffer;
}

export interface ScanDamage {
  /** Offset of the first record that does not check out. */
  offset: number;
  reason: string;
  /** True when the bad record reaches the end of the file (or its header does not fit). */
  reachesEnd: boolean;
  /** True when every byte from `offset` to the end of the file is zero (a zero-filled tail). */
  allZero: boolean;
}

export interface ScanResult {
  records: ScannedRecord[];
  /** Bytes covered by valid records: the length the file has once damage is cut away. */
  validBytes: number;
  damage?: ScanDamage;
}

export function scanRecords(data: Buffer): ScanResult {
  const records: ScannedRecord[] = [];
  let offset = 0;
  while (offset < data.length) {
    const problem = checkRecordAt(data, offset);
    if (problem !== undefined) {
      return { records, validBytes: offset, damage: { offset, ...problem, allZero: isAllZero(data, offset) } };
    }
    const length = data.readUInt32LE(offset);
    records.push({ offset, payload: data.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length) });
    offset += HEADER_BYTES + length;
  }
  return { records, validBytes: offset };
}

function checkRecordAt(data: Buffer, offset: number): { reason: string; reachesEnd: boolean } | undefined {
  const left = data.length - offset;
  if (left < HEADER_BYTES) return { reason: `a ${left}-byte fragment of a record header`, reachesEnd: true };
  const length = data.readUInt32LE(offset);
  if (length === 0) return { reason: 'a record of length zero', reachesEnd: left === HEADER_BYTES };
  if (length > MAX_RECORD_BYTES) return { reason: `an implausible record length ${length}`, reachesEnd: true };
  if (HEADER_BYTES + length > left) {
    return { reason: `a record of ${length} bytes cut short after ${left - HEADER_BYTES}`, reachesEnd: true };
  }
  const body = data.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length);
  if (crc32(body) !== data.readUInt32LE(offset + 4)) {
    return { reason: `a ${length}-byte record whose checksum does not match`, reachesEnd: HEADER_BYTES + length === left };
  }
  return undefined;
}

function isAllZero(data: Buffer, from: number): boolean {
  for (let i = from; i < data.length; i++) if (data[i] !== 0) return false;
  return true;
}

/**
 * A log segment is written one batch record at a time, each fsync'd before the next is
 * written, so only the last record of the last segment can be unfinished by a crash. Damage
 * there (a short or garbled final record, or a zero-filled tail from a file size that reached
 * the disk before its data) is a torn tail; anything else is corruption.
 */
export function isTornTail(damage: ScanDamage, isLastSegment: boolean): boolean {
  return isLastSegment && (damage.reachesEnd || damage.allZero);
}
