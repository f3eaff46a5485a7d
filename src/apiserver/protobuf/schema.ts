/**
 * Field tables for the protobuf decoder, written in a compact notation so that each message
 * reads like its Go struct. One string per field, in the Go struct's (= JSON's) order:
 *
 *   '<number> <jsonName> <type>'     a field
 *   '<number> ...<Message>'          an embedded struct whose fields Go's JSON inlines
 *                                    (e.g. Probe's ProbeHandler, ConfigMapKeySelector's
 *                                    LocalObjectReference, Volume's VolumeSource)
 *   '<number> <jsonName> -'          a field skiff does not decode: a request that sets it
 *                                    is refused by name instead of being silently dropped
 *
 * `<type>` is a scalar (string, bytes, bool, int32, int64), a special type (Time, IntOrString,
 * Quantity, FieldsV1), or a message name, decorated as the Go field is declared:
 *
 *   *T          a pointer (`*int32`, `*bool`, `*Probe`): present in JSON iff present on the wire
 *   T[]         a slice
 *   map<string,T>
 *   trailing !  the JSON tag lacks `omitempty`: zero scalars are written, and empty slices,
 *               maps and nil pointers are written as `null`
 *
 * Numbers and wire types come from Kubernetes' generated.proto files; pointer-ness and
 * `omitempty` from the Go types (k8s.io/api v0.32). Non-pointer structs are always written
 * (Go's `omitempty` does not apply to structs), which is why `"resources": {}` and
 * `"creationTimestamp": null` appear in what kubectl would have sent as JSON.
 */

export const SCALAR_TYPES = ['string', 'bytes', 'bool', 'int32', 'int64'] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

export const SPECIAL_TYPES = ['Time', 'IntOrString', 'Quantity', 'FieldsV1'] as const;
export type SpecialType = (typeof SPECIAL_TYPES)[number];

export interface FieldSpec {
  no: number;
  /** JSON name; empty for an inlined struct. */
  name: string;
  /** Scalar, special or message name; for a map, the value type. */
  type: string;
  repeated: boolean;
  map: boolean;
  pointer: boolean;
  omitEmpty: boolean;
  inline: boolean;
  /** Known to Kubernetes but not decoded by skiff. */
  unsupported: boolean;
}

export interface MessageSpec {
  name: string;
  /** In declaration (JSON) order. */
  fields: readonly FieldSpec[];
  byNumber: ReadonlyMap<number, FieldSpec>;
}

export type MessageTables = Readonly<Record<string, readonly string[]>>;
export type Schema = ReadonlyMap<string, MessageSpec>;

const FIELD = /^(\d+) (\w+) (\*?)(?:map<string,(\w+)>|(\w+))(\[\])?(!?)$/;
const INLINE = /^(\d+) \.\.\.(\w+)$/;
const UNSUPPORTED = /^(\d+) (\w+) -$/;

export function isScalar(type: string): type is ScalarType {
  return (SCALAR_TYPES as readonly string[]).includes(type);
}

export function isSpecial(type: string): type is SpecialType {
  return (SPECIAL_TYPES as readonly string[]).includes(type);
}

export function parseFieldSpec(text: string): FieldSpec {
  const base = { repeated: false, map: false, pointer: false, omitEmpty: true, inline: false, unsupported: false };
  let m = INLINE.exec(text);
  if (m) return { ...base, no: Number(m[1]), name: '', type: m[2] as string, inline: true };
  m = UNSUPPORTED.exec(text);
  if (m) return { ...base, no: Number(m[1]), name: m[2] as string, type: '', unsupported: true };
  m = FIELD.exec(text);
  if (!m) throw new Error(`protobuf schema: cannot parse field "${text}"`);
  const isMap = m[4] !== undefined;
  return {
    ...base,
    no: Number(m[1]),
    name: m[2] as string,
    type: (m[4] ?? m[5]) as string,
    pointer: m[3] === '*',
    map: isMap,
    repeated: m[6] === '[]',
    omitEmpty: m[7] !== '!',
  };
}

/**
 * Compiles tables into a schema, checking that every referenced message exists and that
 * no field number repeats: a typo in a table fails at startup, not on a user's request.
 */
export function compileSchema(...tables: MessageTables[]): Schema {
  const schema = new Map<string, MessageSpec>();
  for (const table of tables) {
    for (const [name, lines] of Object.entries(table)) {
      if (schema.has(name)) throw new Error(`protobuf schema: message ${name} is defined twice`);
      const fields = lines.map(parseFieldSpec);
      const byNumber = new Map<number, FieldSpec>();
      for (const f of fields) {
        if (byNumber.has(f.no)) throw new Error(`protobuf schema: ${name} uses field number ${f.no} twice`);
        byNumber.set(f.no, f);
      }
      schema.set(name, { name, fields, byNumber });
    }
  }
  for (const msg of schema.values()) {
    for (const f of msg.fields) {
      if (f.unsupported || isScalar(f.type) || isSpecial(f.type)) continue;
      if (!schema.has(f.type)) throw new Error(`protobuf schema: ${msg.name}.${f.name || f.type} refers to unknown message ${f.type}`);
    }
  }
  return schema;
}
