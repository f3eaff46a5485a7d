/**
 * Test support: checks an object against a stored structural schema the way the API
 * server does under kubectl's default Strict field validation — types, enums, required
 * fields, and unknown fields rejected except under `x-kubernetes-preserve-unknown-fields`.
 * The real engine lives in the API server; this lets the kind tests prove that the seed
 * documents and the quirk aliases fit the schemas without depending on it.
 */
import { Ajv } from 'ajv';
import type { JSONSchemaProps } from '../../schema-types.ts';

type AjvSchema = Record<string, unknown>;

/** Rewrites Kubernetes' structural-schema dialect into plain JSON Schema for ajv. */
export function toStrictJsonSchema(schema: JSONSchemaProps): AjvSchema {
  const out: AjvSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-') || key === 'nullable' || key === 'format' || key === 'example' || key === 'default') continue;
    if (key === 'properties') out.properties = Object.fromEntries(Object.entries(value as Record<string, JSONSchemaProps>).map(([k, v]) => [k, toStrictJsonSchema(v)]));
    else if (key === 'items' || key === 'not') out[key] = toStrictJsonSchema(value as JSONSchemaProps);
    else if (key === 'additionalProperties') out[key] = typeof value === 'boolean' ? value : toStrictJsonSchema(value as JSONSchemaProps);
    else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') out[key] = (value as JSONSchemaProps[]).map(toStrictJsonSchema);
    else out[key] = value;
  }
  if (schema['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [...((out.anyOf as AjvSchema[] | undefined) ?? []), { type: 'integer' }, { type: 'string' }];
  }
  if (schema.nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  const closed = schema.type === 'object' && schema.properties && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields'];
  if (closed) out.additionalProperties = false;
  return out;
}

export interface StructuralProblem {
  path: string;
  message: string;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const compiled = new WeakMap<JSONSchemaProps, ReturnType<Ajv['compile']>>();

/** Every way `obj` violates `schema` (empty when it fits). */
export function structuralProblems(schema: JSONSchemaProps, obj: unknown): StructuralProblem[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(toStrictJsonSchema(schema));
    compiled.set(schema, validate);
  }
  if (validate(obj)) return [];
  return (validate.errors ?? []).map((e) => ({
    path: e.instancePath,
    message: e.keyword === 'additionalProperties' ? `unknown field "${String((e.params as { additionalProperty: string }).additionalProperty)}"` : e.message ?? e.keyword,
  }));
}
