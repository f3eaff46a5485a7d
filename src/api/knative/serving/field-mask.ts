/**
 * Knative's "field masks" (knative/serving pkg/apis/serving/fieldmask.go): which fields of a
 * Kubernetes type a revision may set, some only behind config-features flags. A field outside
 * the mask that holds a non-zero value is reported as `must not set the field(s): <name>`.
 */
import type { ServingFeatures } from '../config.ts';
import type { KnFieldError } from '../field-error.ts';
import { kn, NONE } from '../field-errors.ts';
import { isObject } from '../util/json.ts';

/** Go's zero value after decoding (absent, null, false, 0, "", empty list or map). */
export function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).every((k) => isZero(v[k]));
  return false;
}

/** `must not set the field(s)` for every non-zero field of `o` outside `allowed`, names sorted. */
export function checkDisallowed(o: unknown, allowed: Iterable<string>): KnFieldError {
  if (!isObject(o)) return NONE;
  const ok = new Set(allowed);
  const bad = Object.keys(o).filter((k) => !ok.has(k) && !isZero(o[k])).sort();
  return bad.length > 0 ? kn.disallowedFields(...bad) : NONE;
}

const on = (flag: string): boolean => flag !== 'Disabled';

export function podSpecAllowed(f: ServingFeatures, podSpec: Record<string, unknown>): string[] {
  const allowed = ['serviceAccountName', 'containers', 'volumes', 'imagePullSecrets', 'enableServiceLinks'];
  // automountServiceAccountToken may only be turned off.
  if (podSpec.automountServiceAccountToken === false) allowed.push('automountServiceAccountToken');
  const gated: Array<[string, string]> = [
    ['affinity', f.podSpecAffinity],
    ['topologySpreadConstraints', f.podSpecTopologySpreadConstraints],
    ['hostAliases', f.podSpecHostAliases],
    ['nodeSelector', f.podSpecNodeSelector],
    ['runtimeClassName', f.podSpecRuntimeClassName],
    ['tolerations', f.podSpecTolerations],
    ['shareProcessNamespace', f.podSpecShareProcessNamespace],
    ['priorityClassName', f.podSpecPriorityClassName],
    ['schedulerName', f.podSpecSchedulerName],
    ['initContainers', f.podSpecInitContainers],
    ['dnsPolicy', f.podSpecDnsPolicy],
    ['dnsConfig', f.podSpecDnsConfig],
  ];
  for (const [field, flag] of gated) if (on(flag)) allowed.push(field);
  if (on(f.podSpecSecurityContext) || on(f.securePodDefaults)) allowed.push('securityContext');
  return allowed;
}

/** The revision-spec fields that are not PodSpec fields. */
export const REVISION_SPEC_FIELDS = ['containerConcurrency', 'timeoutSeconds', 'responseStartTimeoutSeconds', 'idleTimeoutSeconds'];

export const CONTAINER_ALLOWED = [
  'name', 'args', 'command', 'env', 'workingDir', 'envFrom', 'image', 'imagePullPolicy', 'livenessProbe', 'ports',
  'readinessProbe', 'resources', 'securityContext', 'startupProbe', 'terminationMessagePath', 'terminationMessagePolicy', 'volumeMounts',
];

export function volumeSourceAllowed(f: ServingFeatures): string[] {
  const allowed = ['name', 'secret', 'configMap', 'projected'];
  if (on(f.podSpecVolumesEmptyDir)) allowed.push('emptyDir');
  if (on(f.podSpecPersistentVolumeClaim)) allowed.push('persistentVolumeClaim');
  return allowed;
}

export function podSecurityContextAllowed(f: ServingFeatures, psc: Record<string, unknown>): string[] {
  const allowed: string[] = [];
  if (f.securePodDefaults === 'Enabled') {
    const seccomp = isObject(psc.seccompProfile) ? psc.seccompProfile.type : undefined;
    // Only the bare RuntimeDefault/Unconfined profile passes (a localhostProfile does not).
    if ((seccomp === 'RuntimeDefault' || seccomp === 'Unconfined') && isObject(psc.seccompProfile) && Object.keys(psc.seccompProfile).every((k) => k === 'type')) {
      allowed.push('seccompProfile');
    }
  }
  if (f.podSpecSecurityContext === 'Disabled') return allowed;
  return ['runAsUser', 'runAsGroup', 'runAsNonRoot', 'fsGroup', 'supplementalGroups', 'seccompProfile'];
}

export const SECURITY_CONTEXT_ALLOWED = ['capabilities', 'readOnlyRootFilesystem', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'allowPrivilegeEscalation', 'seccompProfile'];

export function capabilitiesAllowed(f: ServingFeatures, caps: Record<string, unknown>): string[] {
  if (f.containerSpecAddCapabilities === 'Enabled') return ['drop', 'add'];
  if (f.securePodDefaults === 'Enabled') {
    const add = caps.add;
    if (Array.isArray(add) && add.length === 1 && add[0] === 'NET_BIND_SERVICE') return ['drop', 'add'];
  }
  return ['drop'];
}

export const PROBE_ALLOWED = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'];
export const HTTP_GET_ALLOWED = ['host', 'path', 'scheme', 'httpHeaders', 'port'];
export const TCP_SOCKET_ALLOWED = ['host', 'port'];
export const GRPC_ALLOWED = ['port', 'service'];
export const EXEC_ALLOWED = ['command'];
export const CONTAINER_PORT_ALLOWED = ['containerPort', 'name', 'protocol'];
export const ENV_VAR_ALLOWED = ['name', 'value', 'valueFrom'];
export const ENV_FROM_ALLOWED = ['prefix', 'configMapRef', 'secretRef'];
export const ENV_SOURCE_REF_ALLOWED = ['name', 'optional'];
export const VOLUME_MOUNT_ALLOWED = ['name', 'readOnly', 'mountPath', 'subPath'];
export const RESOURCES_ALLOWED = ['limits', 'requests'];
export const KEY_TO_PATH_ALLOWED = ['key', 'path', 'mode'];
export const PROJECTION_ALLOWED = ['secret', 'configMap', 'serviceAccountToken', 'downwardAPI'];
export const CONFIGMAP_PROJECTION_ALLOWED = ['name', 'items', 'optional'];
export const SA_TOKEN_PROJECTION_ALLOWED = ['audience', 'expirationSeconds', 'path'];
export const DOWNWARD_FILE_ALLOWED = ['fieldRef', 'resourceFieldRef', 'path', 'mode'];

export function envVarSourceAllowed(f: ServingFeatures): string[] {
  const allowed = ['configMapKeyRef', 'secretKeyRef'];
  if (f.podSpecFieldRef !== 'Disabled') allowed.push('fieldRef', 'resourceFieldRef');
  return allowed;
}
