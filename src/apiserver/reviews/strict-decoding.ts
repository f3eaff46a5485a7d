/**
 * Decoding a review body as kube-apiserver's create handler does before the review is
 * answered: unknown fields follow the request's fieldValidation (Strict: 400 `strict
 * decoding error: unknown field …`; Warn or absent: one warning each; Ignore: nothing), and
 * are dropped from the review in every case, as Go's decoding into the typed object drops
 * them. (Wrongly typed values are not reported as Go's decoding errors: the reviews'
 * hand-written schemas carry no Go type names, and the review code reads them as absent.)
 */
import type { KindDefinition } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';
import { parseFieldValidation, strictDecodingOutcome } from '../../api/schema/field-validation.ts';
import { pruneUnknownFields, strictDecodingMessage, unknownFieldMessage } from '../../api/schema/prune.ts';
import { SkiffError } from '../../errors/skiff-error.ts';
import { invalid } from '../storage/api-errors.ts';

/** Checks and prunes `review` in place; returns the warnings to send. */
export function decodeStrictly(review: KubeObject, def: KindDefinition, fieldValidation: string | null): string[] {
  const version = def.versions[0]!;
  const parsed = parseFieldValidation(fieldValidation);
  if ('error' in parsed) throw invalid({ kind: 'CreateOptions', group: 'meta.k8s.io' }, '', [parsed.error]);
  const problems = pruneUnknownFields(review as unknown as Record<string, unknown>, version.schema).map(unknownFieldMessage);
  const outcome = strictDecodingOutcome(parsed.directive, problems);
  if (outcome.reject) throw new SkiffError('SKF_API_UNKNOWN_FIELD', strictDecodingMessage(def.kind, version.name, problems), { details: { strictDecodingErrors: problems } });
  return outcome.warnings;
}
