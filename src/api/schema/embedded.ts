/**
 * Checks on x-kubernetes-embedded-resource values below the root (apiextensions-apiserver
 * schema/objectmeta/validation.go): apiVersion and kind are required strings, kind looks
 * like a DNS-1035 label in mixed case, and metadata is valid ObjectMeta whose names only
 * need to be path segments (the embedded object is not stored as such).
 */
import { fieldErr, type FieldError } from '../field-error.ts';
import type { ObjectMeta } from '../object.ts';
import type { JSONSchemaProps } from '../schema-types.ts';
import { objectMetaDecodeError } from '../meta/decode-meta.ts';
import { isDns1035Label, nameIsPathSegment } from '../meta/names.ts';
import { validateObjectMeta } from '../meta/validate-meta.ts';
import { hasOwn, isPlainObject } from './schema-props.ts';

const child = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

function validateEmbeddedResource(path: string, x: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  if (!hasOwn(x, 'apiVersion')) errs.push(fieldErr.required(child(path, 'apiVersion'), 'must not be empty'));
  if (!hasOwn(x, 'kind')) errs.push(fieldErr.required(child(path, 'kind'), 'must not be empty'));
  for (const [k, v] of Object.entries(x)) {
    if (k === 'apiVersion') {
      const at = child(path, k);
      if (typeof v !== 'string') errs.push(fieldErr.invalid(at, v, 'must be a string'));
      else if (v === '') errs.push(fieldErr.invalid(at, v, 'must not be empty'));
      else if (v !== '/' && v.split('/').length > 2) errs.push(fieldErr.invalid(at, v, `unexpected GroupVersion string: ${v}`));
    } else if (k === 'kind') {
      const at = child(path, k);
      if (typeof v !== 'string') errs.push(fieldErr.invalid(at, v, 'must be a string'));
      else if (v === '') errs.push(fieldErr.invalid(at, v, 'must not be empty'));
      else {
        const problems = isDns1035Label(v.toLowerCase());
        if (problems.length > 0) errs.push(fieldErr.invalid(at, v, `may have mixed case, but should otherwise match: ${problems.join(',')}`));
      }
    } else if (k === 'metadata') {
      const at = child(path, k);
      const decodeError = objectMetaDecodeError(v);
      if (decodeError) {
        errs.push(fieldErr.invalid(at, v, decodeError));
      } else {
        // An embedded object needs no name; the apiserver validates it as if it had one.
        const meta: ObjectMeta = { ...((isPlainObject(v) ? v : {}) as ObjectMeta) };
        if (!meta.name) meta.name = 'fakename';
        errs.push(...validateObjectMeta(meta, { namespaced: !!meta.namespace, validateName: nameIsPathSegment }, at));
      }
    }
  }
  return errs;
}

function walk(path: string, x: unknown, s: JSONSchemaProps | undefined, out: FieldError[]): void {
  if (!s) return;
  if (isPlainObject(x)) {
    if (s['x-kubernetes-embedded-resource']) out.push(...validateEmbeddedResource(path, x));
    for (const [k, v] of Object.entries(x)) {
      const prop = s.properties?.[k];
      if (prop) walk(child(path, k), v, prop, out);
      else if (typeof s.additionalProperties === 'object') walk(`${path}[${k}]`, v, s.additionalProperties, out);
    }
  } else if (Array.isArray(x)) {
    x.forEach((item, i) => walk(`${path}[${i}]`, item, s.items, out));
  }
}

/** Problems in the embedded resources of `obj` (its own metadata is validated by validateObjectMeta). */
export function validateEmbeddedResources(obj: unknown, schema: JSONSchemaProps): FieldError[] {
  const out: FieldError[] = [];
  walk('', obj, schema, out);
  return out;
}
