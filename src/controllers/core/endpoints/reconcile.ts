/**
 * The Endpoints reconciler: for a Service with a selector, writes the Endpoints object of
 * the same name when its subsets, labels or capacity annotation differ from what the
 * matching pods give; for a deleted Service, deletes it. Services without a selector and
 * ExternalName Services are left alone (their Endpoints are the user's).
 */
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { selects, serviceSelector, type Service } from '../../../api/builtin/core/service-view.ts';
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { canonicalJson } from '../deployment/resources/hash.ts';
import { ENDPOINTS, OVER_CAPACITY, desiredSubsets, endpointsLabels, truncate, type Endpoints } from './resources/endpoints.ts';

export interface EndpointsDeps {
  client: Client;
  service(key: string): Service | undefined;
  endpoints(key: string): Endpoints | undefined;
  pods(namespace: string): Pod[];
}

export async function syncEndpoints(deps: EndpointsDeps, key: string): Promise<ReconcileResult> {
  const [namespace, name] = key.split('/') as [string, string];
  const svc = deps.service(key);
  if (!svc) {
    try {
      await deps.client.delete(ENDPOINTS, namespace, name);
    } catch (err) {
      if (!isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
    }
    return;
  }
  const selector = serviceSelector(svc);
  if (svc.spec.type === 'ExternalName' || !selector) return;
  const subsets = desiredSubsets(svc, deps.pods(namespace).filter((p) => selects(selector, p)));
  const truncated = truncate(subsets);
  const labels = endpointsLabels(svc);
  const current = deps.endpoints(key);
  const annotations = { ...(current?.metadata.annotations ?? {}) };
  if (truncated) annotations[OVER_CAPACITY] = 'truncated';
  else delete annotations[OVER_CAPACITY];
  if (current && canonicalJson(current.subsets ?? []) === canonicalJson(subsets) && canonicalJson(current.metadata.labels ?? {}) === canonicalJson(labels) && canonicalJson(current.metadata.annotations ?? {}) === canonicalJson(annotations)) return;
  const next: Endpoints = {
    ...ENDPOINTS,
    metadata: { ...(current?.metadata ?? { name, namespace }), labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    ...(subsets.length > 0 ? { subsets } : {}),
  };
  if (Object.keys(annotations).length === 0) delete next.metadata.annotations;
  if (current) {
    await deps.client.update(next);
    return;
  }
  try {
    await deps.client.create(next);
  } catch (err) {
    if (!isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) throw err;
    // Created meanwhile and not yet in the cache: replace what is there.
    const live = await deps.client.get<Endpoints>(ENDPOINTS, namespace, name);
    if (live) await deps.client.update({ ...next, metadata: { ...live.metadata, labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) } });
  }
}
