/**
 * CustomResourceDefinition validation (apiextensions validation.go for v1): the name is
 * `<plural>.<group>`, exactly one storage version, valid names, a structural schema per
 * version, well-formed subresources, printer columns, selectable fields and conversion.
 * Field paths follow the internal type as upstream reports them (`spec.conversion.webhookClientConfig`).
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import { isDNS1035Label, isDNS1123Subdomain } from '../util/names.ts';
import { isNil, isObj, obj, objs, str, strMap, strs, type Obj } from '../util/obj.ts';
import { validateCrdSchema } from './crd-structural.ts';

const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const REVIEW_VERSIONS = ['v1', 'v1beta1'];
const MAX_SELECTABLE_FIELDS = 8;
const APPROVAL_ANNOTATION = 'api-approved.kubernetes.io';

function dns1035(value: string, path: string, prefix = ''): FieldError[] {
  const errs = isDNS1035Label(value);
  return errs.length ? [fieldErr.invalid(path, value, prefix + errs.join(','))] : [];
}

function validateNames(names: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const plural = str(names.plural);
  const singular = str(names.singular);
  const kind = str(names.kind);
  const listKind = str(names.listKind);
  if (plural) errs.push(...dns1035(plural, `${path}.plural`));
  if (singular) errs.push(...dns1035(singular, `${path}.singular`));
  if (kind && isDNS1035Label(kind.toLowerCase()).length) errs.push(fieldErr.invalid(`${path}.kind`, kind, `may have mixed case, but should otherwise match: ${isDNS1035Label(kind.toLowerCase()).join(',')}`));
  if (listKind && isDNS1035Label(listKind.toLowerCase()).length) errs.push(fieldErr.invalid(`${path}.listKind`, listKind, `may have mixed case, but should otherwise match: ${isDNS1035Label(listKind.toLowerCase()).join(',')}`));
  strs(names.shortNames).forEach((s, i) => errs.push(...dns1035(s, `${path}.shortNames[${i}]`)));
  if (kind && kind === listKind) errs.push(fieldErr.invalid(`${path}.listKind`, listKind, 'kind and listKind may not be the same'));
  strs(names.categories).forEach((c, i) => errs.push(...dns1035(c, `${path}.categories[${i}]`)));
  return errs;
}

/** validateSimpleJSONPath: a dot-notation path starting with '.'. */
function simpleJSONPath(s: string, path: string): FieldError[] {
  if (s === '') return [fieldErr.invalid(path, s, 'must not be empty')];
  if (!s.startsWith('.')) return [fieldErr.invalid(path, s, 'must be a simple json path starting with .')];
  return [];
}

function validateSubresources(sub: unknown, path: string): FieldError[] {
  const scale = obj(sub).scale;
  if (!isObj(scale)) return [];
  const errs: FieldError[] = [];
  const check = (key: string, prefixes: readonly string[], message: string): void => {
    const value = str(scale[key]);
    const at = `${path}.scale.${key}`;
    if (value === '') {
      if (key !== 'labelSelectorPath') errs.push(fieldErr.required(at));
      return;
    }
    const simple = simpleJSONPath(value, at);
    if (simple.length) errs.push(...simple);
    else if (!prefixes.some((p) => value.startsWith(p))) errs.push(fieldErr.invalid(at, value, message));
  };
  check('specReplicasPath', ['.spec.'], 'should be a json path under .spec');
  check('statusReplicasPath', ['.status.'], 'should be a json path under .status');
  check('labelSelectorPath', ['.spec.', '.status.'], 'should be a json path under either .spec or .status');
  return errs;
}

function validateColumn(col: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (str(col.name) === '') errs.push(fieldErr.required(`${path}.name`));
  const type = str(col.type);
  if (type === '') errs.push(fieldErr.required(`${path}.type`, `must be one of ${COLUMN_TYPES.join(',')}`));
  else if (!COLUMN_TYPES.includes(type)) errs.push(fieldErr.invalid(`${path}.type`, type, `must be one of ${COLUMN_TYPES.join(',')}`));
  const format = str(col.format);
  if (format !== '' && !COLUMN_FORMATS.includes(format)) errs.push(fieldErr.invalid(`${path}.format`, format, `must be one of ${COLUMN_FORMATS.join(',')}`));
  const jsonPath = str(col.jsonPath);
  if (jsonPath === '') errs.push(fieldErr.required(`${path}.jsonPath`));
  else errs.push(...simpleJSONPath(jsonPath, `${path}.jsonPath`));
  return errs;
}

/** Follows a selectable field's `.a.b` path through the schema's properties. */
function schemaAt(schema: Obj, jsonPath: string): Obj | undefined {
  let cur: Obj | undefined = schema;
  for (const part of jsonPath.slice(1).split('.')) {
    cur = isObj(obj(cur?.properties)[part]) ? obj(obj(cur?.properties)[part]) : undefined;
    if (!cur) return undefined;
  }
  return cur;
}

function validateSelectableFields(fields: unknown, schema: Obj | undefined, path: string): FieldError[] {
  const list = objs(fields);
  if (list.length === 0) return [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list.forEach((f, i) => {
    const at = `${path}[${i}].jsonPath`;
    const jsonPath = str(f.jsonPath);
    if (jsonPath === '') {
      errs.push(fieldErr.required(at));
      return;
    }
    const target = schema && jsonPath.startsWith('.') ? schemaAt(schema, jsonPath) : undefined;
    if (!target) {
      errs.push(fieldErr.invalid(at, jsonPath, `is an invalid path: does not refer to a valid field`));
      return;
    }
    if (jsonPath.startsWith('.metadata.') || jsonPath === '.metadata') errs.push(fieldErr.invalid(at, jsonPath, 'must not point to fields in metadata'));
    if (!['string', 'boolean', 'integer'].includes(str(target.type))) {
      errs.push(fieldErr.invalid(at, jsonPath, 'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'));
    }
    if (seen.has(jsonPath)) errs.push(fieldErr.duplicate(at, jsonPath));
    seen.add(jsonPath);
  });
  if (seen.size > MAX_SELECTABLE_FIELDS) errs.push({ type: 'FieldValueTooMany', field: path, value: seen.size, detail: `must have at most ${MAX_SELECTABLE_FIELDS} items` });
  return errs;
}

function validateVersion(v: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const schema = obj(v.schema).openAPIV3Schema;
  if (!isObj(schema)) errs.push(fieldErr.required(`${path}.schema.openAPIV3Schema`, 'schemas are required'));
  else errs.push(...validateCrdSchema(schema, `${path}.schema.openAPIV3Schema`));
  errs.push(...validateSubresources(v.subresources, `${path}.subresources`));
  objs(v.additionalPrinterColumns).forEach((c, i) => errs.push(...validateColumn(c, `${path}.additionalPrinterColumns[${i}]`)));
  errs.push(...validateSelectableFields(v.selectableFields, isObj(schema) ? schema : undefined, `${path}.selectableFields`));
  const warning = v.deprecationWarning;
  if (typeof warning === 'string' && Buffer.byteLength(warning) > 256) errs.push({ type: 'FieldValueTooLong', field: `${path}.deprecationWarning`, detail: 'may not be more than 256 bytes' });
  return errs;
}

function validateConversion(conversion: unknown, path: string): FieldError[] {
  if (isNil(conversion)) return [];
  const c = obj(conversion);
  const strategy = str(c.strategy);
  const errs: FieldError[] = [];
  if (strategy === '') errs.push(fieldErr.required(`${path}.strategy`));
  else if (strategy !== 'None' && strategy !== 'Webhook') errs.push(fieldErr.notSupported(`${path}.strategy`, strategy, ['None', 'Webhook']));
  const webhook = obj(c.webhook);
  const clientConfig = webhook.clientConfig;
  const reviewVersions = strs(webhook.conversionReviewVersions);
  if (strategy === 'Webhook') {
    if (!isObj(clientConfig)) {
      errs.push(fieldErr.required(`${path}.webhookClientConfig`, 'required when strategy is set to Webhook'));
    } else if (isNil(clientConfig.url) === isNil(clientConfig.service)) {
      errs.push(fieldErr.required(`${path}.webhookClientConfig`, 'exactly one of url or service is required'));
    } else if (isObj(clientConfig.service)) {
      const svc = clientConfig.service;
      if (str(svc.name) === '') errs.push(fieldErr.required(`${path}.webhookClientConfig.service.name`, 'service name is required'));
      if (str(svc.namespace) === '') errs.push(fieldErr.required(`${path}.webhookClientConfig.service.namespace`, 'service namespace is required'));
    }
    if (reviewVersions.length === 0) errs.push(fieldErr.required(`${path}.conversionReviewVersions`));
    else if (!reviewVersions.some((v) => REVIEW_VERSIONS.includes(v))) errs.push(fieldErr.invalid(`${path}.conversionReviewVersions`, reviewVersions, `must include at least one of ${REVIEW_VERSIONS.join(', ')}`));
  } else {
    if (isObj(clientConfig)) errs.push(fieldErr.forbidden(`${path}.webhookClientConfig`, 'should not be set when strategy is not set to Webhook'));
    if (reviewVersions.length > 0) errs.push(fieldErr.forbidden(`${path}.conversionReviewVersions`, 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}

function validateSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const group = str(spec.group);
  if (group === '') errs.push(fieldErr.required('spec.group'));
  else if (isDNS1123Subdomain(group).length) errs.push(fieldErr.invalid('spec.group', group, isDNS1123Subdomain(group).join(',')));
  else if (group.split('.').length < 2) errs.push(fieldErr.invalid('spec.group', group, 'should be a domain with at least one dot'));
  const scope = str(spec.scope);
  if (scope === '') errs.push(fieldErr.required('spec.scope'));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') errs.push(fieldErr.notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));
  const versions = objs(spec.versions);
  const names = new Set<string>();
  let unique = true;
  versions.forEach((v, i) => {
    const name = str(v.name);
    if (names.has(name)) unique = false;
    names.add(name);
    errs.push(...dns1035(name, `spec.versions[${i}].name`));
    errs.push(...validateVersion(v, `spec.versions[${i}]`));
  });
  if (!unique) errs.push(fieldErr.invalid('spec.versions', spec.versions, 'must contain unique version names'));
  if (versions.filter((v) => v.storage === true).length !== 1) errs.push(fieldErr.invalid('spec.versions', spec.versions, 'must have exactly one version marked as storage version'));
  const n = obj(spec.names);
  for (const key of ['plural', 'singular', 'kind', 'listKind']) if (str(n[key]) === '') errs.push(fieldErr.required(`spec.names.${key}`));
  errs.push(...validateNames(n, 'spec.names'));
  errs.push(...validateConversion(spec.conversion, 'spec.conversion'));
  if (spec.preserveUnknownFields === true) {
    errs.push(fieldErr.invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  }
  return errs;
}

function validateStoredVersions(crd: Obj): FieldError[] {
  const stored = strs(obj(crd.status).storedVersions);
  if (stored.length === 0) return [fieldErr.invalid('status.storedVersions', stored, 'must have at least one stored version')];
  const errs: FieldError[] = [];
  const remaining = new Map(stored.map((v, i) => [v, i]));
  for (const v of objs(obj(crd.spec).versions)) {
    const name = str(v.name);
    if (v.storage === true && !remaining.has(name)) errs.push(fieldErr.invalid('status.storedVersions', v, `must have the storage version ${name}`));
    remaining.delete(name);
  }
  for (const [v, i] of remaining) errs.push(fieldErr.invalid(`status.storedVersions[${i}]`, v, 'must appear in spec.versions'));
  return errs;
}

/** Groups reserved for the Kubernetes project need the API review annotation (KEP-1111). */
function isProtectedGroup(group: string): boolean {
  return group === 'k8s.io' || group === 'kubernetes.io' || group.endsWith('.k8s.io') || group.endsWith('.kubernetes.io');
}

export function validateCrd(crd: Obj, old: Obj | undefined): FieldError[] {
  const spec = obj(crd.spec);
  const meta = obj(crd.metadata);
  const errs: FieldError[] = [];
  const required = `${str(obj(spec.names).plural)}.${str(spec.group)}`;
  if (str(meta.name) !== required) errs.push(fieldErr.invalid('metadata.name', str(meta.name), 'must be spec.names.plural+"."+spec.group'));
  if (isProtectedGroup(str(spec.group)) && !(APPROVAL_ANNOTATION in strMap(meta.annotations)) && !(old && APPROVAL_ANNOTATION in strMap(obj(old.metadata).annotations))) {
    errs.push(fieldErr.required(`metadata.annotations[${APPROVAL_ANNOTATION}]`, `protected groups must have approval annotation "${APPROVAL_ANNOTATION}", see https://github.com/kubernetes/enhancements/pull/1111`));
  }
  errs.push(...validateSpec(spec));
  if (old) {
    const oldSpec = obj(old.spec);
    const established = objs(obj(old.status).conditions).some((c) => str(c.type) === 'Established' && str(c.status) === 'True');
    const immutable = (path: string, next: unknown, prev: unknown): void => {
      if (next !== prev) errs.push(fieldErr.invalid(path, next ?? '', 'field is immutable'));
    };
    if (established) {
      immutable('spec.scope', str(spec.scope), str(oldSpec.scope));
      immutable('spec.names.kind', str(obj(spec.names).kind), str(obj(oldSpec.names).kind));
    }
    immutable('spec.group', str(spec.group), str(oldSpec.group));
    immutable('spec.names.plural', str(obj(spec.names).plural), str(obj(oldSpec.names).plural));
  }
  errs.push(...validateStoredVersions(crd));
  return errs;
}

