/**
 * The pod changes of kube-apiserver's ServiceAccount admission plugin
 * (plugin/pkg/admission/serviceaccount), as pure functions over a pod and its
 * ServiceAccount: which account a pod runs as, whether it gets the API credentials, and the
 * `kube-api-access-<random>` projected volume with its mounts, built exactly as Kubernetes
 * 1.32 builds them (the stored pod must look like one kubectl has seen elsewhere).
 */
import type { KubeObject } from '../../api/object.ts';
import { generateName } from '../../api/meta/generate-name.ts';

export const DEFAULT_SERVICE_ACCOUNT_NAME = 'default';
/** The prefix of the token volume's name; a volume already named so is reused. */
export const SERVICE_ACCOUNT_VOLUME_PREFIX = 'kube-api-access-';
export const DEFAULT_API_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** The kubelet's static pods carry this annotation; their specs are never changed. */
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
/**
 * serviceaccount.WarnOnlyBoundTokenExpirationSeconds: one hour plus seven seconds, so the
 * API server can tell a token of the automatic volume from one a user asked for.
 */
export const AUTOMOUNT_TOKEN_EXPIRATION_SECONDS = 3607;
/** ProjectedVolumeSourceDefaultMode (0644), set explicitly (kubernetes#104464). */
const PROJECTED_DEFAULT_MODE = 420;

interface VolumeMount { name?: string; mountPath?: string; readOnly?: boolean }
interface Container { volumeMounts?: VolumeMount[] }
interface PodSpec {
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: Array<{ name?: string }>;
  volumes?: Array<{ name?: string }>;
  containers?: Container[];
  initContainers?: Container[];
}

function podSpec(pod: KubeObject): PodSpec {
  return (pod.spec ??= {}) as PodSpec;
}

export function isMirrorPod(pod: KubeObject): boolean {
  return pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined;
}

/**
 * Names the pod's account: `spec.serviceAccountName`, else the deprecated
 * `spec.serviceAccount` (core/v1's conversion takes it as an alias), else `default`. Both
 * fields end up equal, as a v1 pod read back from kube-apiserver shows them.
 */
export function assignServiceAccountName(pod: KubeObject): string {
  const spec = podSpec(pod);
  const name = spec.serviceAccountName || spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT_NAME;
  spec.serviceAccountName = name;
  spec.serviceAccount = name;
  return name;
}

/** The pod's `automountServiceAccountToken` wins, then the account's; unset means yes. */
export function shouldAutomount(serviceAccount: KubeObject, pod: KubeObject): boolean {
  const fromPod = podSpec(pod).automountServiceAccountToken;
  if (typeof fromPod === 'boolean') return fromPod;
  const fromAccount = (serviceAccount as { automountServiceAccountToken?: unknown }).automountServiceAccountToken;
  if (typeof fromAccount === 'boolean') return fromAccount;
  return true;
}

/** A pod without image pull secrets gets its account's (by name only). */
export function copyImagePullSecrets(serviceAccount: KubeObject, pod: KubeObject): void {
  const spec = podSpec(pod);
  if (spec.imagePullSecrets && spec.imagePullSecrets.length > 0) return;
  const fromAccount = (serviceAccount as { imagePullSecrets?: Array<{ name?: string }> }).imagePullSecrets ?? [];
  if (fromAccount.length > 0) spec.imagePullSecrets = fromAccount.map((s) => ({ name: s.name ?? '' }));
}

/** The automatic volume's source: a bound token, the cluster CA, the pod's namespace. */
export function tokenVolumeSource(): Record<string, unknown> {
  return {
    sources: [
      { serviceAccountToken: { expirationSeconds: AUTOMOUNT_TOKEN_EXPIRATION_SECONDS, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
    defaultMode: PROJECTED_DEFAULT_MODE,
  };
}

/**
 * Mounts the API credentials at /var/run/secrets/kubernetes.io/serviceaccount, read-only, in
 * every init container and container that has nothing mounted there yet, and adds the volume
 * when some container took the mount and no `kube-api-access-*` volume exists (an existing
 * one is mounted instead). `randomName` makes the volume's name; tests pass a fixed one.
 */
export function mountServiceAccountToken(pod: KubeObject, randomName: (prefix: string) => string = generateName): void {
  const spec = podSpec(pod);
  const existing = (spec.volumes ?? []).find((v) => v.name?.startsWith(SERVICE_ACCOUNT_VOLUME_PREFIX));
  const volumeName = existing?.name ?? randomName(SERVICE_ACCOUNT_VOLUME_PREFIX);
  let needsVolume = false;
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if ((container.volumeMounts ?? []).some((m) => m.mountPath === DEFAULT_API_TOKEN_MOUNT_PATH)) continue;
    (container.volumeMounts ??= []).push({ name: volumeName, readOnly: true, mountPath: DEFAULT_API_TOKEN_MOUNT_PATH });
    needsVolume = true;
  }
  if (!existing && needsVolume) (spec.volumes ??= []).push({ name: volumeName, projected: tokenVolumeSource() } as { name: string });
}

/** Whether a pod uses a serviceAccountToken projection (a mirror pod may not). */
export function usesServiceAccountTokenProjection(pod: KubeObject): boolean {
  const volumes = (podSpec(pod).volumes ?? []) as Array<{ projected?: { sources?: Array<{ serviceAccountToken?: unknown }> } }>;
  return volumes.some((v) => (v.projected?.sources ?? []).some((s) => s.serviceAccountToken !== undefined && s.serviceAccountToken !== null));
}
