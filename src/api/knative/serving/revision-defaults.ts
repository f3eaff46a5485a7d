/**
 * Defaulting of a revision spec (Revision.spec and the template spec of a Service or
 * Configuration), as knative/serving pkg/apis/serving/v1/revision_defaults.go does it:
 * timeoutSeconds 300, containerConcurrency 0, container names `user-container` (or
 * `user-container-N` with several), `resources: {}`, the default readiness probe
 * (`tcpSocket: {port: 0}`, `successThreshold: 1`), `enableServiceLinks: false` on create,
 * read-only mounts for secret/configMap/projected volumes, gRPC probe service "" and,
 * with `secure-pod-defaults`, the restricted security context.
 */
import type { ObjectMeta } from '../../object.ts';
import type { ServingDefaults, ServingFeatures } from '../config.ts';
import { childName } from '../util/kmeta.ts';
import type { Json } from '../util/json.ts';
import { ensureObj, has, isObject, list, obj, str } from '../util/json.ts';

export interface RevisionDefaultsInput {
  defaults: ServingDefaults;
  features: ServingFeatures;
  /** Metadata of the Service/Configuration whose template this is (container name templates read it). */
  parent?: ObjectMeta;
  /** enableServiceLinks is defaulted on create only. */
  isCreate: boolean;
}

/** Expands the Go template of `container-name-template` for the parent's metadata. */
export function containerNameFromTemplate(template: string, parent: ObjectMeta | undefined): string {
  const fields: Record<string, string> = {
    Name: parent?.name ?? '',
    Namespace: parent?.namespace ?? '',
    GenerateName: parent?.generateName ?? '',
    UID: parent?.uid ?? '',
  };
  return template.replace(/\{\{-?\s*\.(\w+)\s*-?\}\}/g, (_m, field: string) => fields[field] ?? '');
}

function containersOf(spec: Json, key: 'containers' | 'initContainers'): Json[] {
  return list(spec, key).filter(isObject);
}

function applyDefaultContainerNames(containers: Json[], taken: Set<string>, defaultName: string): void {
  let nextSuffix = 0;
  for (const c of containers) {
    if (str(c, 'name') !== '') continue;
    let name = defaultName;
    if (containers.length > 1 || taken.has(name)) {
      do {
        name = childName(defaultName, `-${nextSuffix}`);
        nextSuffix++;
      } while (taken.has(name));
    }
    c.name = name;
  }
}

function hasProbeHandler(probe: Json): boolean {
  return has(probe, 'tcpSocket') || has(probe, 'httpGet') || has(probe, 'exec') || has(probe, 'grpc');
}

function applyContainerDefaults(spec: Json, container: Json, input: RevisionDefaultsInput, containerCount: number): void {
  const resources = ensureObj(container, 'resources');
  if (resources) {
    const d = input.defaults;
    const wanted: Array<[string, string | undefined, string | undefined]> = [
      ['cpu', d.revisionCpuRequest, d.revisionCpuLimit],
      ['memory', d.revisionMemoryRequest, d.revisionMemoryLimit],
      ['ephemeral-storage', d.revisionEphemeralStorageRequest, d.revisionEphemeralStorageLimit],
    ];
    for (const [name, request, limit] of wanted) {
      if (request !== undefined) {
        const requests = ensureObj(resources, 'requests');
        if (requests && requests[name] === undefined) requests[name] = request;
      }
      if (limit !== undefined) {
        const limits = ensureObj(resources, 'limits');
        if (limits && limits[name] === undefined) limits[name] = limit;
      }
    }
  }

  // The serving container (the only one, or the one with a port) gets the default probe.
  if (containerCount === 1 || list(container, 'ports').length !== 0) {
    const probe = ensureObj(container, 'readinessProbe');
    if (probe && !hasProbeHandler(probe)) probe.tcpSocket = { port: 0 };
  }
  const readiness = obj(container, 'readinessProbe');
  if (readiness) {
    if (!readiness.successThreshold) readiness.successThreshold = 1;
    if (readiness.periodSeconds) {
      if (!readiness.failureThreshold) readiness.failureThreshold = 3;
      if (!readiness.timeoutSeconds) readiness.timeoutSeconds = 1;
    }
  }
  for (const probeKey of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
    const grpc = obj(obj(container, probeKey), 'grpc');
    if (grpc && grpc.service === undefined) grpc.service = '';
  }

  if (spec.enableServiceLinks === undefined && input.isCreate && input.defaults.enableServiceLinks !== undefined) {
    spec.enableServiceLinks = input.defaults.enableServiceLinks;
  }

  // Only emptyDir and PVC volumes may be written; every other mount is made read-only.
  const writable = new Set(list(spec, 'volumes').filter(isObject).filter((v) => has(v, 'emptyDir') || has(v, 'persistentVolumeClaim')).map((v) => str(v, 'name')));
  for (const mount of list(container, 'volumeMounts').filter(isObject)) {
    if (!writable.has(str(mount, 'name'))) mount.readOnly = true;
  }
}

function applySecureDefaults(spec: Json, container: Json): void {
  const psc = obj(spec, 'securityContext') ?? {};
  const sc: Json = obj(container, 'securityContext') ?? {};
  if (sc.allowPrivilegeEscalation === undefined) sc.allowPrivilegeEscalation = false;
  const podSeccomp = obj(psc, 'seccompProfile');
  if (!podSeccomp || str(podSeccomp, 'type') === '') {
    const seccomp = (obj(sc, 'seccompProfile') ?? (sc.seccompProfile = {})) as Json;
    if (str(seccomp, 'type') === '') seccomp.type = 'RuntimeDefault';
  }
  if (sc.capabilities === undefined) {
    const capabilities: Json = { drop: ['ALL'] };
    const needsLowPort = list(container, 'ports').some((p) => isObject(p) && typeof p.containerPort === 'number' && p.containerPort < 1024);
    if (needsLowPort) capabilities.add = ['NET_BIND_SERVICE'];
    sc.capabilities = capabilities;
  }
  if (psc.runAsNonRoot === undefined) sc.runAsNonRoot = true;
  if (Object.keys(sc).length > 0) container.securityContext = sc;
}

/** Applies the revision-spec defaults to `spec` in place. */
export function defaultRevisionSpec(spec: Json, input: RevisionDefaultsInput): void {
  const d = input.defaults;
  if (typeof spec.timeoutSeconds !== 'number' || spec.timeoutSeconds === 0) spec.timeoutSeconds = d.revisionTimeoutSeconds;
  const timeout = spec.timeoutSeconds as number;
  // Idle and response-start timeouts are set only when configured non-zero and below the timeout.
  if (spec.idleTimeoutSeconds === undefined && d.revisionIdleTimeoutSeconds !== 0 && d.revisionIdleTimeoutSeconds < timeout) {
    spec.idleTimeoutSeconds = d.revisionIdleTimeoutSeconds;
  }
  if (spec.responseStartTimeoutSeconds === undefined && d.revisionResponseStartTimeoutSeconds !== 0 && d.revisionResponseStartTimeoutSeconds < timeout) {
    spec.responseStartTimeoutSeconds = d.revisionResponseStartTimeoutSeconds;
  }
  if (spec.containerConcurrency === undefined || spec.containerConcurrency === null) spec.containerConcurrency = d.containerConcurrency;

  const containers = containersOf(spec, 'containers');
  const initContainers = containersOf(spec, 'initContainers');
  const taken = new Set([...containers, ...initContainers].map((c) => str(c, 'name')));
  applyDefaultContainerNames(containers, taken, containerNameFromTemplate(d.userContainerNameTemplate, input.parent));
  applyDefaultContainerNames(initContainers, taken, containerNameFromTemplate(d.initContainerNameTemplate, input.parent));
  const secure = input.features.securePodDefaults === 'Enabled';
  for (const c of containers) {
    applyContainerDefaults(spec, c, input, containers.length);
    if (secure) applySecureDefaults(spec, c);
  }
  if (secure) for (const c of initContainers) applySecureDefaults(spec, c);
}
