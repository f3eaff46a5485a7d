/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition, the kind itself. Its table is the
 * generic one (Name, Created At with the raw RFC 3339 time), its defaults those of
 * apiextensions/v1 defaults.go plus the strategy's bookkeeping of status.storedVersions.
 * Serving a CRD's own kind is src/api/crd's business (kindFromCrd, crdStatus).
 */
import type { KindDefinition } from '../../kind.ts';
import { builtinKind } from '../util/builtin-kind.ts';
import { ensureObj, isEmptyStr, isNil, isObj, obj, objs, str, strs, type Obj } from '../util/obj.ts';
import { defaultTable } from '../util/table.ts';
import { validateCrd } from './crd-validation.ts';

export function crdDefaults(crd: Obj): void {
  const spec = ensureObj(crd, 'spec');
  const names = ensureObj(spec, 'names');
  if (isEmptyStr(names.singular) && !isEmptyStr(names.kind)) names.singular = str(names.kind).toLowerCase();
  if (isEmptyStr(names.listKind) && !isEmptyStr(names.kind)) names.listKind = `${str(names.kind)}List`;
  if (isNil(spec.conversion)) spec.conversion = { strategy: 'None' };
  const clientConfig = obj(obj(obj(spec.conversion).webhook).clientConfig);
  if (isObj(clientConfig.service) && isNil(clientConfig.service.port)) clientConfig.service.port = 443;
  // The current storage version is always recorded (strategy PrepareForCreate/PrepareForUpdate).
  const storage = objs(spec.versions).find((v) => v.storage === true);
  if (storage) {
    const status = ensureObj(crd, 'status');
    const stored = strs(status.storedVersions);
    if (!stored.includes(str(storage.name))) status.storedVersions = [...stored, str(storage.name)];
  }
}

export function crdKind(): KindDefinition {
  return builtinKind({
    group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', scope: 'Cluster',
    shortNames: ['crd', 'crds'], categories: ['api-extensions'],
    subresources: { status: true },
    generation: 'spec',
    nameRule: 'dns1123-subdomain',
    table: defaultTable(),
    defaults: crdDefaults,
    validate(crd, ctx) {
      // Status updates come from the API server's own CRD controller (crdStatus); they only keep storedVersions honest.
      if (ctx.operation === 'status') return validateCrd(crd, ctx.old).filter((e) => e.field.startsWith('status.'));
      return validateCrd(crd, ctx.operation === 'update' ? ctx.old : undefined);
    },
  });
}
