/**
 * core/v1 Secret: `stringData` folded into `data` (what the v1 conversion does before
 * anything is stored), type Opaque by default and immutable afterwards, and the per-type
 * required keys (`kubernetes.io/tls` needs `tls.crt` and `tls.key`).
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import type { KindDefinition } from '../../kind.ts';
import { builtinKind } from '../util/builtin-kind.ts';
import { isConfigMapKey } from '../util/names.ts';
import { isEmptyStr, isObj, obj, str, strMap, type Obj } from '../util/obj.ts';
import { age, ageColumn, fieldColumn, nameColumn } from '../util/table.ts';
import { base64Size, immutableErrors, MAX_DATA_SIZE } from './config-map.ts';

const SECRET = 'io.k8s.api.core.v1.Secret';

function defaults(secret: Obj): void {
  if (isObj(secret.stringData)) {
    // stringData is write-only: each value replaces the data entry of the same key.
    const data: Obj = { ...obj(secret.data) };
    for (const [k, v] of Object.entries(strMap(secret.stringData))) data[k] = Buffer.from(v, 'utf8').toString('base64');
    secret.data = data;
  }
  delete secret.stringData;
  if (isEmptyStr(secret.type)) secret.type = 'Opaque';
}

function jsonError(value: unknown): string | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(str(value), 'base64').toString('utf8'));
    return isObj(parsed) ? undefined : 'json: cannot unmarshal into Go value of type map[string]interface {}';
  } catch (err) {
    return (err as Error).message;
  }
}

function validateSecret(secret: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const data = obj(secret.data);
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    errs.push(...isConfigMapKey(key).map((m) => fieldErr.invalid(`data[${key}]`, key, m)));
    size += base64Size(value);
  }
  if (size > MAX_DATA_SIZE) errs.push({ type: 'FieldValueTooLong', field: 'data', detail: `may not be more than ${MAX_DATA_SIZE} bytes` });
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(data, k);
  switch (str(secret.type)) {
    case 'kubernetes.io/service-account-token':
      if (str(strMap(obj(secret.metadata).annotations)['kubernetes.io/service-account.name']) === '') {
        errs.push(fieldErr.required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const key = str(secret.type) === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      if (!has(key)) {
        errs.push(fieldErr.required(`data[${key}]`));
        break;
      }
      const problem = jsonError(data[key]);
      if (problem) errs.push(fieldErr.invalid(`data[${key}]`, '<secret contents redacted>', problem));
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) errs.push(fieldErr.required('data[username]'), fieldErr.required('data[password]'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (base64Size(data['ssh-privatekey']) === 0) errs.push(fieldErr.required('data[ssh-privatekey]'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(fieldErr.required('data[tls.crt]'));
      if (!has('tls.key')) errs.push(fieldErr.required('data[tls.key]'));
      break;
    default:
      break;
  }
  return errs;
}

export function secretKind(): KindDefinition {
  return builtinKind({
    group: '', version: 'v1', kind: 'Secret', plural: 'secrets', scope: 'Namespaced',
    generation: 'none',
    nameRule: 'dns1123-subdomain',
    table: {
      columns: [nameColumn(), fieldColumn('Type', 'string', SECRET, 'type'), fieldColumn('Data', 'string', SECRET, 'data'), ageColumn()],
      row: (s, now) => [s.metadata.name ?? '', str(s.type), Object.keys(obj(s.data)).length, age(s, now)],
    },
    defaults,
    validate(secret, ctx) {
      const errs: FieldError[] = [];
      if (ctx.operation === 'update' && ctx.old) {
        if (str(secret.type) !== str(ctx.old.type)) errs.push(fieldErr.invalid('type', str(secret.type), 'field is immutable'));
        errs.push(...immutableErrors(secret, ctx.old, ['data']));
      }
      return [...errs, ...validateSecret(secret)];
    },
    fieldSelectors: {
      type: (s) => str(s.type),
    },
  });
}
