/**
 * The EndpointSlice reconciler: for a Service with a selector, brings its managed IPv4
 * slices to what the matching pods give (planSlices). Slices of a deleted Service go with
 * it through their owner reference (the garbage collector).
 */
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { ENDPOINT_SLICE, selects, serviceSelector, type EndpointSlice, type Service } from '../../../api/builtin/core/service-view.ts';
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { desiredGroups, planSlices } from './resources/slices.ts';

export interface SliceDeps {
  client: Client;
  service(key: string): Service | undefined;
  /** The slices this controller manages for a Service (from the informer cache). */
  slices(namespace: string, service: string): EndpointSlice[];
  pods(namespace: string): Pod[];
  /** Told of each slice created, so the caller can wait for its cache to see it. */
  created?(slice: EndpointSlice): void;
}

export async function syncEndpointSlices(deps: SliceDeps, key: string): Promise<ReconcileResult> {
  const svc = deps.service(key);
  if (!svc || svc.metadata.deletionTimestamp) return;
  const selector = serviceSelector(svc);
  if (svc.spec.type === 'ExternalName' || !selector) return;
  const namespace = svc.metadata.namespace!;
  const existing = deps.slices(namespace, svc.metadata.name!).filter((s) => s.addressType === 'IPv4' && s.metadata.ownerReferences?.some((r) => r.uid === svc.metadata.uid));
  const plan = planSlices(svc, existing, desiredGroups(svc, deps.pods(namespace).filter((p) => selects(selector, p))));
  // Deletes first, then updates, then creates: the total never overshoots.
  for (const s of plan.delete) {
    try {
      await deps.client.delete(ENDPOINT_SLICE, namespace, s.metadata.name!);
    } catch (err) {
      if (!isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
    }
  }
  for (const s of plan.update) await deps.client.update(s);
  for (const s of plan.create) deps.created?.(await deps.client.create(s));
}
