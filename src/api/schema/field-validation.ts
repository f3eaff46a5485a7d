/**
 * The `fieldValidation` directive (kubectl --validate=strict|warn|false) and the errors and
 * warnings kube-apiserver produces from strict decoding problems (unknown and duplicate
 * fields), per request type:
 *
 * - create/update, Strict: 400 BadRequest `<Kind> in version "<v>" cannot be handled as a
 *   <Kind>: strict decoding error: unknown field "spec.foo", …` (strictDecodingMessage);
 * - patch, Strict: 422 Invalid on the field `patch`, whose value is the patched object's JSON
 *   (strictPatchError), which kubectl prints as `The request is invalid: patch: Invalid value: …`;
 * - Warn (also when the parameter is absent): one warning per problem, request succeeds;
 * - Ignore: nothing reported, unknown fields silently pruned.
 */
import { fieldErr, type FieldError } from '../field-error.ts';
import type { FieldValidation } from './validate.ts';

/** The values apimachinery accepts, sorted as its error lists them ('' means "not given"). */
const ALLOWED = ['', 'Ignore', 'Strict', 'Warn'] as const;

/**
 * Reads the query parameter: absent or empty means Warn (apiserver handlers' default); any
 * other unknown value is `fieldValidation: Unsupported value: "x": supported values: "",
 * "Ignore", "Strict", "Warn"`, reported by kube-apiserver as 422 Invalid on the request's
 * options kind (CreateOptions.meta.k8s.io, UpdateOptions.meta.k8s.io or PatchOptions.meta.k8s.io).
 */
export function parseFieldValidation(raw: string | null | undefined): { directive: FieldValidation } | { error: FieldError } {
  const value = raw ?? '';
  if (!(ALLOWED as readonly string[]).includes(value)) return { error: fieldErr.notSupported('fieldValidation', value, ALLOWED) };
  return { directive: value === '' ? 'Warn' : (value as FieldValidation) };
}

/** runtime.NewStrictDecodingError(...).Error(). */
export function strictDecodingError(problems: readonly string[]): string {
  return `strict decoding error: ${problems.join(', ')}`;
}

/** The field error of a Strict PATCH whose result has unknown or duplicate fields. */
export function strictPatchError(patchedJson: string, problems: readonly string[]): FieldError {
  return fieldErr.invalid('patch', patchedJson, strictDecodingError(problems));
}

/** What the directive makes of strict decoding problems: reject (Strict), warn (Warn), or nothing. */
export function strictDecodingOutcome(directive: FieldValidation, problems: readonly string[]): { reject: boolean; warnings: string[] } {
  if (problems.length === 0 || directive === 'Ignore') return { reject: false, warnings: [] };
  return directive === 'Strict' ? { reject: true, warnings: [] } : { reject: false, warnings: [...problems] };
}
