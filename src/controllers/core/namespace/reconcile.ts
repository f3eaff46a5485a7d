/**
 * Namespace deletion, as kube-controller-manager's namespace controller does it: once a
 * namespace is Terminating, delete everything in it (every namespaced kind the server
 * serves), report progress in status.conditions, and when nothing is left remove the
 * `kubernetes` finalizer through the finalize subresource — the API server then removes
 * the namespace itself.
 */
import type { Condition, KubeObject } from '../../../api/object.ts';
import { parseApiVersion } from '../../../api/object.ts';
import type { Client, TypeRef } from '../../../client/types.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';

export const NAMESPACE: TypeRef = { apiVersion: 'v1', kind: 'Namespace' };
const FINALIZER = 'kubernetes';
/** How soon to look again while content is still being removed. */
const RECHECK_MS = 250;

interface Remaining {
  objects: number;
  withFinalizers: Map<string, number>;
  /** Remaining objects by `<resource>.<group>` (core resources end in a bare dot, as upstream prints them). */
  byResource: Map<string, number>;
}

export async function reconcileNamespace(client: Client, name: string, now: () => Date = () => new Date()): Promise<ReconcileResult> {
  const ns = await client.get(NAMESPACE, undefined, name);
  if (!ns || !ns.metadata.deletionTimestamp) return;

  const remaining = await deleteContent(client, name);
  await writeConditions(client, ns, remaining, now);
  if (remaining.objects > 0) return { requeueAfterMs: RECHECK_MS };

  const finalizers = ((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).filter((f) => f !== FINALIZER);
  try {
    await client.patch(NAMESPACE, undefined, name, 'merge', { spec: { finalizers } }, { subresource: 'finalize' });
  } catch (err) {
    if (!isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
  }
}

/**
 * Deletes every object of every namespaced kind, then counts what is still there (objects
 * held by finalizers or a grace period), as upstream re-lists after its delete-collection:
 * the conditions report what remains, not what was just removed.
 */
async function deleteContent(client: Client, namespace: string): Promise<Remaining> {
  const remaining: Remaining = { objects: 0, withFinalizers: new Map(), byResource: new Map() };
  for (const kind of await client.kinds()) {
    if (!kind.namespaced || !kind.verbs.includes('list') || !kind.verbs.includes('delete')) continue;
    let list = await client.list(kind, { namespace });
    const live = list.items.filter((obj) => !obj.metadata.deletionTimestamp);
    for (const obj of live) {
      try {
        await client.delete(kind, namespace, obj.metadata.name!, { propagationPolicy: 'Background' });
      } catch (err) {
        if (!isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
      }
    }
    if (live.length > 0) list = await client.list(kind, { namespace });
    const resource = `${kind.plural}.${parseApiVersion(kind.apiVersion).group}`;
    for (const obj of list.items) {
      remaining.objects++;
      remaining.byResource.set(resource, (remaining.byResource.get(resource) ?? 0) + 1);
      for (const f of obj.metadata.finalizers ?? []) remaining.withFinalizers.set(f, (remaining.withFinalizers.get(f) ?? 0) + 1);
    }
  }
  return remaining;
}

function condition(type: string, active: boolean, reason: string, message: string, now: string): Condition {
  return { type, status: active ? 'True' : 'False', lastTransitionTime: now, reason, message };
}

async function writeConditions(client: Client, ns: KubeObject, r: Remaining, now: () => Date): Promise<void> {
  const ts = now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const counts = [...r.byResource].map(([res, n]) => `${res} has ${n} resource instances`).sort().join(', ');
  const finalizers = [...r.withFinalizers].map(([f, n]) => `${f} in ${n} resource instances`).sort().join(', ');
  const desired: Condition[] = [
    condition('NamespaceDeletionDiscoveryFailure', false, 'ResourcesDiscovered', 'All resources successfully discovered', ts),
    condition('NamespaceDeletionGroupVersionParsingFailure', false, 'ParsedGroupVersions', 'All legacy kube types successfully parsed', ts),
    condition('NamespaceDeletionContentFailure', false, 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization', ts),
    r.objects > 0 ? condition('NamespaceContentRemaining', true, 'SomeResourcesRemain', `Some resources are remaining: ${counts}`, ts) : condition('NamespaceContentRemaining', false, 'ContentRemoved', 'All content successfully removed', ts),
    r.withFinalizers.size > 0 ? condition('NamespaceFinalizersRemaining', true, 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${finalizers}`, ts) : condition('NamespaceFinalizersRemaining', false, 'ContentHasNoFinalizers', 'All content-preserving finalizers finished', ts),
  ];
  const status = (ns.status ?? {}) as { phase?: string; conditions?: Condition[] };
  const current = status.conditions ?? [];
  // Keep lastTransitionTime when a condition's status did not change.
  const merged = desired.map((c) => {
    const prev = current.find((p) => p.type === c.type);
    return prev && prev.status === c.status && prev.reason === c.reason && prev.message === c.message ? prev : prev && prev.status === c.status ? { ...c, lastTransitionTime: prev.lastTransitionTime! } : c;
  });
  if (JSON.stringify(merged) === JSON.stringify(current)) return;
  try {
    await client.updateStatus({ ...ns, status: { ...status, conditions: merged } });
  } catch (err) {
    if (!isSkiffError(err, 'SKF_API_NOT_FOUND') && !isSkiffError(err, 'SKF_API_CONFLICT')) throw err;
  }
}
