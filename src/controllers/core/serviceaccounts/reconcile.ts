/**
 * kube-controller-manager's serviceaccounts controller: every active namespace has a
 * `default` ServiceAccount; it is created when a namespace appears and again when
 * someone deletes it. A namespace that is gone or Terminating is left alone.
 */
import type { KubeObject } from '../../../api/object.ts';
import type { Client, TypeRef } from '../../../client/types.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';

export const SERVICE_ACCOUNT: TypeRef = { apiVersion: 'v1', kind: 'ServiceAccount' };
export const DEFAULT_SERVICE_ACCOUNT = 'default';

export interface ServiceAccountsView {
  client: Client;
  namespace(name: string): KubeObject | undefined;
  serviceAccount(key: string): KubeObject | undefined;
}

export async function ensureDefaultServiceAccount(view: ServiceAccountsView, namespace: string): Promise<void> {
  const ns = view.namespace(namespace);
  if (!ns || ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase !== 'Active') return;
  if (view.serviceAccount(`${namespace}/${DEFAULT_SERVICE_ACCOUNT}`)) return;
  try {
    await view.client.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } });
  } catch (err) {
    // Already there (the cache lagged), or the namespace went away or began terminating meanwhile.
    if (isSkiffError(err, 'SKF_API_ALREADY_EXISTS') || isSkiffError(err, 'SKF_API_NOT_FOUND')) return;
    if (isSkiffError(err, 'SKF_API_FORBIDDEN') && /being terminated/.test(err.message)) return;
    throw err;
  }
}
