/**
 * ObjectMeta validation as apimachinery does it (pkg/api/validation/objectmeta.go and
 * pkg/apis/meta/v1/validation): names by the kind's rule, namespace by scope, labels,
 * annotations, owner references, finalizers and managed fields on create; immutability and
 * the deletion rules on update. Messages are Kubernetes' own.
 */
import { fieldErr, type FieldError } from '../field-error.ts';
import type { ManagedFieldsEntry, ObjectMeta, OwnerReference } from '../object.ts';
import { GoText, goQuote, goStringSlice } from '../schema/go-format.ts';
import { goOwnerReference, goOwnerReferences, goTime } from './go-values.ts';
import { isQualifiedName, isValidLabelValue, validateNamespaceName, type NameValidator, nameIsDnsSubdomain } from './names.ts';

export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * (1 << 10);
export const FIELD_MANAGER_MAX_LENGTH = 128;
export const MAX_SUBRESOURCE_NAME_LENGTH = 256;
export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';

export const FINALIZER_ORPHAN_DEPENDENTS = 'orphan';
export const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

export interface ObjectMetaRules {
  /** The kind is namespaced: a namespace is required (cluster-scoped kinds forbid one). */
  namespaced: boolean;
  /** How metadata.name (and generateName) are checked; DNS-1123 subdomain by default. */
  validateName?: NameValidator;
}

export function validateLabels(labels: Readonly<Record<string, string>> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(fieldErr.invalid(path, k, msg));
    for (const msg of isValidLabelValue(String(v))) errs.push(fieldErr.invalid(path, v, msg));
  }
  return errs;
}

export function validateAnnotations(annotations: Readonly<Record<string, string>> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldErr.invalid(path, k, msg));
    total += byteLength(k) + byteLength(String(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) errs.push(fieldErr.tooLong(path, '', TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
  return errs;
}

/** schema.ParseGroupVersion as FromAPIVersionAndKind uses it: an unparsable apiVersion has no version. */
function versionOf(apiVersion: string): string {
  const parts = apiVersion.split('/');
  if (apiVersion === '' || parts.length > 2) return '';
  return parts.length === 1 ? apiVersion : parts[1]!;
}

function groupOf(apiVersion: string): string {
  const parts = apiVersion.split('/');
  return parts.length === 2 ? parts[0]! : '';
}

function validateOwnerReference(ref: OwnerReference, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = ref.apiVersion ?? '';
  const version = versionOf(apiVersion);
  if (version === '') errs.push(fieldErr.invalid(`${path}.apiVersion`, apiVersion, 'version must not be empty'));
  if (!ref.kind) errs.push(fieldErr.invalid(`${path}.kind`, ref.kind ?? '', 'kind must not be empty'));
  if (!ref.name) errs.push(fieldErr.invalid(`${path}.name`, ref.name ?? '', 'name must not be empty'));
  if (!ref.uid) errs.push(fieldErr.invalid(`${path}.uid`, ref.uid ?? '', 'uid must not be empty'));
  if (groupOf(apiVersion) === '' && version === 'v1' && ref.kind === 'Event') {
    errs.push(fieldErr.invalid(path, new GoText(goOwnerReference(ref)), '/v1, Kind=Event is disallowed from being an owner'));
  }
  return errs;
}

/** Each reference is complete, and at most one is the controller. Errors name the list, not the entry, as Kubernetes does. */
export function validateOwnerReferences(refs: readonly OwnerReference[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller === true) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController !== '') {
        errs.push(fieldErr.invalid(path, goOwnerReferences(refs!), `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`));
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

export function validateFinalizerName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((msg) => fieldErr.invalid(path, name, msg));
}

export function validateFinalizers(finalizers: readonly string[] | undefined, path: string): FieldError[] {
  const list = finalizers ?? [];
  const errs = list.flatMap((f) => validateFinalizerName(f, path));
  if (list.includes(FINALIZER_ORPHAN_DEPENDENTS) && list.includes(FINALIZER_DELETE_DEPENDENTS)) {
    errs.push(fieldErr.invalid(path, goStringSlice(list), `finalizer ${FINALIZER_ORPHAN_DEPENDENTS} and ${FINALIZER_DELETE_DEPENDENTS} cannot be both set`));
  }
  return errs;
}

const STANDARD_FINALIZERS = new Set([FINALIZER_ORPHAN_DEPENDENTS, FINALIZER_DELETE_DEPENDENTS, 'kubernetes']);

/**
 * The warnings kube-apiserver attaches when a custom resource carries finalizer names that
 * are not domain-qualified (customresource/validator.go validateKubeFinalizerName).
 */
export function finalizerWarnings(finalizers: readonly string[] | undefined, path = 'metadata.finalizers'): string[] {
  const warnings: string[] = [];
  for (const f of finalizers ?? []) {
    for (const msg of isQualifiedName(f)) warnings.push(`${path}: ${goQuote(f)}: ${msg}`);
    if (!f.includes('/') && !STANDARD_FINALIZERS.has(f)) {
      warnings.push(f.includes('.')
        ? `${path}: ${goQuote(f)}: prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers`
        : `${path}: ${goQuote(f)}: prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers`);
    }
  }
  return warnings;
}

/** Printable as Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

export function validateFieldManager(manager: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (byteLength(manager) > FIELD_MANAGER_MAX_LENGTH) errs.push(fieldErr.tooLong(path, '', FIELD_MANAGER_MAX_LENGTH));
  let position = 0;
  for (const ch of manager) {
    if (!PRINTABLE.test(ch)) {
      const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      errs.push(fieldErr.invalid(path, manager, `invalid character U+${code} (at position ${position})`));
    }
    position += byteLength(ch);
  }
  return errs;
}

export function validateManagedFields(entries: readonly ManagedFieldsEntry[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((entry, i) => {
    const at = `${path}[${i}]`;
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') {
      errs.push(fieldErr.invalid(`${at}.operation`, entry.operation ?? '', 'must be `Apply` or `Update`'));
    }
    if (entry.fieldsType && entry.fieldsType !== 'FieldsV1') errs.push(fieldErr.invalid(`${at}.fieldsType`, entry.fieldsType, 'must be `FieldsV1`'));
    errs.push(...validateFieldManager(entry.manager ?? '', `${at}.manager`));
    if (entry.subresource && byteLength(entry.subresource) > MAX_SUBRESOURCE_NAME_LENGTH) {
      errs.push(fieldErr.tooLong(`${at}.subresource`, '', MAX_SUBRESOURCE_NAME_LENGTH));
    }
  });
  return errs;
}

/** ObjectMeta of an object being created (apimachinery ValidateObjectMetaAccessor). */
export function validateObjectMeta(meta: ObjectMeta, rules: ObjectMetaRules, path = 'metadata'): FieldError[] {
  const validateName = rules.validateName ?? nameIsDnsSubdomain;
  const errs: FieldError[] = [];
  if (meta.generateName) {
    for (const msg of validateName(meta.generateName, true)) errs.push(fieldErr.invalid(`${path}.generateName`, meta.generateName, msg));
  }
  if (!meta.name) {
    errs.push(fieldErr.required(`${path}.name`, 'name or generateName is required'));
  } else {
    for (const msg of validateName(meta.name, false)) errs.push(fieldErr.invalid(`${path}.name`, meta.name, msg));
  }
  if (rules.namespaced) {
    if (!meta.namespace) errs.push(fieldErr.required(`${path}.namespace`));
    else for (const msg of validateNamespaceName(meta.namespace, false)) errs.push(fieldErr.invalid(`${path}.namespace`, meta.namespace, msg));
  } else if (meta.namespace) {
    errs.push(fieldErr.forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  if ((meta.generation ?? 0) < 0) errs.push(fieldErr.invalid(`${path}.generation`, meta.generation, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(meta.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(meta.finalizers, `${path}.finalizers`));
  errs.push(...validateManagedFields(meta.managedFields, `${path}.managedFields`));
  return errs;
}

export function validateNoNewFinalizers(next: readonly string[] | undefined, old: readonly string[] | undefined, path: string): FieldError[] {
  const before = new Set(old ?? []);
  const extra = [...new Set((next ?? []).filter((f) => !before.has(f)))].sort();
  if (extra.length === 0) return [];
  return [fieldErr.forbidden(path, `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra).text}`)];
}

function immutable(path: string, next: unknown, old: unknown, render: (v: unknown) => unknown = (v) => v): FieldError[] {
  const same = next === old || (next === undefined && old === '') || (next === '' && old === undefined);
  return same ? [] : [fieldErr.invalid(path, render(next), FIELD_IMMUTABLE_ERROR_MSG)];
}

const timeValue = (v: unknown): unknown => (typeof v === 'string' && v !== '' ? goTime(v) : v === undefined ? null : v);

/** ObjectMeta of an object being updated (apimachinery ValidateObjectMetaAccessorUpdate). */
export function validateObjectMetaUpdate(next: ObjectMeta, old: ObjectMeta, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp) errs.push(...validateNoNewFinalizers(next.finalizers, old.finalizers, `${path}.finalizers`));
  if (!next.resourceVersion) errs.push(fieldErr.invalid(`${path}.resourceVersion`, next.resourceVersion ?? '', 'must be specified for an update'));
  if ((next.generation ?? 0) < (old.generation ?? 0)) errs.push(fieldErr.invalid(`${path}.generation`, next.generation ?? 0, 'must not be decremented'));
  errs.push(...immutable(`${path}.name`, next.name ?? '', old.name ?? ''));
  errs.push(...immutable(`${path}.namespace`, next.namespace ?? '', old.namespace ?? ''));
  errs.push(...immutable(`${path}.uid`, next.uid ?? '', old.uid ?? ''));
  errs.push(...immutable(`${path}.creationTimestamp`, next.creationTimestamp, old.creationTimestamp, (v) => (v === undefined ? goTime('0001-01-01T00:00:00Z') : timeValue(v))));
  errs.push(...immutable(`${path}.deletionTimestamp`, next.deletionTimestamp, old.deletionTimestamp, timeValue));
  errs.push(...immutable(`${path}.deletionGracePeriodSeconds`, next.deletionGracePeriodSeconds, old.deletionGracePeriodSeconds, (v) => v ?? null));
  errs.push(...validateLabels(next.labels, `${path}.labels`));
  errs.push(...validateAnnotations(next.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(next.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateManagedFields(next.managedFields, `${path}.managedFields`));
  return errs;
}

/**
 * Reconciles the object's namespace with the request's (apiserver rest.EnsureObjectNamespaceMatchesRequestNamespace):
 * an empty one is filled in, a cluster-scoped request clears it, a different one is an error.
 * `requestNamespace` is '' for cluster-scoped kinds. Returns the error message, or undefined.
 */
export function ensureNamespaceMatchesRequest(meta: ObjectMeta, requestNamespace: string): string | undefined {
  const objectNamespace = meta.namespace ?? '';
  if (objectNamespace === requestNamespace) return undefined;
  if (objectNamespace === '') { meta.namespace = requestNamespace; return undefined; }
  if (requestNamespace === '') { delete meta.namespace; return undefined; }
  return 'the namespace of the provided object does not match the namespace sent on the request';
}
