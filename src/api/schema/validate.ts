/**
 * Schema validation of a whole object, as kube-apiserver runs it for a custom resource:
 * unknown fields are found (and, on the copy validated here, pruned), then the values are
 * checked against the structural schema (validate-values.ts), then embedded resources
 * (embedded.ts), then the uniqueness of set and map lists (list-type.ts).
 *
 * Not covered here: ObjectMeta rules (validateObjectMeta, which needs the kind's scope and
 * name rule) and CEL `x-kubernetes-validations`, which skiff does not evaluate.
 */
import type { FieldError } from '../field-error.ts';
import type { JSONSchemaProps } from '../schema-types.ts';
import { applyDefaults, pruneNonNullableNulls } from './defaults.ts';
import { validateEmbeddedResources } from './embedded.ts';
import { validateListTypes } from './list-type.ts';
import { pruneUnknownFields, unknownFieldMessage } from './prune.ts';
import { isPlainObject } from './schema-props.ts';
import { validateValues } from './validate-values.ts';
import { cloneJson } from '../../util/clone-json.ts';

/** The `fieldValidation` query parameter (kubectl --validate=strict|warn|false). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface ValidateOptions {
  fieldValidation: FieldValidation;
}

export interface ValidationResult {
  /** Schema violations, in Kubernetes' order and wording. */
  errors: FieldError[];
  /** Paths of unknown fields (`spec.foo`); always empty under Ignore, which does not look for them. */
  unknownFields: string[];
}

/** The schema's value checks on `obj` as it is (no pruning, no defaults, no copy). */
export function checkValues(obj: unknown, schema: JSONSchemaProps): FieldError[] {
  return [...validateValues(obj, schema), ...validateEmbeddedResources(obj, schema), ...validateListTypes(obj, schema)];
}

/** Validates `obj` against `schema` without modifying it. */
export function validateObject(obj: unknown, schema: JSONSchemaProps, opts: ValidateOptions): ValidationResult {
  const copy = cloneJson(obj);
  const unknownFields = isPlainObject(copy) ? pruneUnknownFields(copy, schema) : [];
  pruneNonNullableNulls(copy, schema);
  return { errors: checkValues(copy, schema), unknownFields: opts.fieldValidation === 'Ignore' ? [] : unknownFields };
}

export interface AdmissionResult extends ValidationResult {
  /** `unknown field "…"` warnings to send under fieldValidation=Warn (empty otherwise). */
  warnings: string[];
}

/**
 * The whole schema step of a write, in kube-apiserver's order, modifying `obj` into what is
 * stored: prune unknown fields, drop non-nullable nulls, apply defaults, validate.
 * Under Strict the caller rejects the request when `unknownFields` is not empty
 * (strictDecodingMessage); under Warn it sends `warnings`; under Ignore nothing is reported.
 */
export function admitAgainstSchema(obj: Record<string, unknown>, schema: JSONSchemaProps, opts: ValidateOptions): AdmissionResult {
  const prepared = prepareAgainstSchema(obj, schema, opts);
  return { errors: checkValues(obj, schema), ...prepared };
}

/**
 * The first half of `admitAgainstSchema` — prune, drop non-nullable nulls, default — for a
 * caller that validates later anyway (admission checks once more after the kind's defaults
 * and plugins have run; checking here too only doubled the cost of every write).
 */
export function prepareAgainstSchema(obj: Record<string, unknown>, schema: JSONSchemaProps, opts: ValidateOptions): Omit<AdmissionResult, 'errors'> {
  const unknown = pruneUnknownFields(obj, schema);
  pruneNonNullableNulls(obj, schema);
  applyDefaults(obj, schema);
  const unknownFields = opts.fieldValidation === 'Ignore' ? [] : unknown;
  const warnings = opts.fieldValidation === 'Warn' ? unknownFields.map(unknownFieldMessage) : [];
  return { unknownFields, warnings };
}
