/**
 * What the ServiceAccount admission plugin refuses in a mirror pod (the kubelet's copy of a
 * static pod): a static pod runs without the API server's say, so it may not borrow an
 * account's identity or the namespace's secrets. Messages are kube-apiserver's.
 */
import type { KubeObject } from '../../api/object.ts';
import { usesServiceAccountTokenProjection } from './service-account-mount.ts';

type Fields = Record<string, unknown>;

const asObject = (v: unknown): Fields => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Fields) : {});
const asList = (v: unknown): Fields[] => (Array.isArray(v) ? v.map(asObject) : []);
const named = (v: unknown, key = 'name'): boolean => typeof asObject(v)[key] === 'string' && asObject(v)[key] !== '';

/** The reason a mirror pod is refused, or undefined when it is acceptable. */
export function mirrorPodProblem(pod: KubeObject): string | undefined {
  const spec = asObject(pod.spec);
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '') return 'a mirror pod may not reference service accounts';
  if (referencesSecrets(spec)) return 'a mirror pod may not reference secrets';
  if (usesServiceAccountTokenProjection(pod)) return 'a mirror pod may not use ServiceAccountToken volume projections';
  return undefined;
}

/** podutil.VisitPodSecretNames over all containers: does anything name a Secret? */
function referencesSecrets(spec: Fields): boolean {
  if (asList(spec.imagePullSecrets).some((s) => named(s))) return true;
  const containers = [...asList(spec.initContainers), ...asList(spec.containers), ...asList(spec.ephemeralContainers)];
  for (const c of containers) {
    if (asList(c.envFrom).some((e) => named(e.secretRef))) return true;
    if (asList(c.env).some((e) => named(asObject(e.valueFrom).secretKeyRef))) return true;
  }
  for (const v of asList(spec.volumes)) {
    if (named(v.secret, 'secretName') || named(v.azureFile, 'secretName')) return true;
    if (asList(asObject(v.projected).sources).some((s) => named(s.secret))) return true;
    for (const source of ['cephfs', 'cinder', 'flexVolume', 'iscsi', 'rbd', 'scaleIO', 'storageos']) if (named(asObject(v[source]).secretRef)) return true;
    if (named(asObject(v.csi).nodePublishSecretRef)) return true;
  }
  return false;
}
