/**
 * Garbage collection through ownerReferences, as kube-controller-manager's garbage
 * collector decides it (pkg/controller/garbagecollector):
 * - a dependent whose owners are all gone is deleted (background);
 * - a dependent with some live owners loses only its dangling references;
 * - an owner deleted in the foreground (`foregroundDeletion` finalizer) has its dependents
 *   deleted, and keeps the finalizer until no dependent with blockOwnerDeletion remains;
 * - an owner deleted with `orphan` has its references removed from every dependent, then
 *   loses the finalizer.
 * Owners are checked against the API (uid must match), never against the cache alone, so a
 * recreated owner of the same name does not adopt old dependents.
 */
import type { KubeObject, OwnerReference } from '../../../api/object.ts';
import type { Client, TypeRef } from '../../../client/types.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import type { Node, OwnerGraph } from './graph.ts';

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

type OwnerState = 'solid' | 'dangling' | 'waitingForDependents';

async function ownerState(client: Client, dependent: Node, ref: OwnerReference): Promise<OwnerState> {
  const type: TypeRef = { apiVersion: ref.apiVersion, kind: ref.kind };
  const scope = await client.resourceFor(type);
  if (!scope) return 'dangling';
  const owner = await client.get(type, scope.namespaced ? dependent.namespace : undefined, ref.name);
  if (!owner || owner.metadata.uid !== ref.uid) return 'dangling';
  if (owner.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(FOREGROUND)) return 'waitingForDependents';
  return 'solid';
}

/** Decides the fate of one dependent whose owners may be gone. */
export async function collectDependent(client: Client, node: Node): Promise<ReconcileResult> {
  if (node.owners.length === 0 || node.deleting) return;
  const states = await Promise.all(node.owners.map(async (ref) => ({ ref, state: await ownerState(client, node, ref) })));
  const solid = states.filter((s) => s.state === 'solid');
  const dangling = states.filter((s) => s.state === 'dangling');
  const waiting = states.filter((s) => s.state === 'waitingForDependents');
  try {
    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return;
      const keep = node.owners.filter((o) => solid.some((s) => s.ref.uid === o.uid));
      await client.patch(node.type, node.namespace, node.name, 'merge', { metadata: { ownerReferences: keep } });
      return;
    }
    // No live owner: delete. Owners waiting in the foreground make the deletion foreground
    // too, so that this object's own blocking dependents go first.
    const policy = waiting.length > 0 ? 'Foreground' : 'Background';
    await client.delete(node.type, node.namespace, node.name, { propagationPolicy: policy, preconditions: { uid: node.uid } });
  } catch (err) {
    if (isSkiffError(err, 'SKF_API_NOT_FOUND')) return;
    throw err;
  }
}

/** Handles an owner being deleted with the foreground or orphan finalizer. */
export async function processDeletingOwner(client: Client, graph: OwnerGraph, owner: KubeObject): Promise<ReconcileResult> {
  const finalizers = owner.metadata.finalizers ?? [];
  const uid = owner.metadata.uid!;
  const type: TypeRef = { apiVersion: owner.apiVersion, kind: owner.kind };
  const dependents = graph.dependentsOf(uid);
  if (finalizers.includes(ORPHAN)) {
    for (const d of dependents) {
      const refs = d.owners.filter((o) => o.uid !== uid);
      try {
        await client.patch(d.type, d.namespace, d.name, 'merge', { metadata: { ownerReferences: refs.length ? refs : null } });
      } catch (err) {
        if (!isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
      }
    }
    return removeFinalizer(client, type, owner, ORPHAN);
  }
  if (finalizers.includes(FOREGROUND)) {
    for (const d of dependents) {
      if (d.deleting) continue;
      const onlyThisOwner = d.owners.every((o) => o.uid === uid);
      if (!onlyThisOwner) {
        await collectDependent(client, d);
        continue;
      }
      try {
        await client.delete(d.type, d.namespace, d.name, { propagationPolicy: 'Foreground', preconditions: { uid: d.uid } });
      } catch (err) {
        if (!isSkiffError(err, 'SKF_API_NOT_FOUND') && !isSkiffError(err, 'SKF_API_CONFLICT')) throw err;
      }
    }
    const blocking = graph.dependentsOf(uid).filter((d) => d.owners.some((o) => o.uid === uid && o.blockOwnerDeletion));
    if (blocking.length > 0) return { requeueAfterMs: 500 };
    return removeFinalizer(client, type, owner, FOREGROUND);
  }
}

async function removeFinalizer(client: Client, type: TypeRef, owner: KubeObject, finalizer: string): Promise<ReconcileResult> {
  const rest = (owner.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  try {
    await client.patch(type, owner.metadata.namespace, owner.metadata.name!, 'merge', { metadata: { finalizers: rest.length ? rest : null, resourceVersion: owner.metadata.resourceVersion } });
  } catch (err) {
    if (!isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
  }
}
