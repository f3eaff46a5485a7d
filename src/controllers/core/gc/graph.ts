/**
 * The garbage collector's view of the object graph: every object it has seen, by uid, and
 * the dependents of each owner uid (from ownerReferences). Fed by informers; pure data.
 */
import type { KubeObject, OwnerReference } from '../../../api/object.ts';
import type { TypeRef } from '../../../client/types.ts';

export interface Node {
  type: TypeRef;
  namespace: string | undefined;
  name: string;
  uid: string;
  owners: OwnerReference[];
  deleting: boolean;
  finalizers: string[];
}

export class OwnerGraph {
  readonly #byUid = new Map<string, Node>();
  readonly #dependents = new Map<string, Set<string>>();

  upsert(type: TypeRef, obj: KubeObject): Node {
    const uid = obj.metadata.uid!;
    const prev = this.#byUid.get(uid);
    if (prev) for (const o of prev.owners) this.#dependents.get(o.uid)?.delete(uid);
    const node: Node = {
      type: { apiVersion: obj.apiVersion, kind: obj.kind },
      namespace: obj.metadata.namespace,
      name: obj.metadata.name!,
      uid,
      owners: obj.metadata.ownerReferences ?? [],
      deleting: obj.metadata.deletionTimestamp !== undefined,
      finalizers: obj.metadata.finalizers ?? [],
    };
    void type;
    this.#byUid.set(uid, node);
    for (const o of node.owners) {
      let set = this.#dependents.get(o.uid);
      if (!set) this.#dependents.set(o.uid, (set = new Set()));
      set.add(uid);
    }
    return node;
  }

  remove(uid: string): Node | undefined {
    const node = this.#byUid.get(uid);
    if (!node) return undefined;
    this.#byUid.delete(uid);
    for (const o of node.owners) this.#dependents.get(o.uid)?.delete(uid);
    return node;
  }

  get(uid: string): Node | undefined {
    return this.#byUid.get(uid);
  }

  dependentsOf(uid: string): Node[] {
    return [...(this.#dependents.get(uid) ?? [])].map((d) => this.#byUid.get(d)).filter((n): n is Node => n !== undefined);
  }
}
