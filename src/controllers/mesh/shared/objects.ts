/**
 * The Maistra operator's finalizer on the objects it owns (ServiceMeshControlPlane,
 * ServiceMeshMemberRoll): set while it has cleanup to do, released when done.
 */
import type { KubeObject } from '../../../api/object.ts';
import type { Client } from '../../../client/types.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { FINALIZER } from './meta.ts';

export { contains, deleteIfPresent, ensureObject, overlay, sameJson, writeStatus } from '../../shared/objects.ts';
export type { EnsureResult } from '../../shared/objects.ts';

export function hasFinalizer(obj: KubeObject): boolean {
  return (obj.metadata.finalizers ?? []).includes(FINALIZER);
}

/** Adds or removes the operator's finalizer; conflicts surface (the caller's queue retries with fresh state). */
export async function setFinalizer(client: Client, obj: KubeObject, present: boolean): Promise<void> {
  const others = (obj.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
  const finalizers = present ? [...others, FINALIZER] : others;
  try {
    await client.patch(obj, obj.metadata.namespace, obj.metadata.name!, 'merge', { metadata: { finalizers, resourceVersion: obj.metadata.resourceVersion } });
  } catch (err) {
    if (!isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
  }
}

