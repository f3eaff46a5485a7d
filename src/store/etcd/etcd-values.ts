/**
 * Key ranges and value decoding between the Store contract and etcd's byte strings.
 * Keys go to etcd exactly as given (UTF-8); values are JSON.
 */
import type { IKeyValue } from 'etcd3';
import type { KubeObject } from '../../api/object.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import type { StoredValue } from '../types.ts';

/** etcd's range end for "every key starting with prefix" (`\0` = to the end of the key space). */
export function prefixRangeEnd(prefix: string): Buffer {
  const bytes = Buffer.from(prefix);
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i]! < 0xff) {
      const end = Buffer.from(bytes.subarray(0, i + 1));
      end[i] = bytes[i]! + 1;
      return end;
    }
  }
  return Buffer.from([0]);
}

/** The first key a page should read: the prefix itself, or the key just after startAfter. */
export function pageStart(prefix: string, startAfter: string | undefined): Buffer {
  if (startAfter !== undefined && Buffer.compare(Buffer.from(startAfter), Buffer.from(prefix)) >= 0) {
    return Buffer.concat([Buffer.from(startAfter), Buffer.from([0])]);
  }
  return Buffer.from(prefix);
}

export function decodeValue(bytes: Buffer, key: string): KubeObject {
  try {
    return JSON.parse(bytes.toString('utf8')) as KubeObject;
  } catch (error) {
    // Only something other than skiff writes non-JSON under our keys.
    throw new SkiffError('SKF_STORE_CORRUPT', `The etcd value of ${key} is not JSON (${(error as Error).message}); was it written by another program?`, {
      details: { key },
    });
  }
}

export function encodeValue(value: KubeObject): Buffer {
  return Buffer.from(JSON.stringify(value));
}

export function toStoredValue(kv: IKeyValue): StoredValue {
  const key = kv.key.toString('utf8');
  return {
    key,
    value: decodeValue(kv.value, key),
    modRevision: Number(kv.mod_revision),
    createRevision: Number(kv.create_revision),
  };
}
