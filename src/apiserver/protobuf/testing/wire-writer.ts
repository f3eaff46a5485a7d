/**
 * Test-only protobuf writer: builds request bodies field by field so that tests can craft
 * exactly the bytes a Kubernetes client would send (or deliberately broken ones).
 */
function varintBytes(value: bigint): Buffer {
  let v = BigInt.asUintN(64, value);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Buffer.from(out);
}

function key(no: number, wireType: number): Buffer {
  return varintBytes(BigInt((no << 3) | wireType));
}

/** A varint field (negative numbers are sign-extended to 64 bits, as Go writes int32/int64). */
export function varint(no: number, value: number | bigint | boolean): Buffer {
  const v = typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt(value);
  return Buffer.concat([key(no, 0), varintBytes(v)]);
}

/** A length-delimited field holding a string or raw bytes. */
export function bytes(no: number, value: string | Buffer): Buffer {
  const buf = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([key(no, 2), varintBytes(BigInt(buf.length)), buf]);
}

/** An embedded message built from its already-encoded fields. */
export function message(no: number, ...fields: Buffer[]): Buffer {
  return bytes(no, Buffer.concat(fields));
}

/** A packed repeated varint field. */
export function packed(no: number, values: readonly (number | bigint)[]): Buffer {
  return bytes(no, Buffer.concat(values.map((v) => varintBytes(BigInt(v)))));
}

export function fixed32(no: number, value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return Buffer.concat([key(no, 5), b]);
}

/** One entry of a map<string,string> field. */
export function stringMapEntry(no: number, k: string, v: string): Buffer {
  return message(no, bytes(1, k), bytes(2, v));
}

/** The `k8s\0` magic plus a runtime.Unknown envelope around `raw`. */
export function kubernetesEnvelope(apiVersion: string, kind: string, raw: Buffer, extra: { contentEncoding?: string; contentType?: string } = {}): Buffer {
  return Buffer.concat([
    Buffer.from('k8s\0', 'latin1'),
    message(1, bytes(1, apiVersion), bytes(2, kind)),
    bytes(2, raw),
    bytes(3, extra.contentEncoding ?? ''),
    bytes(4, extra.contentType ?? ''),
  ]);
}
