/**
 * Schema-driven protobuf → JSON decoding that yields exactly what Go's encoding/json would
 * have produced from the same Go struct, i.e. what kubectl sends when it talks JSON:
 * pointers appear iff set, `omitempty` scalars/slices/maps disappear when empty, structs
 * always appear, bytes become base64. (gogo marshallers always write non-pointer fields,
 * even empty ones, so wire presence only matters for pointers.)
 */
import { SkiffError } from '../../errors/skiff-error.ts';
import { isScalar, isSpecial, type FieldSpec, type MessageSpec, type ScalarType, type Schema } from './schema.ts';
import { decodeSpecial } from './special-types.ts';
import { malformed, readFields, readPackedVarints, WireType, type WireField } from './wire.ts';

type Json = Record<string, unknown>;

const EMPTY = Buffer.alloc(0);

function joinPath(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function unsupportedField(path: string, message: string, detail: string): SkiffError {
  return new SkiffError(
    'SKF_API_UNSUPPORTED_MEDIA_TYPE',
    `skiff cannot decode this protobuf request body: ${detail} (in ${message}${path === '' ? '' : ` at ${path}`}); ` +
      'send the object as JSON instead, e.g. `kubectl create … --dry-run=client -o yaml | kubectl apply -f -`',
  );
}

/** True when a wire value carries nothing (what gogo writes for an empty non-pointer field). */
function isZeroOnWire(f: WireField): boolean {
  if (f.wireType === WireType.Varint) return f.value === 0n;
  if (f.wireType === WireType.LengthDelimited) return f.value.length === 0;
  return f.value.every((b) => b === 0);
}

function decodeScalar(type: ScalarType, f: WireField, where: string): string | number | boolean {
  const wantsVarint = type === 'bool' || type === 'int32' || type === 'int64';
  if (wantsVarint !== (f.wireType === WireType.Varint) || (!wantsVarint && f.wireType !== WireType.LengthDelimited)) {
    throw malformed(`${where} has wire type ${f.wireType}, expected ${wantsVarint ? 'varint' : 'length-delimited'}`);
  }
  switch (type) {
    case 'string': return (f.value as Buffer).toString('utf8');
    case 'bytes': return (f.value as Buffer).toString('base64');
    case 'bool': return f.value !== 0n;
    case 'int32': return Number(BigInt.asIntN(32, f.value as bigint));
    case 'int64': return Number(BigInt.asIntN(64, f.value as bigint));
  }
}

const SCALAR_ZERO: Record<ScalarType, string | number | boolean> = { string: '', bytes: '', bool: false, int32: 0, int64: 0 };

function lengthDelimited(f: WireField, where: string): Buffer {
  if (f.wireType !== WireType.LengthDelimited) throw malformed(`${where} has wire type ${f.wireType}, expected length-delimited`);
  return f.value;
}

export class MessageDecoder {
  constructor(private readonly schema: Schema) {}

  /** Decodes one message of type `typeName`; `path` names it in error messages. */
  decode(typeName: string, buf: Buffer, path = ''): Json {
    const spec = this.message(typeName);
    const byField = new Map<FieldSpec, WireField[]>();
    for (const f of readFields(buf)) {
      const field = spec.byNumber.get(f.no);
      if (field === undefined || field.unsupported) {
        if (isZeroOnWire(f)) continue;
        const what = field === undefined ? `field number ${f.no} is not known to skiff` : `field "${field.name}" is not supported`;
        throw unsupportedField(path, spec.name, what);
      }
      const list = byField.get(field);
      if (list) list.push(f);
      else byField.set(field, [f]);
    }
    const out: Json = {};
    for (const field of spec.fields) {
      if (field.unsupported) continue;
      const occurrences = byField.get(field) ?? [];
      if (field.inline) {
        const last = occurrences.at(-1);
        Object.assign(out, this.decode(field.type, last === undefined ? EMPTY : lengthDelimited(last, field.type), path));
        continue;
      }
      const fieldPath = joinPath(path, field.name);
      const value = field.map ? this.decodeMap(field, occurrences, fieldPath)
        : field.repeated ? this.decodeRepeated(field, occurrences, fieldPath)
          : this.decodeSingular(field, occurrences.at(-1), fieldPath);
      if (value !== undefined) out[field.name] = value;
    }
    return out;
  }

  private message(typeName: string): MessageSpec {
    const spec = this.schema.get(typeName);
    if (spec === undefined) throw new Error(`protobuf schema has no message ${typeName}`);
    return spec;
  }

  /** One element's value (scalar, special or message) from its wire field. */
  private decodeValue(type: string, f: WireField, path: string): unknown {
    if (isScalar(type)) return decodeScalar(type, f, path);
    if (isSpecial(type)) return decodeSpecial(type, lengthDelimited(f, path));
    return this.decode(type, lengthDelimited(f, path), path);
  }

  /** The value Go holds for a non-pointer field that was not on the wire. */
  private zeroValue(type: string, path: string): unknown {
    if (isScalar(type)) return SCALAR_ZERO[type];
    if (isSpecial(type)) return decodeSpecial(type, EMPTY);
    return this.decode(type, EMPTY, path);
  }

  private decodeSingular(field: FieldSpec, f: WireField | undefined, path: string): unknown {
    if (field.pointer) {
      if (f === undefined) return field.omitEmpty ? undefined : null;
      return this.decodeValue(field.type, f, path);
    }
    const value = f === undefined ? this.zeroValue(field.type, path) : this.decodeValue(field.type, f, path);
    // omitempty drops zero scalars only: structs (including Time, IntOrString, Quantity) stay.
    if (field.omitEmpty && isScalar(field.type) && value === SCALAR_ZERO[field.type]) return undefined;
    return value;
  }

  private decodeRepeated(field: FieldSpec, occurrences: WireField[], path: string): unknown[] | null | undefined {
    const items: unknown[] = [];
    for (const f of occurrences) {
      const packable = field.type === 'bool' || field.type === 'int32' || field.type === 'int64';
      if (packable && f.wireType === WireType.LengthDelimited) {
        for (const v of readPackedVarints(f.value)) items.push(decodeScalar(field.type as ScalarType, { no: f.no, wireType: WireType.Varint, value: v }, path));
      } else {
        items.push(this.decodeValue(field.type, f, `${path}[${items.length}]`));
      }
    }
    if (items.length > 0) return items;
    return field.omitEmpty ? undefined : null;
  }

  /** Map entries are repeated `{1: key, 2: value}` messages; a missing value is the zero value. */
  private decodeMap(field: FieldSpec, occurrences: WireField[], path: string): Json | null | undefined {
    const out: Json = {};
    for (const entry of occurrences) {
      let key = '';
      let valueField: WireField | undefined;
      for (const f of readFields(lengthDelimited(entry, path))) {
        if (f.no === 1) key = decodeScalar('string', f, `${path} key`) as string;
        else if (f.no === 2) valueField = f;
      }
      const where = `${path}[${JSON.stringify(key)}]`;
      const value = valueField === undefined ? this.zeroValue(field.type, where) : this.decodeValue(field.type, valueField, where);
      // defineProperty, not assignment: a key such as `__proto__` must stay an ordinary key.
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
    if (Object.keys(out).length > 0) return out;
    return field.omitEmpty ? undefined : null;
  }
}
