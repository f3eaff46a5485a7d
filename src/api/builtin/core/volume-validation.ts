/**
 * Pod volume validation (core validation.go ValidateVolumes and the source validators for
 * the volume types a local cluster can honour: emptyDir, configMap, secret, projected,
 * downwardAPI, hostPath, persistentVolumeClaim). Other source types are recognised (one
 * type per volume) but their cloud-specific fields are not checked.
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import { isNil, num, obj, objs, str, type Obj } from '../util/obj.ts';
import { parseQuantity } from '../util/quantity.ts';
import { dns1123Label, validateFieldRef } from './container-validation.ts';

const SOURCE_TYPES = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'flocker', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap',
  'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO',
  'csi', 'ephemeral', 'image',
];
const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';
const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];

function fileMode(mode: unknown, path: string): FieldError[] {
  const m = num(mode);
  return m !== undefined && (m < 0 || m > 0o777) ? [fieldErr.invalid(path, m, FILE_MODE_ERROR)] : [];
}

/** validateLocalNonReservedPath: relative, no `..` element, not starting with `..`. */
function localPath(target: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(fieldErr.invalid(path, target, 'must be a relative path'));
  if (target.split('/').includes('..')) errs.push(fieldErr.invalid(path, target, "must not contain '..'"));
  if (errs.length === 0 && target.startsWith('..')) errs.push(fieldErr.invalid(path, target, "must not start with '..'"));
  return errs;
}

function keyToPaths(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  objs(items).forEach((kp, i) => {
    const at = `${path}[${i}]`;
    if (str(kp.key) === '') errs.push(fieldErr.required(`${at}.key`));
    if (str(kp.path) === '') errs.push(fieldErr.required(`${at}.path`));
    errs.push(...localPath(str(kp.path), `${at}.path`));
    errs.push(...fileMode(kp.mode, `${at}.mode`));
  });
  return errs;
}

function downwardAPIItems(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  objs(items).forEach((item, i) => {
    const at = `${path}[${i}]`;
    if (str(item.path) === '') errs.push(fieldErr.required(`${at}.path`));
    errs.push(...localPath(str(item.path), `${at}.path`));
    errs.push(...fileMode(item.mode, `${at}.mode`));
    const hasField = !isNil(item.fieldRef);
    const hasResource = !isNil(item.resourceFieldRef);
    if (hasField) errs.push(...validateFieldRef(obj(item.fieldRef), VOLUME_FIELD_PATHS, `${at}.fieldRef`));
    if (hasField && hasResource) errs.push(fieldErr.invalid(`${at}.resource`, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    if (!hasField && !hasResource) errs.push(fieldErr.required(at, 'one of fieldRef and resourceFieldRef is required'));
  });
  return errs;
}

function validateSource(kind: string, source: Obj, path: string): FieldError[] {
  const at = `${path}.${kind}`;
  switch (kind) {
    case 'emptyDir': {
      const limit = source.sizeLimit === undefined ? undefined : parseQuantity(source.sizeLimit);
      return limit !== undefined && limit < 0 ? [fieldErr.forbidden(`${at}.sizeLimit`, 'SizeLimit field must be a valid resource quantity')] : [];
    }
    case 'hostPath':
      return str(source.path) === '' ? [fieldErr.required(`${at}.path`)] : str(source.path).split('/').includes('..') ? [fieldErr.invalid(`${at}.path`, str(source.path), "must not contain '..'")] : [];
    case 'secret':
      return [...(str(source.secretName) === '' ? [fieldErr.required(`${at}.secretName`)] : []), ...fileMode(source.defaultMode, `${at}.defaultMode`), ...keyToPaths(source.items, `${at}.items`)];
    case 'configMap':
      return [...(str(source.name) === '' ? [fieldErr.required(`${at}.name`)] : []), ...fileMode(source.defaultMode, `${at}.defaultMode`), ...keyToPaths(source.items, `${at}.items`)];
    case 'persistentVolumeClaim':
      return str(source.claimName) === '' ? [fieldErr.required(`${at}.claimName`)] : [];
    case 'downwardAPI':
      return [...fileMode(source.defaultMode, `${at}.defaultMode`), ...downwardAPIItems(source.items, `${at}.items`)];
    case 'projected':
      return validateProjected(source, at);
    default:
      return [];
  }
}

function validateProjected(source: Obj, path: string): FieldError[] {
  const errs = fileMode(source.defaultMode, `${path}.defaultMode`);
  objs(source.sources).forEach((s, i) => {
    const at = `${path}.sources[${i}]`;
    const present = ['secret', 'configMap', 'downwardAPI', 'serviceAccountToken', 'clusterTrustBundle'].filter((k) => !isNil(s[k]));
    if (present.length > 1) errs.push(fieldErr.forbidden(at, 'may not specify more than 1 volume type per source'));
    for (const k of present) {
      const p = obj(s[k]);
      if ((k === 'secret' || k === 'configMap') && str(p.name) === '') errs.push(fieldErr.required(`${at}.${k}.name`));
      if (k === 'secret' || k === 'configMap') errs.push(...keyToPaths(p.items, `${at}.${k}.items`));
      if (k === 'downwardAPI') errs.push(...downwardAPIItems(p.items, `${at}.${k}.items`));
      if (k === 'serviceAccountToken') {
        const expiration = num(p.expirationSeconds);
        if (expiration !== undefined && expiration < 600) errs.push(fieldErr.invalid(`${at}.${k}.expirationSeconds`, expiration, 'may not specify a duration less than 10 minutes'));
        if (str(p.path) === '') errs.push(fieldErr.required(`${at}.${k}.path`));
      }
    }
  });
  return errs;
}

/** ValidateVolumes: returns the valid volume names (mounts must refer to one) and the errors. */
export function validateVolumes(volumes: unknown, path: string): { names: Set<string>; errors: FieldError[] } {
  const names = new Set<string>();
  const errors: FieldError[] = [];
  objs(volumes).forEach((v, i) => {
    const at = `${path}[${i}]`;
    const errs: FieldError[] = [];
    let count = 0;
    for (const kind of SOURCE_TYPES) {
      if (isNil(v[kind])) continue;
      if (count > 0) {
        errs.push(fieldErr.forbidden(`${at}.${kind}`, 'may not specify more than 1 volume type'));
        continue;
      }
      count++;
      errs.push(...validateSource(kind, obj(v[kind]), at));
    }
    if (count === 0) errs.push(fieldErr.required(at, 'must specify a volume type'));
    const name = str(v.name);
    if (name === '') errs.push(fieldErr.required(`${at}.name`));
    else errs.push(...dns1123Label(name, `${at}.name`));
    if (names.has(name)) errs.push(fieldErr.duplicate(`${at}.name`, name));
    if (errs.length === 0) names.add(name);
    else errors.push(...errs);
  });
  return { names, errors };
}
