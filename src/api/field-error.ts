/**
 * Field-level validation errors, shaped and worded like Kubernetes' `field.Error`
 * (apimachinery pkg/util/validation/field/errors.go) so that kubectl users read the
 * messages they know, e.g.
 * `spec.replicas: Invalid value: -1: must be greater than or equal to 0`.
 */
import { goBadValue, goQuote } from './schema/go-format.ts';

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid'
  | 'InternalError';

export interface FieldError {
  type: FieldErrorType;
  /** Dotted path with indices, e.g. `spec.template.spec.containers[0].image`. */
  field: string;
  /** The offending value (omitted for Required/Forbidden). */
  value?: unknown;
  /** Extra words after the standard phrase. */
  detail?: string;
  /** For NotSupported: the allowed values. */
  supported?: readonly unknown[];
}

const PHRASE: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTypeInvalid: 'Invalid value',
  InternalError: 'Internal error',
};

/**
 * Renders a value the way Go's field errors do (field/errors.go ErrorBody): strings with %q,
 * numbers and booleans with %v, null as "null", objects and arrays with %#v
 * (`map[string]interface {}{"name":"http"}`), GoText verbatim.
 */
export function renderValue(value: unknown): string {
  return goBadValue(value);
}

/** The text after `<field>: ` in a Kubernetes message. */
export function fieldErrorBody(e: FieldError): string {
  const phrase = PHRASE[e.type];
  // Go omits the value for Required, Forbidden, TooLong and Internal errors.
  const showsValue = e.type !== 'FieldValueRequired' && e.type !== 'FieldValueForbidden' && e.type !== 'FieldValueTooLong' && e.type !== 'InternalError';
  let out = showsValue && 'value' in e ? `${phrase}: ${renderValue(e.value)}` : phrase;
  if (e.type === 'FieldValueNotSupported' && e.supported && e.supported.length > 0) {
    out += `: supported values: ${e.supported.map((v) => goQuote(String(v))).join(', ')}`;
  } else if (e.detail) {
    out += `: ${e.detail}`;
  }
  return out;
}

export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/** Joins several errors as Kubernetes' aggregate does: duplicates dropped, one alone, else `[a, b]`. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  const parts = [...new Set(errors.map(formatFieldError))];
  return parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
}

/** Helpers to build errors tersely. */
export const fieldErr = {
  required: (field: string, detail?: string): FieldError => ({ type: 'FieldValueRequired', field, ...(detail ? { detail } : {}) }),
  invalid: (field: string, value: unknown, detail?: string): FieldError => ({ type: 'FieldValueInvalid', field, value, ...(detail ? { detail } : {}) }),
  notSupported: (field: string, value: unknown, supported: readonly unknown[]): FieldError => ({ type: 'FieldValueNotSupported', field, value, supported }),
  forbidden: (field: string, detail?: string): FieldError => ({ type: 'FieldValueForbidden', field, ...(detail ? { detail } : {}) }),
  duplicate: (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value }),
  tooLong: (field: string, _value: unknown, max: number): FieldError => ({ type: 'FieldValueTooLong', field, detail: max >= 0 ? `may not be more than ${max} bytes` : 'value is too long' }),
  tooMany: (field: string, actual: number, max: number): FieldError => ({ type: 'FieldValueTooMany', field, ...(actual >= 0 ? { value: actual } : {}), detail: max >= 0 ? `must have at most ${max} items` : 'has too many items' }),
  typeInvalid: (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueTypeInvalid', field, value, detail }),
};
