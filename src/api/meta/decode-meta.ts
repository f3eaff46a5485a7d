/**
 * kube-apiserver decodes `metadata` into the Go type metav1.ObjectMeta before anything else
 * looks at it, so a wrongly typed metadata field fails the request with encoding/json's
 * error (`json: cannot unmarshal number into Go struct field ObjectMeta.labels of type
 * map[string]string`), which the API server wraps as `<Kind> in version "<v>" cannot be
 * handled as a <Kind>: <error>`. This reproduces that first type error.
 */
import { isGoInt } from '../schema/go-format.ts';

type GoType =
  | { kind: 'scalar'; name: 'string' | 'int64' | 'bool' }
  | { kind: 'map'; name: string; elem: GoType }
  | { kind: 'slice'; name: string; elem: GoType }
  | { kind: 'struct'; name: string; fields: Record<string, GoType> }
  | { kind: 'any' };

const str: GoType = { kind: 'scalar', name: 'string' };
const int64: GoType = { kind: 'scalar', name: 'int64' };
const bool: GoType = { kind: 'scalar', name: 'bool' };
const stringMap: GoType = { kind: 'map', name: 'map[string]string', elem: str };

const ownerReference: GoType = {
  kind: 'struct', name: 'OwnerReference',
  fields: { apiVersion: str, kind: str, name: str, uid: str, controller: bool, blockOwnerDeletion: bool },
};
const managedFieldsEntry: GoType = {
  kind: 'struct', name: 'ManagedFieldsEntry',
  fields: { manager: str, operation: str, apiVersion: str, time: str, fieldsType: str, fieldsV1: { kind: 'any' }, subresource: str },
};
const objectMeta: GoType = {
  kind: 'struct', name: 'ObjectMeta',
  fields: {
    name: str, generateName: str, namespace: str, selfLink: str, uid: str, resourceVersion: str, generation: int64,
    // metav1.Time decodes through a string, so its type errors name `string`.
    creationTimestamp: str, deletionTimestamp: str, deletionGracePeriodSeconds: int64,
    labels: stringMap, annotations: stringMap,
    ownerReferences: { kind: 'slice', name: '[]v1.OwnerReference', elem: ownerReference },
    finalizers: { kind: 'slice', name: '[]string', elem: str },
    managedFields: { kind: 'slice', name: '[]v1.ManagedFieldsEntry', elem: managedFieldsEntry },
  },
};

/** encoding/json's name for the JSON value it could not store. */
function jsonValueName(value: unknown, target: GoType): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return target.kind === 'scalar' && target.name === 'int64' && !isGoInt(value) ? `number ${value}` : 'number';
  return Array.isArray(value) ? 'array' : 'object';
}

function goTypeName(t: GoType): string {
  if (t.kind === 'struct') return `v1.${t.name}`;
  if (t.kind === 'any') return 'interface {}';
  return t.name;
}

interface Context { struct: string; fields: string[] }

function fits(value: unknown, t: GoType): boolean {
  if (value === null || t.kind === 'any') return true;
  switch (t.kind) {
    case 'scalar':
      return t.name === 'string' ? typeof value === 'string' : t.name === 'bool' ? typeof value === 'boolean' : typeof value === 'number' && isGoInt(value);
    case 'slice':
      return Array.isArray(value);
    case 'map':
    case 'struct':
      return typeof value === 'object' && !Array.isArray(value);
  }
}

function check(value: unknown, t: GoType, ctx: Context | undefined): string | undefined {
  if (!fits(value, t)) {
    const where = ctx ? `Go struct field ${ctx.struct}.${ctx.fields.join('.')}` : `Go value`;
    return `json: cannot unmarshal ${jsonValueName(value, t)} into ${where} of type ${goTypeName(t)}`;
  }
  if (value === null) return undefined;
  if (t.kind === 'slice') {
    for (const item of value as unknown[]) {
      const err = check(item, t.elem, ctx);
      if (err) return err;
    }
  } else if (t.kind === 'map') {
    for (const item of Object.values(value as Record<string, unknown>)) {
      const err = check(item, t.elem, ctx);
      if (err) return err;
    }
  } else if (t.kind === 'struct') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const field = t.fields[key];
      if (!field) continue;
      const err = check(item, field, { struct: t.name, fields: [...(ctx?.fields ?? []), key] });
      if (err) return err;
    }
  }
  return undefined;
}

/** The decoding error kube-apiserver would report for `metadata`, or undefined when it decodes. */
export function objectMetaDecodeError(metadata: unknown): string | undefined {
  return check(metadata, objectMeta, undefined);
}

/**
 * Drops the top-level metadata fields that do not decode and are as the stored object has
 * them: apiextensions-apiserver reads stored custom resources with DropMalformedFields
 * (GetObjectMetaWithOptions: field by field, a field that does not decode is left out), so a
 * write never fails on malformed metadata it did not bring. Mutates `metadata`.
 */
export function dropStoredMalformedMetadata(metadata: Record<string, unknown>, stored: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(metadata)) {
    if (check({ [key]: value }, objectMeta, undefined) !== undefined && JSON.stringify(value) === JSON.stringify(stored[key])) delete metadata[key];
  }
}
