/**
 * Waking an owner when something it controls changes: the child's controller reference
 * names the owner, and a key is queued only when the reference is of the given kind.
 */
import type { KubeObject } from '../../../api/object.ts';
import type { Controller } from '../../../client/controller.ts';
import type { Informer } from '../../../client/informer.ts';
import type { TypeRef } from '../../../client/types.ts';
import { controllerOf } from '../../core/replicaset/resources/controller-ref.ts';

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

/** The owner's key when `obj` is controlled by an object of `owner`'s kind and group (a ksvc is not a core Service). */
export function ownerKeyOf(obj: KubeObject, owner: TypeRef): string | undefined {
  const ref = controllerOf(obj);
  if (!ref || ref.kind !== owner.kind || groupOf(ref.apiVersion) !== groupOf(owner.apiVersion)) return undefined;
  return `${obj.metadata.namespace}/${ref.name}`;
}

/** Every add, update and delete in `children` queues its owner (of type `owner`) on `controller`. */
export function wakeOwners(children: Informer, owner: TypeRef, controller: Controller): void {
  const wake = (obj: KubeObject) => {
    const key = ownerKeyOf(obj, owner);
    if (key) controller.enqueue(key);
  };
  children.addHandlers({ add: wake, update: (_o, n) => wake(n), delete: wake });
}

/** Every change to a watched object of `primary` queues it. */
export function wakeSelf(primary: Informer, controller: Controller): void {
  const wake = (obj: KubeObject) => controller.enqueue(`${obj.metadata.namespace}/${obj.metadata.name}`);
  primary.addHandlers({ add: wake, update: (_o, n) => wake(n), delete: wake });
}
