/**
 * What an admission check found: errors reject the request, warnings go back to the
 * client as `Warning:` headers. Istio's validation returns both from one walk over the
 * object, so the kinds compute both together and expose them through `validate` and
 * `warnings`.
 */
import type { FieldError } from '../field-error.ts';

export interface Findings {
  errors: FieldError[];
  warnings: string[];
}

export function emptyFindings(): Findings {
  return { errors: [], warnings: [] };
}

/** Warnings as the apiserver sends them: each distinct text once, in first-seen order. */
export function uniqueWarnings(warnings: readonly string[]): string[] {
  return [...new Set(warnings)];
}
