/**
 * Validation of a revision's pod spec (knative/serving ValidatePodSpec): the allowed fields
 * (feature-gated ones included), volumes, the pod security context, init containers, one
 * serving port across all containers, the containers themselves and the service account name;
 * plus the warnings about insecure default security contexts.
 */
import type { ServingFeatures } from '../config.ts';
import type { KnFieldError } from '../field-error.ts';
import { goQuote, kn, NONE } from '../field-errors.ts';
import type { Json } from '../util/json.ts';
import { has, isObject, list, obj, str } from '../util/json.ts';
import { isDns1123Label, isDns1123Subdomain } from '../util/k8s-names.ts';
import type { ServingPort, VolumeMap } from './container-validation.ts';
import { validateInitContainer, validateSidecarContainer, validateUserContainer } from './container-validation.ts';
import {
  checkDisallowed, CONFIGMAP_PROJECTION_ALLOWED, DOWNWARD_FILE_ALLOWED, KEY_TO_PATH_ALLOWED, podSecurityContextAllowed,
  podSpecAllowed, PROJECTION_ALLOWED, REVISION_SPEC_FIELDS, SA_TOKEN_PROJECTION_ALLOWED, volumeSourceAllowed,
} from './field-mask.ts';

const MAX_INT32 = 2147483647;

function validateKeyToPath(item: unknown): KnFieldError {
  let errs = checkDisallowed(item, KEY_TO_PATH_ALLOWED);
  if (str(item, 'key') === '') errs = errs.also(kn.missingField('key'));
  if (str(item, 'path') === '') errs = errs.also(kn.missingField('path'));
  return errs;
}

function validateItems(source: unknown): KnFieldError {
  return list(source, 'items').reduce<KnFieldError>((errs, item, i) => errs.also(validateKeyToPath(item).viaFieldIndex('items', i)), NONE);
}

function validateProjection(p: unknown): KnFieldError {
  let errs = checkDisallowed(p, PROJECTION_ALLOWED);
  const specified: string[] = [];
  for (const kind of ['secret', 'configMap'] as const) {
    const src = obj(p, kind);
    if (!src) continue;
    specified.push(kind);
    let e = checkDisallowed(src, CONFIGMAP_PROJECTION_ALLOWED);
    if (str(src, 'name') === '') e = e.also(kn.missingField('name'));
    errs = errs.also(e.also(validateItems(src)).via(kind));
  }
  const sat = obj(p, 'serviceAccountToken');
  if (sat) {
    specified.push('serviceAccountToken');
    let e = checkDisallowed(sat, SA_TOKEN_PROJECTION_ALLOWED);
    if (str(sat, 'path') === '') e = e.also(kn.missingField('path'));
    errs = errs.also(e.via('serviceAccountToken'));
  }
  const downward = obj(p, 'downwardAPI');
  if (downward) {
    specified.push('downwardAPI');
    let e = checkDisallowed(downward, ['items']);
    list(downward, 'items').forEach((f, i) => {
      let fe = checkDisallowed(f, DOWNWARD_FILE_ALLOWED);
      if (!has(f, 'fieldRef') && !has(f, 'resourceFieldRef')) fe = fe.also(kn.missingOneOf('fieldRef', 'resourceFieldRef'));
      if (has(f, 'fieldRef') && has(f, 'resourceFieldRef')) fe = fe.also(kn.generic('Within a single item, cannot set both', 'resourceFieldRef', 'fieldRef'));
      if (str(f, 'path') === '') fe = fe.also(kn.missingField('path'));
      e = e.also(fe.viaFieldIndex('items', i));
    });
    errs = errs.also(e.via('downwardAPI'));
  }
  if (specified.length === 0) errs = errs.also(kn.missingOneOf('secret', 'configMap', 'serviceAccountToken', 'downwardAPI'));
  else if (specified.length > 1) errs = errs.also(kn.multipleOneOf(...specified));
  return errs;
}

function validateVolume(volume: Json, features: ServingFeatures): KnFieldError {
  let errs = NONE;
  const name = str(volume, 'name');
  const pvc = obj(volume, 'persistentVolumeClaim');
  if (pvc) {
    const claim = str(pvc, 'claimName');
    if (features.podSpecPersistentVolumeClaim !== 'Enabled') errs = errs.also(kn.make(`Persistent volume claim support is disabled, but found persistent volume claim ${claim}`, []));
    if (pvc.readOnly !== true && features.podSpecPersistentVolumeWrite !== 'Enabled') {
      errs = errs.also(kn.make(`Persistent volume write support is disabled, but found persistent volume claim ${claim} that is not read-only`, []));
    }
  }
  if (has(volume, 'emptyDir') && features.podSpecVolumesEmptyDir !== 'Enabled') errs = errs.also(kn.make(`EmptyDir volume support is disabled, but found EmptyDir volume ${name}`, []));
  // Knative replaces the errors gathered so far when the name is missing or invalid.
  if (name === '') errs = kn.missingField('name');
  else if (isDns1123Label(name).length !== 0) errs = kn.invalidValue(name, 'name');
  errs = errs.also(checkDisallowed(volume, volumeSourceAllowed(features)));

  const specified: string[] = [];
  if (obj(volume, 'secret')) {
    specified.push('secret');
    errs = errs.also(validateItems(volume.secret));
  }
  if (obj(volume, 'configMap')) {
    specified.push('configMap');
    errs = errs.also(validateItems(volume.configMap));
  }
  const projected = obj(volume, 'projected');
  if (projected) {
    specified.push('projected');
    list(projected, 'sources').forEach((p, i) => { errs = errs.also(validateProjection(p).viaFieldIndex('projected', i)); });
  }
  const emptyDir = obj(volume, 'emptyDir');
  if (emptyDir) {
    specified.push('emptyDir');
    const medium = str(emptyDir, 'medium');
    if (medium !== '' && medium !== 'Memory') errs = errs.also(kn.invalidValue(medium, 'medium').via('emptyDir'));
    if (typeof emptyDir.sizeLimit === 'string' && emptyDir.sizeLimit.trim().startsWith('-')) errs = errs.also(kn.invalidValue(emptyDir.sizeLimit, 'sizeLimit').via('emptyDir'));
  }
  if (pvc) specified.push('persistentVolumeClaim');
  if (specified.length === 0) {
    const paths = ['secret', 'configMap', 'projected'];
    if (features.podSpecVolumesEmptyDir === 'Enabled') paths.push('emptyDir');
    if (features.podSpecPersistentVolumeClaim === 'Enabled') paths.push('persistentVolumeClaim');
    errs = errs.also(kn.missingOneOf(...paths));
  } else if (specified.length > 1) {
    errs = errs.also(kn.multipleOneOf(...specified));
  }
  return errs;
}

function validateVolumes(volumes: unknown[], mounted: ReadonlySet<string>, features: ServingFeatures): { map: Map<string, Json>; errs: KnFieldError } {
  const map = new Map<string, Json>();
  let errs = NONE;
  volumes.forEach((v, i) => {
    const volume = isObject(v) ? v : {};
    const name = str(volume, 'name');
    if (map.has(name)) errs = errs.also(kn.make(`duplicate volume name ${goQuote(name)}`, ['name']).viaIndex(i));
    if (!mounted.has(name)) errs = errs.also(kn.make(`volume with name ${goQuote(name)} not mounted`, ['name']).viaIndex(i));
    errs = errs.also(validateVolume(volume, features).viaIndex(i));
    map.set(name, volume);
  });
  return { map, errs };
}

function validatePodSecurityContext(psc: unknown, features: ServingFeatures): KnFieldError {
  if (!isObject(psc)) return NONE;
  let errs = checkDisallowed(psc, podSecurityContextAllowed(features, psc));
  for (const field of ['runAsUser', 'runAsGroup', 'fsGroup']) {
    const v = psc[field];
    if (typeof v === 'number' && (v < 0 || v > MAX_INT32)) errs = errs.also(kn.outOfBounds(v, 0, MAX_INT32, field));
  }
  list(psc, 'supplementalGroups').forEach((g, i) => {
    if (typeof g === 'number' && (g < 0 || g > MAX_INT32)) errs = errs.also(kn.outOfBounds(g, 0, MAX_INT32, '').viaFieldIndex('supplementalGroups', i));
  });
  return errs;
}

/** The one serving port: the first port of any container, with Knative's defaults. */
function servingPort(containers: Json[]): { port: ServingPort; errs: KnFieldError } {
  let count = 0;
  let first: unknown;
  for (const c of containers) {
    const ports = list(c, 'ports');
    if (ports.length > 0) {
      count += ports.length;
      first = ports[0];
    }
  }
  const port: ServingPort = {
    name: str(first, 'name') || 'http',
    containerPort: (isObject(first) && typeof first.containerPort === 'number' && first.containerPort) || 8080,
  };
  if (count === 0 && containers.length > 1) return { port, errs: kn.missingField('ports') };
  if (count > 1) return { port, errs: kn.make('more than one container port is set', ['ports'], 'Only a single port is allowed across all containers') };
  return { port, errs: NONE };
}

/** Validates the pod-spec part of a revision spec (paths relative to the spec). */
export function validatePodSpec(spec: Json, features: ServingFeatures): KnFieldError {
  let errs = checkDisallowed(spec, [...podSpecAllowed(features, spec), ...REVISION_SPEC_FIELDS]);
  errs = errs.also(validatePodSecurityContext(spec.securityContext, features).via('securityContext'));
  const containers = list(spec, 'containers').map((c) => (isObject(c) ? c : {}));
  const initContainers = list(spec, 'initContainers').map((c) => (isObject(c) ? c : {}));
  const mounted = new Set([...initContainers, ...containers].flatMap((c) => list(c, 'volumeMounts').map((m) => str(m, 'name'))));
  const { map: volumes, errs: volumeErrs } = validateVolumes(list(spec, 'volumes'), mounted, features);
  errs = errs.also(volumeErrs.via('volumes'));
  errs = errs.also(validateInitContainers(initContainers, containers, volumes, features));
  const { port, errs: portErrs } = servingPort(containers);
  errs = errs.also(portErrs.via('containers[*]'));
  if (containers.length === 0) {
    errs = errs.also(kn.missingField('containers'));
  } else if (containers.length === 1) {
    errs = errs.also(validateUserContainer(containers[0]!, volumes, port, features).viaFieldIndex('containers', 0));
  } else if (features.multiContainer !== 'Enabled') {
    errs = errs.also(kn.make(`multi-container is off, but found ${containers.length} containers`, []));
  } else {
    const names = new Set<string>();
    containers.forEach((c, i) => {
      const name = str(c, 'name');
      if (names.has(name)) errs = errs.also(kn.make(`duplicate container name ${goQuote(name)}`, ['name']).viaFieldIndex('containers', i));
      else names.add(name);
      const e = list(c, 'ports').length === 0 ? validateSidecarContainer(c, volumes, features) : validateUserContainer(c, volumes, port, features);
      errs = errs.also(e.viaFieldIndex('containers', i));
    });
  }
  const sa = str(spec, 'serviceAccountName');
  if (sa !== '') for (const msg of isDns1123Subdomain(sa)) errs = errs.also(kn.invalidValue(sa, 'serviceAccountName', msg));
  return errs;
}

function validateInitContainers(inits: Json[], containers: Json[], volumes: VolumeMap, features: ServingFeatures): KnFieldError {
  if (inits.length === 0) return NONE;
  if (features.podSpecInitContainers !== 'Enabled') return kn.make(`pod spec support for init-containers is off, but found ${inits.length} init containers`, []);
  const names = new Set(containers.map((c) => str(c, 'name')));
  let errs = NONE;
  inits.forEach((c, i) => {
    const name = str(c, 'name');
    // Upstream checks init names against the serving containers only, and prefixes `containers`.
    if (names.has(name)) errs = errs.also(kn.make(`duplicate container name ${goQuote(name)}`, ['name'])).viaFieldIndex('containers', i);
    errs = errs.also(validateInitContainer(c, volumes, features).viaFieldIndex('containers', i));
  });
  return errs;
}

const INSECURE = 'Kubernetes default value is insecure, Knative may default this to secure in a future release';

/** Warnings for container security settings left at Kubernetes' insecure defaults. */
export function insecureDefaultWarnings(spec: Json): KnFieldError {
  const psc = obj(spec, 'securityContext') ?? {};
  const warn = (containerKey: 'containers' | 'initContainers'): KnFieldError =>
    list(spec, containerKey).reduce<KnFieldError>((errs, c, i) => {
      const sc = obj(c, 'securityContext') ?? {};
      let w = NONE;
      const insecure = (path: string): KnFieldError => kn.generic(INSECURE, path).at('Warning');
      if (psc.runAsNonRoot === undefined && sc.runAsNonRoot === undefined) w = w.also(insecure('runAsNonRoot'));
      if (sc.allowPrivilegeEscalation === undefined) w = w.also(insecure('allowPrivilegeEscalation'));
      const scSeccomp = obj(sc, 'seccompProfile');
      const pscSeccomp = obj(psc, 'seccompProfile');
      if (!scSeccomp && !pscSeccomp) w = w.also(insecure('seccompProfile'));
      else if (str(pscSeccomp, 'type') === '' && str(scSeccomp, 'type') === '') w = w.also(insecure('seccompProfile.type'));
      const caps = obj(sc, 'capabilities');
      if (!caps) w = w.also(insecure('capabilities'));
      else if (!Array.isArray(caps.drop)) w = w.also(insecure('capabilities.drop'));
      else if (caps.drop[0] === 'all') w = w.also(kn.invalidValue('all', 'capabilities.drop', "Must be spelled as 'ALL'").at('Warning'));
      return errs.also(w.via('securityContext').viaFieldIndex(containerKey, i));
    }, NONE);
  return warn('containers').also(warn('initContainers'));
}
