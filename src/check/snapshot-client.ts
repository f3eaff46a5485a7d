/**
 * A read-only Client over a ClusterSnapshot, so code written against the Client (the mesh
 * CA's loadMeshCa) runs unchanged on what `skiff check` read. Writes and watches are not
 * part of checking: they throw.
 */
import type { KubeObject } from '../api/object.ts';
import type { Client, ListQuery, ObjectList, TypeRef } from '../client/types.ts';
import { nameOf, namespaceOf } from './objects.ts';
import type { ClusterSnapshot } from './types.ts';

export function snapshotClient(snapshot: ClusterSnapshot): Client {
  const { proxies: _proxies, ...lists } = snapshot;
  const all = Object.values(lists).flat() as KubeObject[];
  const ofKind = (type: TypeRef) => all.filter((o) => o.kind === type.kind && group(o.apiVersion) === group(type.apiVersion));
  const readOnly = (): never => {
    throw new Error('skiff check reads the cluster only');
  };
  return {
    get: async <T extends KubeObject>(type: TypeRef, namespace: string | undefined, name: string) =>
      ofKind(type).find((o) => nameOf(o) === name && (namespace === undefined || namespaceOf(o) === namespace)) as T | undefined,
    list: async <T extends KubeObject>(type: TypeRef, query: ListQuery = {}): Promise<ObjectList<T>> => ({
      items: ofKind(type).filter((o) => query.namespace === undefined || namespaceOf(o) === query.namespace) as T[],
      resourceVersion: '0',
    }),
    watch: readOnly,
    create: readOnly,
    update: readOnly,
    updateStatus: readOnly,
    patch: readOnly,
    delete: readOnly,
    createSubresource: readOnly,
    resourceFor: readOnly,
    kinds: readOnly,
  };
}

/** Versions of a kind hold the same objects; compare by group only. */
function group(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
