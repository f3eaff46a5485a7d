/**
 * Value validation of a JSON value against a structural schema, following kube-openapi's
 * SchemaValidator as apiextensions-apiserver runs it on custom resources: at every node the
 * type, composition (allOf/anyOf/oneOf/not), string, format, number, array, enum and object
 * checks run in that order, each only for the kinds of value it applies to, and every error
 * is collected. Messages and field paths are Kubernetes' (see openapi-errors.ts).
 */
import type { FieldError } from '../field-error.ts';
import type { JSONSchemaProps } from '../schema-types.ts';
import { checkFormat } from './formats.ts';
import { goFloat, goQuote, isGoInt, jsonTypeName } from './go-format.ts';
import { compileGoPattern } from './go-regexp.ts';
import { OpenApiErrors } from './openapi-errors.ts';
import { additionalPropertiesSchema, hasOwn, isPlainObject, schemaTypes } from './schema-props.ts';
import { jsonEqual } from '../../util/json-equal.ts';

/** Formats apiextensions keeps; any other format is stripped before validation. */
function supportedFormat(s: JSONSchemaProps): string | undefined {
  return s.format !== undefined && checkFormat(s.format, '') !== undefined ? s.format : undefined;
}

/** kube-openapi's format name for a value's Go type (int64/float64), used in format type errors. */
function goFormatOf(value: unknown): string {
  if (typeof value === 'number') return isGoInt(value) ? 'int64' : 'float64';
  return '';
}

function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

class Walker {
  constructor(private readonly out: OpenApiErrors) {}

  node(value: unknown, s: JSONSchemaProps, path: string): void {
    if (value === null || value === undefined) {
      this.type(null, s, path);
      this.enumeration(null, s, path);
      return;
    }
    this.type(value, s, path);
    this.composition(value, s, path);
    if (typeof value === 'string') {
      this.string(value, s, path);
      this.format(value, s, path);
    }
    if (typeof value === 'number') this.number(value, s, path);
    if (Array.isArray(value)) this.array(value, s, path);
    this.enumeration(value, s, path);
    if (isPlainObject(value)) this.object(value, s, path);
  }

  private type(value: unknown, s: JSONSchemaProps, path: string): void {
    const types = schemaTypes(s);
    const format = supportedFormat(s);
    if (types.length === 0 && format === undefined) return;
    if (value === null) {
      if (types.length > 0 && !s.nullable) this.out.invalidType(path, types.join(','), 'null');
      return;
    }
    const observed = jsonTypeName(value);
    const numeric = types.includes('number') || types.includes('integer');
    const accepted = types.includes(observed) || (observed === 'integer' && types.includes('number'));
    const stringOrArray = observed === 'string' || observed === 'array';
    if (!stringOrArray && format !== undefined && !accepted && goFormatOf(value) !== format) {
      this.out.invalidType(path, format, goFormatOf(value));
      return;
    }
    // A formatted string schema accepts strings and arrays here; the format check follows.
    if (!numeric && format !== undefined && stringOrArray) return;
    if (!accepted) this.out.invalidType(path, types.join(','), observed);
  }

  private composition(value: unknown, s: JSONSchemaProps, path: string): void {
    if (s.anyOf?.length) {
      const tries = s.anyOf.map((alt) => this.attempt(value, alt, path));
      const success = tries.find((t) => t.count === 0);
      if (!success) {
        this.out.composite(`${goQuote(path)} must validate at least one schema (anyOf)`);
        this.out.merge(fewestErrors(tries));
      }
    }
    if (s.oneOf?.length) {
      const tries = s.oneOf.map((alt) => this.attempt(value, alt, path));
      const valid = tries.filter((t) => t.count === 0).length;
      if (valid !== 1) {
        const detail = valid === 0 ? 'Found none valid' : `Found ${valid} valid alternatives`;
        this.out.composite(`${goQuote(path)} must validate one and only one schema (oneOf). ${detail}`);
        if (valid === 0) this.out.merge(fewestErrors(tries));
      }
    }
    if (s.allOf?.length) {
      const tries = s.allOf.map((alt) => this.attempt(value, alt, path));
      tries.forEach((t) => this.out.merge(t));
      const valid = tries.filter((t) => t.count === 0).length;
      if (valid !== tries.length) {
        this.out.composite(`${goQuote(path)} must validate all the schemas (allOf)${valid === 0 ? '. None validated' : ''}`);
      }
    }
    if (s.not && this.attempt(value, s.not, path).count === 0) {
      this.out.composite(`${goQuote(path)} must not validate the schema (not)`);
    }
  }

  private attempt(value: unknown, s: JSONSchemaProps, path: string): OpenApiErrors {
    const sub = this.out.fork();
    new Walker(sub).node(value, s, path);
    return sub;
  }

  /** maxLength, minLength, pattern: only the first failure is reported, as kube-openapi does. */
  private string(value: string, s: JSONSchemaProps, path: string): void {
    const runes = [...value].length;
    if (s.maxLength !== undefined && runes > s.maxLength) return this.out.tooLong(path, s.maxLength);
    if (s.minLength !== undefined && runes < s.minLength) return this.out.tooShort(path, s.minLength, value);
    if (s.pattern !== undefined) {
      const compiled = compileGoPattern(s.pattern);
      if (!compiled.regexp) return this.out.failedPattern(path, `${s.pattern}, but pattern is invalid: ${compiled.error}`, value);
      if (!compiled.regexp.test(value)) this.out.failedPattern(path, s.pattern, value);
    }
  }

  private format(value: string, s: JSONSchemaProps, path: string): void {
    const format = supportedFormat(s);
    if (format !== undefined && checkFormat(format, value) === false) this.out.invalidType(path, format, value);
  }

  /**
   * Integers (int64) are checked against bounds truncated to int64 and printed as integers;
   * other numbers against the float bounds printed with Go's %v.
   */
  private number(value: number, s: JSONSchemaProps, path: string): void {
    const int = isGoInt(value);
    if (s.multipleOf !== undefined) {
      const factor = int ? Math.trunc(s.multipleOf) : s.multipleOf;
      if (factor <= 0) this.out.multipleOfMustBePositive(path, factor);
      else if (!isMultiple(value, factor, int)) this.out.notMultipleOf(path, int ? String(factor) : goFloat(factor), value);
    }
    if (s.minimum !== undefined) {
      const bound = int ? Math.trunc(s.minimum) : s.minimum;
      const fails = s.exclusiveMinimum ? value <= bound : value < bound;
      if (fails) this.out.exceedsMinimum(path, int ? String(bound) : goFloat(bound), !!s.exclusiveMinimum, value);
    }
    if (s.maximum !== undefined) {
      const bound = int ? Math.trunc(s.maximum) : s.maximum;
      const fails = s.exclusiveMaximum ? value >= bound : value > bound;
      if (fails) this.out.exceedsMaximum(path, int ? String(bound) : goFloat(bound), !!s.exclusiveMaximum, value);
    }
  }

  private array(value: unknown[], s: JSONSchemaProps, path: string): void {
    if (s.items) value.forEach((item, i) => this.node(item, s.items!, `${path}[${i}]`));
    if (s.minItems !== undefined && value.length < s.minItems) this.out.tooFewItems(path, s.minItems, value.length);
    if (s.maxItems !== undefined && value.length > s.maxItems) this.out.tooManyItems(path, s.maxItems, value.length);
    if (s.uniqueItems && value.some((x, i) => value.slice(0, i).some((y) => jsonEqual(x, y)))) this.out.duplicateItems(path);
  }

  private enumeration(value: unknown, s: JSONSchemaProps, path: string): void {
    if (!s.enum?.length) return;
    if (value !== null && s.enum.some((allowed) => jsonEqual(value, allowed))) return;
    this.out.enumFail(path, value, s.enum);
  }

  private object(value: Record<string, unknown>, s: JSONSchemaProps, path: string): void {
    const keys = Object.keys(value);
    if (s.minProperties !== undefined && keys.length < s.minProperties) this.out.tooFewProperties(path, s.minProperties, keys.length);
    if (s.maxProperties !== undefined && keys.length > s.maxProperties) this.out.tooManyProperties(path, s.maxProperties, keys.length);
    const declared = s.properties ?? {};
    if (s.additionalProperties === false) {
      for (const key of keys) if (!hasOwn(declared, key)) this.out.propertyNotAllowed(path, key);
    } else {
      const extra = additionalPropertiesSchema(s);
      // Additional properties get `<path>.<key>`, even at the root (`.key`), as kube-openapi names them.
      if (extra) for (const key of keys) if (!hasOwn(declared, key)) this.node(value[key], extra, `${path}.${key}`);
    }
    for (const [name, prop] of Object.entries(declared)) {
      if (hasOwn(value, name)) this.node(value[name], prop, childPath(path, name));
    }
    for (const name of s.required ?? []) {
      if (!hasOwn(value, name)) this.out.required(`${path}.${name}`);
    }
  }
}

function isMultiple(value: number, factor: number, int: boolean): boolean {
  if (int) return value % factor === 0;
  const ratio = factor < 1 ? (1 / factor) * value : value / factor;
  const nearest = Math.round(ratio);
  return ratio === nearest || Math.abs(ratio - nearest) / Math.abs(ratio) < 1e-9;
}

/** kube-openapi keeps the failures of the alternative that matched best; the first with the fewest errors stands in for it. */
function fewestErrors(tries: OpenApiErrors[]): OpenApiErrors {
  return tries.reduce((best, t) => (t.count < best.count ? t : best));
}

export interface ValidateValuesOptions {
  /** Where `value` lives in the object, e.g. `status` when validating a status update alone. */
  pathPrefix?: string;
}

/** Every schema violation in `value`, in Kubernetes' wording. Does not modify `value`. */
export function validateValues(value: unknown, schema: JSONSchemaProps, options: ValidateValuesOptions = {}): FieldError[] {
  const out = new OpenApiErrors(options.pathPrefix ?? '');
  new Walker(out).node(value, schema, '');
  return out.errors;
}
