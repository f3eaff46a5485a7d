/**
 * What kube-apiserver's JSON decoding says when a built-in object holds a value of the wrong
 * type: the Go types reject it before any validation runs, and the request fails with the
 * first error in document order (encoding/json keeps decoding but reports only the first
 * UnmarshalTypeError), e.g.
 * `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`.
 * The field path is the JSON keys from the root, without list indices or map keys; the struct
 * is the Go type that declares the field; the type is as reflect prints it (`[]v1.Container`).
 *
 * Types with their own UnmarshalJSON (IntOrString, Quantity, Time, RawExtension …) word
 * their errors themselves; they are left alone here (schema validation still reports them).
 */
import type { JSONSchemaProps } from '../../schema-types.ts';
import { builtinDefinitionOf } from './load.ts';

interface Place {
  /** The Go struct declaring the field being decoded (`DeploymentSpec`). */
  struct: string;
  /** JSON field names from the root (`spec.replicas`), kept as a chain and joined only for an error. */
  path: FieldPath | undefined;
}

interface FieldPath {
  readonly parent: FieldPath | undefined;
  readonly key: string;
}

function joinPath(path: FieldPath | undefined): string {
  const keys: string[] = [];
  for (let at = path; at; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
}

const INT_RANGES: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Definitions whose Go types decode themselves (custom UnmarshalJSON). */
const SELF_DECODING = /\.(Time|MicroTime|Duration|FieldsV1|RawExtension|JSON|JSONSchemaPropsOrArray|JSONSchemaPropsOrBool|JSONSchemaPropsOrStringArray)$/;

/** The first Go decoding error for `value` against a built-in kind's schema, or undefined. */
export function goDecodeError(value: Record<string, unknown>, schema: JSONSchemaProps, kind: string): string | undefined {
  return checkStruct(value, schema, { struct: kind, path: undefined });
}

function checkStruct(value: Record<string, unknown>, schema: JSONSchemaProps, at: Place): string | undefined {
  const properties = schema.properties ?? {};
  for (const [key, field] of Object.entries(value)) {
    const fieldSchema = properties[key];
    // Unknown fields are strict decoding's business, not a type error.
    if (fieldSchema === undefined) continue;
    const problem = check(field, fieldSchema, { struct: at.struct, path: { parent: at.path, key } });
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function check(value: unknown, schema: JSONSchemaProps, at: Place): string | undefined {
  // JSON null leaves Go's zero value in place.
  if (value === null || value === undefined) return undefined;
  const type = goType(schema);
  if (type === undefined) return undefined;
  switch (schema.type) {
    case 'string':
      return typeof value === 'string' ? undefined : mismatch(value, at, type);
    case 'boolean':
      return typeof value === 'boolean' ? undefined : mismatch(value, at, type);
    case 'number':
      return typeof value === 'number' ? undefined : mismatch(value, at, type);
    case 'integer': {
      if (typeof value !== 'number') return mismatch(value, at, type);
      const [min, max] = INT_RANGES[type] ?? INT_RANGES.int64!;
      // encoding/json names the number itself when it does not fit the integer type.
      if (!Number.isInteger(value) || value < min || value > max) return `json: cannot unmarshal number ${String(value)} into Go struct field ${at.struct}.${joinPath(at.path)} of type ${type}`;
      return undefined;
    }
    case 'array': {
      if (!Array.isArray(value)) return mismatch(value, at, type);
      for (const item of value) {
        const problem = check(item, schema.items as JSONSchemaProps, at);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return mismatch(value, at, type);
      const record = value as Record<string, unknown>;
      if (schema.properties) return checkStruct(record, schema, { struct: structName(schema) ?? at.struct, path: at.path });
      for (const entry of Object.values(record)) {
        const problem = check(entry, schema.additionalProperties as JSONSchemaProps, at);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
  }
  return undefined;
}

// A function of its own, not a closure in check(): check runs for every field of every write.
function mismatch(value: unknown, at: Place, type: string): string {
  return `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${at.struct}.${joinPath(at.path)} of type ${type}`;
}

/** Schemas are fixed once loaded: each one's Go type is worked out once (null: not modelled). */
const goTypes = new WeakMap<JSONSchemaProps, string | null>();

/** The Go type as reflect prints it, or undefined for a type this module does not model. */
function goType(schema: JSONSchemaProps): string | undefined {
  let type = goTypes.get(schema);
  if (type === undefined) goTypes.set(schema, type = goTypeOf(schema) ?? null);
  return type ?? undefined;
}

function goTypeOf(schema: JSONSchemaProps): string | undefined {
  if (schema.oneOf || schema.anyOf || schema['x-kubernetes-int-or-string'] || schema['x-kubernetes-preserve-unknown-fields']) return undefined;
  const origin = builtinDefinitionOf(schema);
  if (origin !== undefined && SELF_DECODING.test(origin)) return undefined;
  switch (schema.type) {
    case 'string':
      return schema.format === 'byte' ? '[]uint8' : 'string';
    case 'boolean':
      return 'bool';
    case 'integer':
      return schema.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return schema.format === 'float' ? 'float32' : 'float64';
    case 'array': {
      const item = isSchema(schema.items) ? goType(schema.items) : undefined;
      return item === undefined ? undefined : `[]${item}`;
    }
    case 'object': {
      if (schema.properties) {
        if (origin === undefined) return undefined;
        const segments = origin.split('.');
        return `${segments.at(-2)}.${segments.at(-1)}`;
      }
      const value = isSchema(schema.additionalProperties) ? goType(schema.additionalProperties) : undefined;
      return value === undefined ? undefined : `map[string]${value}`;
    }
  }
  return undefined;
}

const structNames = new WeakMap<JSONSchemaProps, string | null>();

function structName(schema: JSONSchemaProps): string | undefined {
  let name = structNames.get(schema);
  if (name === undefined) structNames.set(schema, name = builtinDefinitionOf(schema)?.split('.').at(-1) ?? null);
  return name ?? undefined;
}

function isSchema(value: unknown): value is JSONSchemaProps {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON kind word encoding/json uses in UnmarshalTypeError. */
function jsonKind(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  return Array.isArray(value) ? 'array' : 'object';
}
