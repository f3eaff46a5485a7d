/**
 * The apimachinery types whose JSON form is not their protobuf field list:
 * metav1.Time (RFC 3339 string or null), intstr.IntOrString (number or string),
 * resource.Quantity (its canonical string) and metav1.FieldsV1 (raw JSON).
 * Sources: apimachinery pkg/apis/meta/v1/time.go + time_proto.go, pkg/util/intstr,
 * pkg/api/resource/quantity_proto.go, pkg/apis/meta/v1/fields_proto.go.
 */
import type { SpecialType } from './schema.ts';
import { malformed, readFields, WireType, type WireField } from './wire.ts';

function varintField(fields: WireField[], no: number): bigint | undefined {
  let value: bigint | undefined;
  for (const f of fields) if (f.no === no && f.wireType === WireType.Varint) value = f.value;
  return value;
}

function bytesField(fields: WireField[], no: number): Buffer | undefined {
  let value: Buffer | undefined;
  for (const f of fields) if (f.no === no && f.wireType === WireType.LengthDelimited) value = f.value;
  return value;
}

/** Go's `time.RFC3339` in UTC, second precision: what metav1.Time marshals to. */
export function formatRfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A Time whose message is empty is Go's zero time, which metav1.Time writes as `null`
 * (Time.Marshal emits nothing for the zero time; Unmarshal of no bytes yields it back).
 */
function decodeTime(buf: Buffer): string | null {
  if (buf.length === 0) return null;
  const fields = readFields(buf);
  const seconds = Number(BigInt.asIntN(64, varintField(fields, 1) ?? 0n));
  return formatRfc3339(seconds);
}

function decodeIntOrString(buf: Buffer): number | string {
  const fields = readFields(buf);
  const type = varintField(fields, 1) ?? 0n;
  if (type === 1n) return (bytesField(fields, 3) ?? Buffer.alloc(0)).toString('utf8');
  return Number(BigInt.asIntN(32, varintField(fields, 2) ?? 0n));
}

function decodeQuantity(buf: Buffer): string {
  const text = (bytesField(readFields(buf), 1) ?? Buffer.alloc(0)).toString('utf8');
  return text === '' ? '0' : text;
}

function decodeFieldsV1(buf: Buffer): unknown {
  const raw = bytesField(readFields(buf), 1);
  if (raw === undefined || raw.length === 0) return null;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw malformed('managedFields[].fieldsV1 does not hold JSON');
  }
}

/** Decodes a special type from its message bytes (an empty buffer gives its zero value). */
export function decodeSpecial(type: SpecialType, buf: Buffer): unknown {
  switch (type) {
    case 'Time': return decodeTime(buf);
    case 'IntOrString': return decodeIntOrString(buf);
    case 'Quantity': return decodeQuantity(buf);
    case 'FieldsV1': return decodeFieldsV1(buf);
  }
}
