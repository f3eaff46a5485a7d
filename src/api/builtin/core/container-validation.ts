/**
 * Container validation as core validation.go does it (validateContainerCommon,
 * validateContainerPorts, ValidateEnv, probes, lifecycle handlers, resources), with its
 * messages: `spec.containers[0].image: Required value`,
 * `spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive`.
 */
import { fieldErr, type FieldError } from '../../field-error.ts';
import { inclusiveRangeError, isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isEnvVarName, isQualifiedName, isValidPortName, isValidPortNum } from '../util/names.ts';
import { isNil, isObj, num, obj, objs, str, strs, type Obj } from '../util/obj.ts';
import { parseQuantity, QUANTITY_FORMAT_ERROR, quantityText } from '../util/quantity.ts';

const NEGATIVE = 'must be greater than or equal to 0';
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function dns1123Label(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((m) => fieldErr.invalid(path, value, m));
}

export function dns1123Subdomain(value: string, path: string): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => fieldErr.invalid(path, value, m));
}

export function qualifiedName(value: string, path: string): FieldError[] {
  return isQualifiedName(value).map((m) => fieldErr.invalid(path, value, m));
}

export function nonNegative(value: unknown, path: string): FieldError[] {
  const n = num(value);
  return n !== undefined && n < 0 ? [fieldErr.invalid(path, n, NEGATIVE)] : [];
}

/** ValidatePortNumOrName: an IntOrString that is a port number or an IANA_SVC_NAME. */
export function portNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => fieldErr.invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => fieldErr.invalid(path, port, m));
  return isValidPortNum(0).map((m) => fieldErr.invalid(path, 0, m));
}

export function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  objs(ports).forEach((p, i) => {
    const at = `${path}[${i}]`;
    const name = str(p.name);
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length) errs.push(...msgs.map((m) => fieldErr.invalid(`${at}.name`, name, m)));
      else if (names.has(name)) errs.push(fieldErr.duplicate(`${at}.name`, name));
      else names.add(name);
    }
    const containerPort = num(p.containerPort) ?? 0;
    if (containerPort === 0) errs.push(fieldErr.required(`${at}.containerPort`));
    else errs.push(...isValidPortNum(containerPort).map((m) => fieldErr.invalid(`${at}.containerPort`, containerPort, m)));
    const hostPort = num(p.hostPort) ?? 0;
    if (hostPort !== 0) errs.push(...isValidPortNum(hostPort).map((m) => fieldErr.invalid(`${at}.hostPort`, hostPort, m)));
    const protocol = str(p.protocol);
    if (protocol === '') errs.push(fieldErr.required(`${at}.protocol`));
    else if (!PROTOCOLS.includes(protocol)) errs.push(fieldErr.notSupported(`${at}.protocol`, protocol, PROTOCOLS));
  });
  return errs;
}

const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const RESOURCE_FIELD_PATHS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];

/** validateObjectFieldSelector for env vars (downward API volumes allow a different set). */
export function validateFieldRef(ref: Obj, allowed: readonly string[], path: string): FieldError[] {
  if (str(ref.apiVersion) === '') return [fieldErr.required(`${path}.apiVersion`)];
  const fieldPath = str(ref.fieldPath);
  if (fieldPath === '') return [fieldErr.required(`${path}.fieldPath`)];
  const sub = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fieldPath);
  if (sub) return qualifiedName(sub[1] === 'metadata.annotations' ? sub[2]!.toLowerCase() : sub[2]!, path);
  return allowed.includes(fieldPath) ? [] : [fieldErr.notSupported(`${path}.fieldPath`, fieldPath, allowed)];
}

function keySelector(ref: Obj, path: string): FieldError[] {
  const errs = dns1123Subdomain(str(ref.name), `${path}.name`);
  const key = str(ref.key);
  if (key === '') errs.push(fieldErr.required(`${path}.key`));
  else errs.push(...isConfigMapKey(key).map((m) => fieldErr.invalid(`${path}.key`, key, m)));
  return errs;
}

function validateEnvValueFrom(env: Obj, path: string): FieldError[] {
  if (isNil(env.valueFrom)) return [];
  const from = obj(env.valueFrom);
  const errs: FieldError[] = [];
  let sources = 0;
  if (isObj(from.fieldRef)) {
    sources++;
    errs.push(...validateFieldRef(from.fieldRef, ENV_FIELD_PATHS, `${path}.fieldRef`));
  }
  if (isObj(from.resourceFieldRef)) {
    sources++;
    const resource = str(from.resourceFieldRef.resource);
    if (resource === '') errs.push(fieldErr.required(`${path}.resourceFieldRef.resource`));
    else if (!RESOURCE_FIELD_PATHS.includes(resource) && !/^(requests|limits)\.hugepages-/.test(resource)) {
      errs.push(fieldErr.notSupported(`${path}.resourceFieldRef.resource`, resource, RESOURCE_FIELD_PATHS));
    }
  }
  if (isObj(from.configMapKeyRef)) {
    sources++;
    errs.push(...keySelector(from.configMapKeyRef, `${path}.configMapKeyRef`));
  }
  if (isObj(from.secretKeyRef)) {
    sources++;
    errs.push(...keySelector(from.secretKeyRef, `${path}.secretKeyRef`));
  }
  if (sources === 0) errs.push(fieldErr.invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (str(env.value) !== '') errs.push(fieldErr.invalid(path, '', 'may not be specified when `value` is not empty'));
  else if (sources > 1) errs.push(fieldErr.invalid(path, '', 'may not have more than one field specified at a time'));
  return errs;
}

export function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  objs(env).forEach((e, i) => {
    const at = `${path}[${i}]`;
    const name = str(e.name);
    if (name === '') errs.push(fieldErr.required(`${at}.name`));
    else errs.push(...isEnvVarName(name).map((m) => fieldErr.invalid(`${at}.name`, name, m)));
    errs.push(...validateEnvValueFrom(e, `${at}.valueFrom`));
  });
  return errs;
}

function validateEnvFrom(envFrom: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  objs(envFrom).forEach((e, i) => {
    const at = `${path}[${i}]`;
    const prefix = str(e.prefix);
    if (prefix !== '') errs.push(...isEnvVarName(prefix).map((m) => fieldErr.invalid(`${at}.prefix`, prefix, m)));
    let sources = 0;
    for (const key of ['configMapRef', 'secretRef'] as const) {
      if (!isObj(e[key])) continue;
      sources++;
      const name = str(e[key].name);
      if (name === '') errs.push(fieldErr.required(`${at}.${key}.name`));
      else errs.push(...isDNS1123Subdomain(name).map((m) => fieldErr.invalid(`${at}.${key}.name`, name, m)));
    }
    if (sources === 0) errs.push(fieldErr.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (sources > 1) errs.push(fieldErr.invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

/** validateHandler: exactly one of exec, httpGet, tcpSocket, grpc (probes) or sleep (lifecycle). */
function validateHandler(handler: Obj, kinds: readonly string[], gracePeriod: number, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of kinds) {
    if (isNil(handler[kind])) continue;
    if (count > 0) {
      errs.push(fieldErr.forbidden(`${path}.${kind}`, 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    const h = obj(handler[kind]);
    const at = `${path}.${kind}`;
    if (kind === 'exec' && strs(h.command).length === 0) errs.push(fieldErr.required(`${at}.command`));
    if (kind === 'httpGet') {
      if (str(h.path) === '') errs.push(fieldErr.required(`${at}.path`));
      errs.push(...portNumOrName(h.port, `${at}.port`));
      const scheme = str(h.scheme);
      if (scheme !== 'HTTP' && scheme !== 'HTTPS') errs.push(fieldErr.notSupported(`${at}.scheme`, scheme, ['HTTP', 'HTTPS']));
    }
    if (kind === 'tcpSocket') errs.push(...portNumOrName(h.port, `${at}.port`));
    if (kind === 'grpc') errs.push(...portNumOrName(num(h.port) ?? 0, `${at}.port`));
    if (kind === 'sleep') {
      const seconds = num(h.seconds) ?? 0;
      if (seconds <= 0 || seconds > gracePeriod) errs.push(fieldErr.invalid(at, seconds, `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod})`));
    }
  }
  if (count === 0) errs.push(fieldErr.required(path, 'must specify a handler type'));
  return errs;
}

type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

export function validateProbe(probe: unknown, kind: ProbeKind, gracePeriod: number, path: string): FieldError[] {
  if (isNil(probe)) return [];
  const p = obj(probe);
  const errs = validateHandler(p, ['exec', 'httpGet', 'tcpSocket', 'grpc'], gracePeriod, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) errs.push(...nonNegative(p[f], `${path}.${f}`));
  const tgps = num(p.terminationGracePeriodSeconds);
  if (tgps !== undefined && tgps <= 0) errs.push(fieldErr.invalid(`${path}.terminationGracePeriodSeconds`, tgps, 'must be greater than 0'));
  if (kind !== 'readinessProbe' && (num(p.successThreshold) ?? 0) !== 1) errs.push(fieldErr.invalid(`${path}.successThreshold`, num(p.successThreshold) ?? 0, 'must be 1'));
  if (kind === 'readinessProbe' && tgps !== undefined) errs.push(fieldErr.invalid(`${path}.terminationGracePeriodSeconds`, tgps, 'must not be set for readinessProbes'));
  return errs;
}

export function validateLifecycle(lifecycle: unknown, gracePeriod: number, path: string): FieldError[] {
  const l = obj(lifecycle);
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop']) {
    if (!isNil(l[hook])) errs.push(...validateHandler(obj(l[hook]), ['exec', 'httpGet', 'tcpSocket', 'sleep'], gracePeriod, `${path}.${hook}`));
  }
  return errs;
}

const STANDARD_CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];

function validateResourceList(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, quantity] of Object.entries(obj(list))) {
    const at = `${path}[${name}]`;
    const nameErrs = isQualifiedName(name).map((m) => fieldErr.invalid(at, name, m));
    errs.push(...nameErrs);
    if (nameErrs.length === 0 && !name.includes('/') && !STANDARD_CONTAINER_RESOURCES.includes(name) && !name.startsWith('hugepages-')) {
      errs.push(fieldErr.invalid(at, name, 'must be a standard resource for containers'));
    }
    const value = parseQuantity(quantity);
    if (value === undefined) errs.push(fieldErr.invalid(at, quantityText(quantity), QUANTITY_FORMAT_ERROR));
    else if (value < 0) errs.push(fieldErr.invalid(at, quantityText(quantity), NEGATIVE));
  }
  return errs;
}

function validateResources(resources: unknown, path: string): FieldError[] {
  const r = obj(resources);
  const errs = [...validateResourceList(r.limits, `${path}.limits`), ...validateResourceList(r.requests, `${path}.requests`)];
  const limits = obj(r.limits);
  for (const [name, quantity] of Object.entries(obj(r.requests))) {
    if (!(name in limits)) continue;
    const req = parseQuantity(quantity);
    const lim = parseQuantity(limits[name]);
    if (req !== undefined && lim !== undefined && req > lim) {
      errs.push(fieldErr.invalid(`${path}.requests`, quantityText(quantity), `must be less than or equal to ${name} limit of ${quantityText(limits[name])}`));
    }
  }
  return errs;
}

function validateSecurityContext(sc: unknown, path: string): FieldError[] {
  const s = obj(sc);
  const errs: FieldError[] = [];
  for (const f of ['runAsUser', 'runAsGroup']) {
    const id = num(s[f]);
    if (id !== undefined && (id < 0 || id > 2147483647)) errs.push(fieldErr.invalid(`${path}.${f}`, id, inclusiveRangeError(0, 2147483647)));
  }
  if (s.allowPrivilegeEscalation === false && s.privileged === true) {
    errs.push(fieldErr.invalid(path, s, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  return errs;
}

function validateVolumeMounts(mounts: unknown, volumes: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  objs(mounts).forEach((m, i) => {
    const at = `${path}[${i}]`;
    const name = str(m.name);
    if (name === '') errs.push(fieldErr.required(`${at}.name`));
    if (!volumes.has(name)) errs.push({ type: 'FieldValueNotFound', field: `${at}.name`, value: name });
    const mountPath = str(m.mountPath);
    if (mountPath === '') errs.push(fieldErr.required(`${at}.mountPath`));
    if (mountPaths.has(mountPath)) errs.push(fieldErr.invalid(`${at}.mountPath`, mountPath, 'must be unique'));
    mountPaths.add(mountPath);
    const subPath = str(m.subPath);
    // Go reports these at volumeMounts.subPath, without the index.
    if (subPath.startsWith('/')) errs.push(fieldErr.invalid(`${path}.subPath`, subPath, 'must be a relative path'));
    if (subPath !== '' && subPath.split('/').includes('..')) errs.push(fieldErr.invalid(`${path}.subPath`, subPath, "must not contain '..'"));
  });
  return errs;
}

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];

/** validateContainerCommon: what every container (regular, init, ephemeral) must satisfy. */
export function validateContainerCommon(c: Obj, volumes: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name);
  if (name === '') errs.push(fieldErr.required(`${path}.name`));
  else errs.push(...dns1123Label(name, `${path}.name`));
  if (str(c.image) === '') errs.push(fieldErr.required(`${path}.image`));
  const tmp = str(c.terminationMessagePolicy);
  if (tmp === '') errs.push(fieldErr.required(`${path}.terminationMessagePolicy`));
  else if (!MESSAGE_POLICIES.includes(tmp)) errs.push(fieldErr.notSupported(`${path}.terminationMessagePolicy`, tmp, MESSAGE_POLICIES));
  errs.push(...validateContainerPorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateEnvFrom(c.envFrom, `${path}.envFrom`));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, `${path}.volumeMounts`));
  const pull = str(c.imagePullPolicy);
  if (pull === '') errs.push(fieldErr.required(`${path}.imagePullPolicy`));
  else if (!PULL_POLICIES.includes(pull)) errs.push(fieldErr.notSupported(`${path}.imagePullPolicy`, pull, PULL_POLICIES));
  errs.push(...validateResources(c.resources, `${path}.resources`));
  errs.push(...validateSecurityContext(c.securityContext, `${path}.securityContext`));
  return errs;
}

/** Host ports must not collide (protocol/hostIP/port) across the given containers. */
export function hostPortConflicts(containers: readonly Obj[], path: string, seen = new Set<string>(), offset = 0): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    objs(c.ports).forEach((p, pi) => {
      const port = num(p.hostPort) ?? 0;
      if (port === 0) return;
      const key = `${str(p.protocol)}/${str(p.hostIP)}/${port}`;
      if (seen.has(key)) errs.push(fieldErr.duplicate(`${path}[${ci + offset}].ports[${pi}].hostPort`, key));
      else seen.add(key);
    });
  });
  return errs;
}

