/**
 * Validation of one container of a revision (knative/serving pkg/apis/serving/k8s_validation.go):
 * reserved names, environment variables and ports, the image reference, probes (which must
 * target the serving port), resources, security context and volume mounts.
 */
import type { ServingFeatures } from '../config.ts';
import type { KnFieldError } from '../field-error.ts';
import { CURRENT_FIELD, goQuote, kn, NONE } from '../field-errors.ts';
import { imageReferenceError } from '../util/image-ref.ts';
import type { Json } from '../util/json.ts';
import { has, isObject, list, obj, str } from '../util/json.ts';
import {
  capabilitiesAllowed, checkDisallowed, CONTAINER_ALLOWED, CONTAINER_PORT_ALLOWED, ENV_FROM_ALLOWED, ENV_SOURCE_REF_ALLOWED,
  ENV_VAR_ALLOWED, envVarSourceAllowed, EXEC_ALLOWED, GRPC_ALLOWED, HTTP_GET_ALLOWED, isZero, PROBE_ALLOWED, RESOURCES_ALLOWED,
  SECURITY_CONTEXT_ALLOWED, TCP_SOCKET_ALLOWED, VOLUME_MOUNT_ALLOWED,
} from './field-mask.ts';

export type ContainerRole = 'user' | 'sidecar' | 'init';

/** The serving port: the first port of any container, defaulted to http/8080. */
export interface ServingPort { name: string; containerPort: number }

const MAX_INT32 = 2147483647;
const RESERVED_CONTAINER_NAMES = new Set(['queue-proxy']);
const RESERVED_ENV = new Set(['PORT', 'K_SERVICE', 'K_CONFIGURATION', 'K_REVISION']);
const RESERVED_SIDECAR_ENV = new Set(['K_SERVICE', 'K_CONFIGURATION', 'K_REVISION']);
// queue-proxy's 8012/8013/8022/9090/9091 and the profiling port 8008.
const RESERVED_PORTS = new Set([8012, 8013, 8022, 9090, 9091, 8008]);
const VALID_PORT_NAMES = new Set(['h2c', 'http1', '']);
const RESERVED_PATHS = new Set(['/', '/dev', '/dev/log']);

/** A volume as validateVolumes recorded it, keyed by name. */
export type VolumeMap = ReadonlyMap<string, Json>;

function validateEnv(env: unknown[], role: ContainerRole, features: ServingFeatures): KnFieldError {
  let errs = NONE;
  const reserved = role === 'user' ? RESERVED_ENV : RESERVED_SIDECAR_ENV;
  env.forEach((e, i) => {
    let ee = checkDisallowed(e, ENV_VAR_ALLOWED);
    const name = str(e, 'name');
    if (name === '') ee = ee.also(kn.missingField('name'));
    else if (reserved.has(name)) ee = ee.also(kn.make(`${goQuote(name)} is a reserved environment variable`, ['name']));
    const valueFrom = obj(e, 'valueFrom');
    if (valueFrom) ee = ee.also(checkDisallowed(valueFrom, envVarSourceAllowed(features)).via('valueFrom'));
    errs = errs.also(ee.viaIndex(i));
  });
  return errs;
}

function validateEnvFrom(envFrom: unknown[]): KnFieldError {
  let errs = NONE;
  envFrom.forEach((e, i) => {
    errs = errs.also(checkDisallowed(e, ENV_FROM_ALLOWED).viaIndex(i));
    const cm = obj(e, 'configMapRef');
    const sm = obj(e, 'secretRef');
    // Upstream applies the index and field to everything gathered so far; kept as written.
    if (sm) errs = errs.also(checkDisallowed(sm, ENV_SOURCE_REF_ALLOWED).viaIndex(i)).viaIndex(i).via('secretRef');
    if (cm) errs = errs.also(checkDisallowed(cm, ENV_SOURCE_REF_ALLOWED).viaIndex(i)).viaIndex(i).via('configMapRef');
    if (cm && sm) errs = errs.also(kn.multipleOneOf('configMapRef', 'secretRef'));
    else if (!cm && !sm) errs = errs.also(kn.missingOneOf('configMapRef', 'secretRef'));
  });
  return errs;
}

function validatePortBasic(port: unknown): KnFieldError {
  let errs = checkDisallowed(port, CONTAINER_PORT_ALLOWED);
  const p = isObject(port) && typeof port.containerPort === 'number' ? port.containerPort : 0;
  if (RESERVED_PORTS.has(p)) errs = errs.also(kn.invalidValue(`${p} is a reserved port`, 'containerPort', `${p} is a reserved port, please use a different value`));
  if (p < 0 || p > 65535) errs = errs.also(kn.outOfBounds(p, 0, 65535, 'containerPort'));
  return errs;
}

function validateContainerPorts(ports: unknown[], role: ContainerRole): KnFieldError {
  if (ports.length === 0) return NONE;
  if (role === 'init') return ports.reduce<KnFieldError>((errs, p) => errs.also(validatePortBasic(p)), NONE);
  const userPort = ports[0];
  let errs = validatePortBasic(userPort);
  const protocol = str(userPort, 'protocol');
  if (protocol !== '' && protocol !== 'TCP') errs = errs.also(kn.invalidValue(protocol, 'protocol'));
  const name = str(userPort, 'name');
  if (!VALID_PORT_NAMES.has(name)) {
    errs = errs.also(kn.make(`Port name ${name} is not allowed`, [CURRENT_FIELD], "Name must be empty, or one of: 'h2c', 'http1'"));
  }
  return errs;
}

function intOrStringText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '0';
}

/** validateProbe: one handler, and a handler port that matches the serving port. */
export function validateProbe(probe: unknown, port: ServingPort | undefined, isUserContainer: boolean): KnFieldError {
  if (!isObject(probe)) return NONE;
  let errs = checkDisallowed(probe, PROBE_ALLOWED);
  const handlers: string[] = [];
  const checkPort = (action: Json, field: string): void => {
    const p = action.port;
    const strVal = typeof p === 'string' ? p : '';
    const intVal = typeof p === 'number' ? p : 0;
    if (isUserContainer) {
      if (strVal !== '' && strVal !== port?.name) errs = errs.also(kn.invalidValue(intOrStringText(p), `${field}.port`, 'Probe port must match container port'));
    } else if (strVal === '' && intVal === 0) {
      errs = errs.also(kn.invalidValue(intOrStringText(p), `${field}.port`, 'Probe port must be specified'));
    }
  };
  const httpGet = obj(probe, 'httpGet');
  if (httpGet) {
    handlers.push('httpGet');
    errs = errs.also(checkDisallowed(httpGet, HTTP_GET_ALLOWED)).via('httpGet');
    checkPort(httpGet, 'httpGet');
  }
  const tcp = obj(probe, 'tcpSocket');
  if (tcp) {
    handlers.push('tcpSocket');
    errs = errs.also(checkDisallowed(tcp, TCP_SOCKET_ALLOWED)).via('tcpSocket');
    checkPort(tcp, 'tcpSocket');
  }
  const exec = obj(probe, 'exec');
  if (exec) {
    handlers.push('exec');
    errs = errs.also(checkDisallowed(exec, EXEC_ALLOWED)).via('exec');
  }
  const grpc = obj(probe, 'grpc');
  if (grpc) {
    handlers.push('gRPC');
    errs = errs.also(checkDisallowed(grpc, GRPC_ALLOWED)).via('grpc');
  }
  if (handlers.length === 0) errs = errs.also(kn.missingOneOf('httpGet', 'tcpSocket', 'exec', 'grpc'));
  else if (handlers.length > 1) errs = errs.also(kn.multipleOneOf(...handlers));
  return errs;
}

export function validateReadinessProbe(probe: unknown, port: ServingPort | undefined, isUserContainer: boolean): KnFieldError {
  if (!isObject(probe)) return NONE;
  let errs = validateProbe(probe, port, isUserContainer);
  const n = (k: string): number => (typeof probe[k] === 'number' ? (probe[k] as number) : 0);
  if (n('periodSeconds') < 0) errs = errs.also(kn.outOfBounds(n('periodSeconds'), 0, MAX_INT32, 'periodSeconds'));
  if (n('initialDelaySeconds') < 0) errs = errs.also(kn.outOfBounds(n('initialDelaySeconds'), 0, MAX_INT32, 'initialDelaySeconds'));
  if (n('successThreshold') < 1) errs = errs.also(kn.outOfBounds(n('successThreshold'), 1, MAX_INT32, 'successThreshold'));
  // periodSeconds 0 is Knative's aggressive probing, which fixes its own timeout and threshold.
  if (n('periodSeconds') === 0) {
    if (n('failureThreshold') !== 0) errs = errs.also(kn.make('failureThreshold is disallowed when periodSeconds is zero', ['failureThreshold']));
    if (n('timeoutSeconds') !== 0) errs = errs.also(kn.make('timeoutSeconds is disallowed when periodSeconds is zero', ['timeoutSeconds']));
  } else {
    if (n('timeoutSeconds') < 1) errs = errs.also(kn.outOfBounds(n('timeoutSeconds'), 1, MAX_INT32, 'timeoutSeconds'));
    if (n('failureThreshold') < 1) errs = errs.also(kn.outOfBounds(n('failureThreshold'), 1, MAX_INT32, 'failureThreshold'));
  }
  return errs;
}

function validateSecurityContext(sc: unknown, features: ServingFeatures): KnFieldError {
  if (!isObject(sc)) return NONE;
  let errs = checkDisallowed(sc, SECURITY_CONTEXT_ALLOWED);
  const caps = obj(sc, 'capabilities');
  if (caps) errs = errs.also(checkDisallowed(caps, capabilitiesAllowed(features, caps)).via('capabilities'));
  for (const field of ['runAsUser', 'runAsGroup']) {
    const v = sc[field];
    if (typeof v === 'number' && (v < 0 || v > MAX_INT32)) errs = errs.also(kn.outOfBounds(v, 0, MAX_INT32, field));
  }
  return errs;
}

function cleanPath(p: string): string {
  const abs = p.startsWith('/');
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!abs) parts.push('..');
    } else parts.push(seg);
  }
  const out = (abs ? '/' : '') + parts.join('/');
  return out === '' ? '.' : out;
}

function validateVolumeMounts(mounts: unknown[], volumes: VolumeMap): KnFieldError {
  let errs = NONE;
  const seenMountPath = new Set<string>();
  mounts.forEach((m, i) => {
    errs = errs.also(checkDisallowed(m, VOLUME_MOUNT_ALLOWED).viaIndex(i));
    const name = str(m, 'name');
    const volume = volumes.get(name);
    if (!volume) errs = errs.also(kn.make('volumeMount has no matching volume', ['name']).viaIndex(i));
    const mountPath = str(m, 'mountPath');
    const clean = cleanPath(mountPath);
    if (mountPath === '') errs = errs.also(kn.missingField('mountPath').viaIndex(i));
    else if (RESERVED_PATHS.has(clean)) errs = errs.also(kn.make(`mountPath ${goQuote(clean)} is a reserved path`, ['mountPath']).viaIndex(i));
    else if (!mountPath.startsWith('/')) errs = errs.also(kn.invalidValue(mountPath, 'mountPath').viaIndex(i));
    else if (seenMountPath.has(clean)) errs = errs.also(kn.invalidValue(`${goQuote(mountPath)} must be unique`, 'mountPath').viaIndex(i));
    seenMountPath.add(clean);
    const readOnly = isObject(m) && m.readOnly === true;
    const writableVolume = has(volume, 'emptyDir') || has(volume, 'persistentVolumeClaim');
    if (!writableVolume && !readOnly) errs = errs.also(kn.make('volume mount should be readOnly for this type of volume', ['readOnly']).viaIndex(i));
    const pvc = obj(volume, 'persistentVolumeClaim');
    if (pvc && pvc.readOnly === true && !readOnly) errs = errs.also(kn.make('volume is readOnly but volume mount is not', ['readOnly']).viaIndex(i));
  });
  return errs;
}

/** The checks every container gets (Go's `validate`). */
function validateCommon(container: Json, role: ContainerRole, volumes: VolumeMap, features: ServingFeatures): KnFieldError {
  if (isZero(container)) return kn.missingField(CURRENT_FIELD);
  let errs = checkDisallowed(container, CONTAINER_ALLOWED);
  const name = str(container, 'name');
  if (RESERVED_CONTAINER_NAMES.has(name)) errs = errs.also(kn.make(`${goQuote(name)} is a reserved container name`, ['name']));
  errs = errs.also(validateEnv(list(container, 'env'), role, features).via('env'));
  errs = errs.also(validateEnvFrom(list(container, 'envFrom')).via('envFrom'));
  const image = str(container, 'image');
  if (image === '') {
    errs = errs.also(kn.missingField('image'));
  } else {
    const problem = imageReferenceError(image);
    if (problem) errs = errs.also(kn.make('Failed to parse image reference', ['image'], `image: ${goQuote(image)}, error: ${problem}`));
  }
  errs = errs.also(validateContainerPorts(list(container, 'ports'), role).via('ports'));
  errs = errs.also(checkDisallowed(obj(container, 'resources'), RESOURCES_ALLOWED).via('resources'));
  errs = errs.also(validateSecurityContext(container.securityContext, features).via('securityContext'));
  const tmp = str(container, 'terminationMessagePolicy');
  if (tmp !== '' && tmp !== 'File' && tmp !== 'FallbackToLogsOnError') errs = errs.also(kn.invalidValue(tmp, 'terminationMessagePolicy'));
  errs = errs.also(validateVolumeMounts(list(container, 'volumeMounts'), volumes).via('volumeMounts'));
  return errs;
}

export function validateUserContainer(container: Json, volumes: VolumeMap, port: ServingPort, features: ServingFeatures): KnFieldError {
  return validateProbe(container.livenessProbe, port, true).via('livenessProbe')
    .also(validateReadinessProbe(container.readinessProbe, port, true).via('readinessProbe'))
    .also(validateCommon(container, 'user', volumes, features));
}

export function validateSidecarContainer(container: Json, volumes: VolumeMap, features: ServingFeatures): KnFieldError {
  let errs = NONE;
  if (features.multiContainerProbing !== 'Enabled') {
    // Without multi-container probing a sidecar may only carry an empty probe.
    for (const key of ['livenessProbe', 'readinessProbe']) {
      if (isObject(container[key])) errs = errs.also(checkDisallowed(container[key], []).via(key));
    }
  } else {
    errs = errs.also(validateProbe(container.livenessProbe, undefined, false).via('livenessProbe'));
    errs = errs.also(validateReadinessProbe(container.readinessProbe, undefined, false).via('readinessProbe'));
  }
  return errs.also(validateCommon(container, 'sidecar', volumes, features));
}

export function validateInitContainer(container: Json, volumes: VolumeMap, features: ServingFeatures): KnFieldError {
  let errs = NONE;
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle']) {
    if (has(container, key)) errs = errs.also(kn.make('field not allowed in an init container', [key]));
  }
  return errs.also(validateCommon(container, 'init', volumes, features));
}
