/**
 * Controller references (metav1.GetControllerOf / NewControllerRef) and the patches that
 * adopt an orphan or release a dependent, as kube-controller-manager's
 * ControllerRefManager sends them: strategic merge patches on `metadata.ownerReferences`
 * (merge key `uid`) that carry the dependent's uid as a precondition.
 */
import type { KubeObject, OwnerReference } from '../../../../api/object.ts';

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  return controllerOf(obj)?.uid === owner.metadata.uid;
}

/** The reference a controller puts on what it creates: controller and blockOwnerDeletion set. */
export function newControllerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export function adoptPatch(owner: KubeObject, dependent: KubeObject): object {
  return { metadata: { ownerReferences: [newControllerRef(owner)], uid: dependent.metadata.uid } };
}

export function releasePatch(owner: KubeObject, dependent: KubeObject): object {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: owner.metadata.uid }], uid: dependent.metadata.uid } };
}
