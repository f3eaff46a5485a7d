/**
 * kube-controller-manager's root-ca-cert-publisher: every active namespace has a
 * `kube-root-ca.crt` ConfigMap whose `ca.crt` is the cluster CA, so pods can verify the
 * API server at kubernetes.default.svc. Edits to the data or to the description
 * annotation are put back; other metadata (labels, other annotations) is left as is.
 */
import type { KubeObject } from '../../../api/object.ts';
import type { Client, TypeRef } from '../../../client/types.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';

export const CONFIG_MAP: TypeRef = { apiVersion: 'v1', kind: 'ConfigMap' };
export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. '
  + 'No other usage is guaranteed across distributions of Kubernetes clusters.';

export interface RootCaView {
  client: Client;
  rootCaPem: string;
  namespace(name: string): KubeObject | undefined;
  configMap(key: string): KubeObject | undefined;
}

export async function publishRootCa(view: RootCaView, namespace: string): Promise<void> {
  const ns = view.namespace(namespace);
  if (!ns || ns.metadata.deletionTimestamp) return;
  const data = { 'ca.crt': view.rootCaPem };
  const existing = view.configMap(`${namespace}/${ROOT_CA_CONFIG_MAP}`);
  try {
    if (!existing) {
      await view.client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIG_MAP, namespace, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data });
      return;
    }
    const current = existing as KubeObject & { data?: Record<string, string> };
    const sameData = JSON.stringify(current.data ?? {}) === JSON.stringify(data);
    if (sameData && current.metadata.annotations?.[DESCRIPTION_ANNOTATION]) return;
    await view.client.update({ ...current, metadata: { ...current.metadata, annotations: { ...current.metadata.annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data });
  } catch (err) {
    // The namespace went away or began terminating: nothing to publish into.
    if (isSkiffError(err, 'SKF_API_NOT_FOUND')) return;
    if (isSkiffError(err, 'SKF_API_FORBIDDEN') && /being terminated/.test(err.message)) return;
    throw err;
  }
}
