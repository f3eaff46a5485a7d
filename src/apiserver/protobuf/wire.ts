/**
 * Protocol Buffers wire format, read side: splits one message's bytes into its fields.
 * Only what Kubernetes' gogo-generated marshallers emit is needed (varint, 64-bit,
 * length-delimited and 32-bit fields); groups are rejected as malformed.
 */
import { SkiffError } from '../../errors/skiff-error.ts';

export const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, Fixed32: 5 } as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

export type WireField =
  | { no: number; wireType: typeof WireType.Varint; value: bigint }
  | { no: number; wireType: typeof WireType.Fixed64; value: Buffer }
  | { no: number; wireType: typeof WireType.LengthDelimited; value: Buffer }
  | { no: number; wireType: typeof WireType.Fixed32; value: Buffer };

export function malformed(detail: string): SkiffError {
  return new SkiffError('SKF_API_MALFORMED_BODY', `the protobuf request body is malformed: ${detail}`);
}

/** Reads a base-128 varint at `pos`; returns the unsigned 64-bit value and the next position. */
export function readVarint(buf: Buffer, pos: number): { value: bigint; next: number } {
  let result = 0n;
  let shift = 0n;
  for (let i = pos; i < buf.length; i++) {
    const byte = buf[i] as number;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value: BigInt.asUintN(64, result), next: i + 1 };
    shift += 7n;
    if (shift >= 70n) throw malformed(`varint at offset ${pos} is longer than 10 bytes`);
  }
  throw malformed(`varint at offset ${pos} runs past the end of the message`);
}

/** Every field of one message, in wire order (repeated fields appear once per element). */
export function readFields(buf: Buffer): WireField[] {
  const fields: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const key = readVarint(buf, pos);
    pos = key.next;
    const no = Number(key.value >> 3n);
    const wireType = Number(key.value & 7n);
    if (no === 0) throw malformed('field number 0 is not allowed');
    switch (wireType) {
      case WireType.Varint: {
        const v = readVarint(buf, pos);
        fields.push({ no, wireType, value: v.value });
        pos = v.next;
        break;
      }
      case WireType.LengthDelimited: {
        const len = readVarint(buf, pos);
        const start = len.next;
        const end = start + Number(len.value);
        if (len.value > BigInt(buf.length) || end > buf.length) throw malformed(`field ${no} claims ${len.value} bytes but only ${buf.length - start} remain`);
        fields.push({ no, wireType, value: buf.subarray(start, end) });
        pos = end;
        break;
      }
      case WireType.Fixed64:
      case WireType.Fixed32: {
        const size = wireType === WireType.Fixed64 ? 8 : 4;
        if (pos + size > buf.length) throw malformed(`fixed-width field ${no} runs past the end of the message`);
        fields.push({ no, wireType, value: buf.subarray(pos, pos + size) });
        pos += size;
        break;
      }
      default:
        throw malformed(`field ${no} has unsupported wire type ${wireType}`);
    }
  }
  return fields;
}

/** Splits a packed repeated varint payload into its elements. */
export function readPackedVarints(buf: Buffer): bigint[] {
  const out: bigint[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const v = readVarint(buf, pos);
    out.push(v.value);
    pos = v.next;
  }
  return out;
}
