/**
 * The structural-schema rules apiextensions.k8s.io/v1 enforces on every CRD version schema
 * (apiextensions-apiserver pkg/apiserver/schema/validation.go ValidateStructural, plus the
 * keyword checks of ValidateCustomResourceDefinitionOpenAPISchema): every field has a type,
 * arrays have items, logical junctors (anyOf/allOf/oneOf/not) carry no types or defaults,
 * metadata at the root restricts only name and generateName. Messages and paths match, e.g.
 * `spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not
 * be empty for specified object fields`.
 */
import { fieldErr, formatFieldError, type FieldError } from '../../field-error.ts';
import { arr, isNil, isObj, obj, str, type Obj } from '../util/obj.ts';

type Level = 'root' | 'item' | 'field';

const UNSUPPORTED = ['$ref', '$schema', 'id', 'definitions', 'dependencies', 'patternProperties', 'additionalItems'];
const LIST_TYPES = ['atomic', 'set', 'map'];

function isIntOrStringPair(list: unknown): boolean {
  const items = arr(list).map(obj);
  return items.length === 2 && items.every((i) => Object.keys(i).length === 1)
    && str(items[0]!.type) === 'integer' && str(items[1]!.type) === 'string';
}

/** Checks inside anyOf/allOf/oneOf/not: only value validations are allowed there. */
function nested(v: Obj, skipAnyOf: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!skipAnyOf) arr(v.anyOf).forEach((s, i) => errs.push(...nested(obj(s), false, `${path}.anyOf[${i}]`)));
  arr(v.allOf).forEach((s, i) => errs.push(...nested(obj(s), false, `${path}.allOf[${i}]`)));
  arr(v.oneOf).forEach((s, i) => errs.push(...nested(obj(s), false, `${path}.oneOf[${i}]`)));
  if (isObj(v.not)) errs.push(...nested(v.not, false, `${path}.not`));
  if (isObj(v.items)) errs.push(...nested(v.items, false, `${path}.items`));
  for (const [k, p] of Object.entries(obj(v.properties))) errs.push(...nested(obj(p), false, `${path}.properties[${k}]`));
  const forbid = (key: string, what: string): void => {
    errs.push(fieldErr.forbidden(`${path}.${key}`, `must be ${what} to be structural`));
  };
  if (str(v.type) !== '') forbid('type', 'empty');
  if (!isNil(v.additionalProperties)) forbid('additionalProperties', 'undefined');
  if (v.default !== undefined) forbid('default', 'undefined');
  if (str(v.title) !== '') forbid('title', 'empty');
  if (str(v.description) !== '') forbid('description', 'empty');
  if (v.nullable === true) forbid('nullable', 'false');
  if (v['x-kubernetes-preserve-unknown-fields'] === true) forbid('x-kubernetes-preserve-unknown-fields', 'false');
  if (v['x-kubernetes-embedded-resource'] === true) forbid('x-kubernetes-embedded-resource', 'false');
  if (v['x-kubernetes-int-or-string'] === true) forbid('x-kubernetes-int-or-string', 'false');
  if (arr(v['x-kubernetes-list-map-keys']).length > 0) forbid('x-kubernetes-list-map-keys', 'empty');
  if (!isNil(v['x-kubernetes-list-type'])) forbid('x-kubernetes-list-type', 'undefined');
  if ('metadata' in obj(v.properties)) errs.push(fieldErr.forbidden(`${path}.properties[metadata]`, 'must not be specified in a nested context'));
  return errs;
}

/** Structural invariants (validateStructuralInvariants); the caller sorts the result like Go. */
function invariants(s: Obj, level: Level, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(s.type);
  if (type === 'array' && !isObj(s.items)) errs.push(fieldErr.required(`${path}.items`, 'must be specified'));
  if (isObj(s.items)) errs.push(...invariants(s.items, 'item', `${path}.items`));
  for (const [k, p] of Object.entries(obj(s.properties))) errs.push(...invariants(obj(p), 'field', `${path}.properties[${k}]`));
  if (!isNil(s.additionalProperties)) {
    if (level === 'root') errs.push(fieldErr.forbidden(`${path}.additionalProperties`, 'must not be used at the root'));
    if (isObj(s.additionalProperties)) errs.push(...invariants(s.additionalProperties, 'field', `${path}.additionalProperties`));
  }
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (intOrString && preserve) errs.push(fieldErr.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, true, 'must be false if x-kubernetes-int-or-string is true'));
  if (intOrString && embedded) errs.push(fieldErr.invalid(`${path}.x-kubernetes-embedded-resource`, true, 'must be false if x-kubernetes-int-or-string is true'));
  const skipAnyOf = isIntOrStringPair(s.anyOf);
  const skipFirstAllOf = isIntOrStringPair(obj(arr(s.allOf)[0]).anyOf);
  if (!skipAnyOf) arr(s.anyOf).forEach((v, i) => errs.push(...nested(obj(v), false, `${path}.anyOf[${i}]`)));
  arr(s.allOf).forEach((v, i) => errs.push(...nested(obj(v), skipFirstAllOf && i === 0, `${path}.allOf[${i}]`)));
  arr(s.oneOf).forEach((v, i) => errs.push(...nested(obj(v), false, `${path}.oneOf[${i}]`)));
  if (isObj(s.not)) errs.push(...nested(s.not, false, `${path}.not`));
  if (embedded && type !== 'object') {
    errs.push(type === '' ? fieldErr.required(`${path}.type`, 'must be object if x-kubernetes-embedded-resource is true') : fieldErr.invalid(`${path}.type`, type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (type === '' && !intOrString && !preserve) {
    const detail = level === 'root' ? 'must not be empty at the root' : level === 'item' ? 'must not be empty for specified array items' : 'must not be empty for specified object fields';
    errs.push(fieldErr.required(`${path}.type`, detail));
  }
  if (embedded && !isNil(s.additionalProperties)) errs.push(fieldErr.forbidden(`${path}.additionalProperties`, 'must not be used if x-kubernetes-embedded-resource is set'));
  if (level === 'root' && type !== '' && type !== 'object') errs.push(fieldErr.invalid(`${path}.type`, type, 'must be object at the root'));
  const props = obj(s.properties);
  if (level === 'root' || embedded) {
    for (const key of ['kind', 'apiVersion']) {
      if (key in props && str(obj(props[key]).type) !== 'string') errs.push(fieldErr.invalid(`${path}.properties[${key}].type`, str(obj(props[key]).type), 'must be string'));
    }
    if ('metadata' in props && str(obj(props.metadata).type) !== 'object') errs.push(fieldErr.invalid(`${path}.properties[metadata].type`, str(obj(props.metadata).type), 'must be object'));
  }
  if (level === 'root' && isObj(props.metadata)) {
    // Only name and generateName may be restricted; descriptions are tolerated here.
    const { type: _t, properties, description: _d, title: _ti, default: _def, ...rest } = props.metadata;
    const extra = Object.keys(obj(properties)).filter((k) => k !== 'name' && k !== 'generateName');
    if (extra.length > 0 || Object.keys(rest).length > 0) {
      errs.push(fieldErr.forbidden(`${path}.properties[metadata]`, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
    }
  }
  if (embedded && !preserve && Object.keys(props).length === 0) {
    errs.push(fieldErr.required(`${path}.properties`, 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  return errs;
}

/** Keyword checks that do not depend on structure (run over the whole tree, in walk order). */
function keywords(s: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of UNSUPPORTED) if (!isNil(s[key])) errs.push(fieldErr.forbidden(`${path}.${key}`, `${key} is not supported`));
  if (s.uniqueItems === true) errs.push(fieldErr.forbidden(`${path}.uniqueItems`, 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  if (isObj(s.additionalProperties) && Object.keys(obj(s.properties)).length > 0) {
    errs.push(fieldErr.forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  }
  const listType = s['x-kubernetes-list-type'];
  if (!isNil(listType)) {
    if (!LIST_TYPES.includes(str(listType))) errs.push(fieldErr.notSupported(`${path}.x-kubernetes-list-type`, listType, LIST_TYPES));
    else if (str(s.type) !== 'array') errs.push(fieldErr.invalid(`${path}.type`, str(s.type), 'must be array if x-kubernetes-list-type is specified'));
  }
  const mapKeys = arr(s['x-kubernetes-list-map-keys']);
  if (listType === 'map' && mapKeys.length === 0) errs.push(fieldErr.required(`${path}.x-kubernetes-list-map-keys`, 'must not be empty if x-kubernetes-list-type is map'));
  if (mapKeys.length > 0 && listType !== 'map') errs.push(fieldErr.forbidden(`${path}.x-kubernetes-list-map-keys`, 'must not be set if x-kubernetes-list-type is not map'));
  const children: Array<[unknown, string]> = [[s.items, `${path}.items`], [s.not, `${path}.not`]];
  if (isObj(s.additionalProperties)) children.push([s.additionalProperties, `${path}.additionalProperties`]);
  for (const [k, p] of Object.entries(obj(s.properties))) children.push([p, `${path}.properties[${k}]`]);
  for (const key of ['anyOf', 'allOf', 'oneOf']) arr(s[key]).forEach((p, i) => children.push([p, `${path}.${key}[${i}]`]));
  for (const [child, at] of children) if (isObj(child)) errs.push(...keywords(child, at));
  return errs;
}

/** All problems of one version's `openAPIV3Schema` at `path`. */
export function validateCrdSchema(schema: Obj, path: string): FieldError[] {
  const structural = invariants(schema, 'root', path);
  // ValidateStructural sorts its errors (they come from map iteration in Go).
  structural.sort((a, b) => (formatFieldError(a) < formatFieldError(b) ? -1 : formatFieldError(a) > formatFieldError(b) ? 1 : 0));
  return [...keywords(schema, path), ...structural];
}
