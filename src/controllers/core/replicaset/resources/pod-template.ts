/**
 * The Pod a ReplicaSet creates from its template (controller.GetPodFromTemplate): the
 * template's labels, annotations, finalizers and spec, `generateName: <rs>-`, and a
 * controller reference to the ReplicaSet.
 */
import type { Pod } from '../../../../api/builtin/core/pod-readiness.ts';
import { nameIsDnsSubdomain } from '../../../../api/meta/names.ts';
import { newControllerRef } from './controller-ref.ts';
import type { ReplicaSet } from './types.ts';
import { cloneJson } from '../../../../util/clone-json.ts';

/** `<name>-` when that is a valid pod name prefix, else the name itself (getPodsPrefix). */
export function podNamePrefix(controllerName: string): string {
  const prefix = `${controllerName}-`;
  return nameIsDnsSubdomain(prefix, true).length === 0 ? prefix : controllerName;
}

export function podFromTemplate(rs: ReplicaSet): Pod {
  const meta = rs.spec.template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: podNamePrefix(rs.metadata.name!),
      namespace: rs.metadata.namespace,
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [newControllerRef(rs)],
    },
    spec: cloneJson(rs.spec.template.spec ?? {}) as Pod['spec'],
  };
}
