/**
 * Test support: what the API server's schema step (src/api/schema) reports for an object
 * under kubectl's default Strict field validation — unknown fields and value errors — as
 * the lines kubectl would print.
 */
import { formatFieldError } from '../../field-error.ts';
import type { JSONSchemaProps } from '../../schema-types.ts';
import { validateObject } from '../../schema/validate.ts';

export function schemaProblems(schema: JSONSchemaProps, obj: unknown): string[] {
  const result = validateObject(obj, schema, { fieldValidation: 'Strict' });
  return [...result.unknownFields.map((path) => `unknown field "${path}"`), ...result.errors.map(formatFieldError)];
}
