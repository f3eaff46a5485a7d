/**
 * Finalizers on the KIngress: both ingress controllers make objects that owner references
 * cannot clean up (secret copies, OpenShift Routes in the gateway namespace), so each holds
 * its own finalizer until it has deleted them.
 */
import type { KubeObject } from '../../../api/object.ts';
import type { Client } from '../../../client/types.ts';

/** Adds or removes the finalizer; true when it wrote (the update's watch event brings the next reconcile). */
export async function setFinalizer(client: Client, obj: KubeObject, finalizer: string, present: boolean): Promise<boolean> {
  const finalizers = obj.metadata.finalizers ?? [];
  if (finalizers.includes(finalizer) === present) return false;
  const next = present ? [...finalizers, finalizer] : finalizers.filter((f) => f !== finalizer);
  await client.update({ ...obj, metadata: { ...obj.metadata, finalizers: next } });
  return true;
}
