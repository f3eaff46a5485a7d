/**
 * Rules several Istio kinds share: `exportTo` visibility lists and workload selectors,
 * with istiod's messages attached to the fields they concern.
 */
import { fieldErr } from '../../field-error.ts';
import type { FieldError } from '../../field-error.ts';
import { asRecord, stringList } from '../fields.ts';
import { isDns1123Label } from './names.ts';

function visibilityError(entry: string): string | undefined {
  if (entry === '.' || entry === '*') return undefined;
  if (entry === '~') return 'exportTo ~ (none) is not allowed for Istio configuration objects';
  return isDns1123Label(entry) ? undefined : 'only .,*, or a valid DNS 1123 label is allowed as exportTo entry';
}

/** `exportTo`: `.`, `*`, namespaces, and for ServiceEntry also `~` (no one). */
export function validateExportTo(field: string, value: unknown, namespace: string | undefined, isServiceEntry: boolean): FieldError[] {
  const entries = stringList(value);
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const key = entry === '.' && namespace ? namespace : entry;
    if (seen.has(key)) {
      const msg = key !== entry ? `duplicate entries in exportTo: . and current namespace ${namespace}` : `duplicate entries in exportTo for entry ${entry}`;
      errors.push(fieldErr.invalid(`${field}[${i}]`, entry, msg));
      return;
    }
    const problem = isServiceEntry && entry === '~' ? undefined : visibilityError(key);
    if (problem) errors.push(fieldErr.invalid(`${field}[${i}]`, entry, problem));
    else seen.add(key);
  });
  if (seen.has('*') && entries.length > 1) {
    errors.push(fieldErr.forbidden(field, 'cannot have both public (*) and non-public exportTo values for a resource'));
  }
  if (seen.has('~') && entries.length > 1) {
    errors.push(fieldErr.forbidden(field, 'cannot export service entry to no one (~) and someone'));
  }
  return errors;
}

/** Labels of a `selector`/`workloadSelector`: no empty keys, no wildcards. */
export function validateSelectorLabels(field: string, labels: unknown): FieldError[] {
  const map = asRecord(labels);
  if (!map) return [];
  const errors: FieldError[] = [];
  for (const [k, v] of Object.entries(map)) {
    const pair = JSON.stringify(`${k}=${String(v)}`);
    if (k === '') errors.push(fieldErr.invalid(`${field}[]`, '', `empty key is not supported in selector: ${pair}`));
    if (k.includes('*') || String(v).includes('*')) errors.push(fieldErr.invalid(`${field}[${k}]`, v, `wildcard is not supported in selector: ${pair}`));
  }
  return errors;
}
