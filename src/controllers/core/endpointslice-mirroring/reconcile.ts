/**
 * The EndpointSlice mirroring reconciler (endpointslicemirroring_controller.go syncEndpoints),
 * keyed by `<namespace>/<name>` of an Endpoints and its Service: mirror the Endpoints while it
 * exists, is not opted out (skip-mirror, leader-election lock), and its Service exists without
 * a selector; otherwise delete whatever was mirrored for it.
 */
import { ENDPOINT_SLICE, serviceSelector, type EndpointSlice, type Service } from '../../../api/builtin/core/service-view.ts';
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { deleteIfPresent } from '../../shared/objects.ts';
import type { Endpoints } from '../endpoints/resources/endpoints.ts';
import { MAX_ENDPOINTS_PER_SUBSET, desiredMirror, shouldMirror } from './resources/desired.ts';
import { planMirror } from './resources/plan.ts';

export interface MirrorDeps {
  client: Client;
  endpoints(key: string): Endpoints | undefined;
  service(key: string): Service | undefined;
  /** The slices this controller mirrored for the Endpoints of that name (informer cache). */
  slices(namespace: string, name: string): EndpointSlice[];
  /** Told of each slice created, so the caller can wait for its cache to see it. */
  created?(slice: EndpointSlice): void;
  /** Warning events on the Endpoints (invalid or too many addresses). */
  warn?(ep: Endpoints, reason: string, message: string): void;
  maxEndpointsPerSubset?: number;
}

export const INVALID_IP_ADDRESS = 'InvalidIPAddress';
export const TOO_MANY_ADDRESSES_TO_MIRROR = 'TooManyAddressesToMirror';

export async function syncMirroredSlices(deps: MirrorDeps, key: string): Promise<ReconcileResult> {
  const [namespace, name] = key.split('/') as [string, string];
  const ep = deps.endpoints(key);
  const svc = deps.service(key);
  const existing = deps.slices(namespace, name);
  // Selector Services are the EndpointSlice controller's; a missing Service has no slices.
  if (!shouldMirror(ep) || !svc || serviceSelector(svc) !== undefined) {
    for (const s of existing) await deleteIfPresent(deps.client, ENDPOINT_SLICE, namespace, s.metadata.name!);
    return;
  }
  const max = deps.maxEndpointsPerSubset ?? MAX_ENDPOINTS_PER_SUBSET;
  const desired = desiredMirror(ep, max);
  if (desired.invalid > 0) deps.warn?.(ep, INVALID_IP_ADDRESS, `Skipped ${desired.invalid} invalid IP addresses when mirroring to EndpointSlices`);
  if (desired.skipped > desired.invalid) {
    deps.warn?.(ep, TOO_MANY_ADDRESSES_TO_MIRROR, `A max of ${max} addresses can be mirrored to EndpointSlices per Endpoints subset. ${desired.skipped} addresses were skipped`);
  }
  const plan = planMirror(ep, existing, desired, max);
  // Upstream's order (finalize): creates, updates, deletes — consumers never see a gap.
  if (!ep.metadata.deletionTimestamp) {
    for (const s of plan.create) {
      try {
        deps.created?.(await deps.client.create(s));
      } catch (err) {
        // A terminating namespace refuses creates for good: drop the key rather than retry.
        if (isNamespaceTerminating(err)) return;
        throw err;
      }
    }
  }
  for (const s of plan.update) await deps.client.update(s);
  for (const s of plan.delete) await deleteIfPresent(deps.client, ENDPOINT_SLICE, namespace, s.metadata.name!);
}

function isNamespaceTerminating(err: unknown): boolean {
  if (!isSkiffError(err, 'SKF_API_FORBIDDEN')) return false;
  const causes = (err.details?.causes ?? []) as Array<{ reason?: string }>;
  return causes.some((c) => c.reason === 'NamespaceTerminating');
}
