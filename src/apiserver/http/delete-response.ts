/**
 * What kube-apiserver answers to a DELETE of one object (handlers/delete.go and the
 * generic registry's Delete/finalizeDelete):
 * - removed at once: the registries with ReturnDeletedObject (pods, services,
 *   serviceaccounts, namespaces) answer with the object as it was; every other kind — CRD
 *   custom resources included — with a Success Status naming it (details.kind is the
 *   resource, as upstream sets it);
 * - deletion pending (finalizers, a pod's grace period): the object, now carrying its
 *   deletionTimestamp;
 * - 200, except 202 Accepted when the deletion is pending and the client asked for
 *   `orphanDependents: false` (kept that way upstream for old clients).
 */
import type { KindDefinition } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';

const RETURNS_DELETED_OBJECT = new Set(['/pods', '/services', '/serviceaccounts', '/namespaces']);

export interface DeleteOutcome {
  object: KubeObject;
  /** Removed from the store (or would be, under dry-run) rather than marked for deletion. */
  deleted: boolean;
}

export function deleteResponse(def: KindDefinition, outcome: DeleteOutcome, orphanDependents: boolean | undefined): { code: number; body: object } {
  const code = !outcome.deleted && orphanDependents === false ? 202 : 200;
  if (!outcome.deleted || (!def.fromCrd && RETURNS_DELETED_OBJECT.has(`${def.group}/${def.plural}`))) return { code, body: outcome.object };
  const meta = outcome.object.metadata;
  return {
    code,
    body: {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
      details: { name: meta.name, ...(def.group ? { group: def.group } : {}), kind: def.plural, ...(meta.uid ? { uid: meta.uid } : {}) },
    },
  };
}
