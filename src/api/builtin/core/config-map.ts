/**
 * core/v1 ConfigMap: keys must be valid file names, data and binaryData may not share a key,
 * 1 MiB in total, and an `immutable: true` map never changes again.
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import type { KindDefinition } from '../../kind.ts';
import { builtinKind } from '../util/builtin-kind.ts';
import { isConfigMapKey } from '../util/names.ts';
import { obj, type Obj } from '../util/obj.ts';
import { age, ageColumn, fieldColumn, nameColumn } from '../util/table.ts';
import { jsonEqual } from '../../../util/json-equal.ts';

/** core.MaxSecretSize, shared by ConfigMaps and Secrets. */
export const MAX_DATA_SIZE = 1024 * 1024;

/** Decoded size of a base64 value (binaryData, Secret data), as Go sees the []byte. */
export function base64Size(value: unknown): number {
  return typeof value === 'string' ? Buffer.from(value, 'base64').length : 0;
}

/** The rules of an object with `immutable: true` (ConfigMap and Secret). */
export function immutableErrors(next: Obj, old: Obj, fields: readonly string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (next.immutable !== true) errs.push(fieldErr.forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) {
    if (!jsonEqual(next[f] ?? {}, old[f] ?? {})) errs.push(fieldErr.forbidden(f, 'field is immutable when `immutable` is set'));
  }
  return errs;
}

function validateConfigMap(cm: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const data = obj(cm.data);
  const binary = obj(cm.binaryData);
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    errs.push(...isConfigMapKey(key).map((m) => fieldErr.invalid(`data[${key}]`, key, m)));
    if (key in binary) errs.push(fieldErr.invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
    size += typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0;
  }
  for (const [key, value] of Object.entries(binary)) {
    errs.push(...isConfigMapKey(key).map((m) => fieldErr.invalid(`binaryData[${key}]`, key, m)));
    size += base64Size(value);
  }
  // The error refers to the whole object, hence the empty field path.
  if (size > MAX_DATA_SIZE) errs.push({ type: 'FieldValueTooLong', field: '', detail: `may not be more than ${MAX_DATA_SIZE} bytes` });
  return errs;
}

export function configMapKind(): KindDefinition {
  return builtinKind({
    group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', scope: 'Namespaced',
    shortNames: ['cm'],
    generation: 'none',
    nameRule: 'dns1123-subdomain',
    table: {
      columns: [nameColumn(), fieldColumn('Data', 'string', 'io.k8s.api.core.v1.ConfigMap', 'data'), ageColumn()],
      row: (cm, now) => [cm.metadata.name ?? '', Object.keys(obj(cm.data)).length + Object.keys(obj(cm.binaryData)).length, age(cm, now)],
    },
    validate(cm, ctx) {
      const errs = ctx.operation === 'update' && ctx.old ? immutableErrors(cm, ctx.old, ['data', 'binaryData']) : [];
      return [...errs, ...validateConfigMap(cm)];
    },
  });
}
