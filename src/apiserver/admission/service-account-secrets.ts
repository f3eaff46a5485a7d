/**
 * Mountable secrets: a ServiceAccount annotated `kubernetes.io/enforce-mountable-secrets:
 * "true"` lets its pods use only the Secrets it lists (`secrets` for volumes and environment,
 * `imagePullSecrets` for pulls). The ServiceAccount admission plugin's limitSecretReferences,
 * with its checks in its order (envFrom included, as since the CVE-2024-3177 fix) and its
 * messages.
 */
import type { KubeObject } from '../../api/object.ts';

export const ENFORCE_MOUNTABLE_SECRETS_ANNOTATION = 'kubernetes.io/enforce-mountable-secrets';

type Fields = Record<string, unknown>;
const asObject = (v: unknown): Fields => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Fields) : {});
const asList = (v: unknown): Fields[] => (Array.isArray(v) ? v.map(asObject) : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** strconv.ParseBool's true spellings; anything unparsable counts as false. */
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

export function enforcesMountableSecrets(serviceAccount: KubeObject): boolean {
  const value = serviceAccount.metadata.annotations?.[ENFORCE_MOUNTABLE_SECRETS_ANNOTATION];
  return value !== undefined && GO_TRUE.has(value);
}

/** The first Secret reference the account does not allow, as kube-apiserver words it. */
export function unmountableSecretProblem(serviceAccount: KubeObject, pod: KubeObject): string | undefined {
  const account = asObject(serviceAccount);
  const saName = serviceAccount.metadata.name ?? '';
  const mountable = new Set(asList(account.secrets).map((s) => text(s.name)));
  const spec = asObject(pod.spec);
  const notAllowed = `is not allowed because service account ${saName} does not reference that secret`;

  for (const volume of asList(spec.volumes)) {
    if (volume.secret === undefined || volume.secret === null) continue;
    const secretName = text(asObject(volume.secret).secretName);
    if (!mountable.has(secretName)) return `volume with secret.secretName="${secretName}" ${notAllowed}`;
  }
  for (const [list, label] of [['initContainers', 'init container'], ['containers', 'container']] as const) {
    for (const container of asList(spec[list])) {
      const name = text(container.name);
      for (const env of asList(container.env)) {
        const keyRef = asObject(env.valueFrom).secretKeyRef;
        if (keyRef === undefined || keyRef === null) continue;
        const secretName = text(asObject(keyRef).name);
        if (!mountable.has(secretName)) return `${label} ${name} with envVar ${text(env.name)} referencing secret.secretName="${secretName}" ${notAllowed}`;
      }
      for (const envFrom of asList(container.envFrom)) {
        if (envFrom.secretRef === undefined || envFrom.secretRef === null) continue;
        const secretName = text(asObject(envFrom.secretRef).name);
        if (!mountable.has(secretName)) return `${label} ${name} with envFrom referencing secret.secretName="${secretName}" ${notAllowed}`;
      }
    }
  }
  const pullable = new Set(asList(account.imagePullSecrets).map((s) => text(s.name)));
  const pullSecrets = asList(spec.imagePullSecrets);
  for (let i = 0; i < pullSecrets.length; i++) {
    const name = text(pullSecrets[i]!.name);
    if (!pullable.has(name)) return `imagePullSecrets[${i}].name="${name}" is not allowed because service account ${saName} does not reference that imagePullSecret`;
  }
  return undefined;
}
