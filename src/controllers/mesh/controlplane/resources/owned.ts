/**
 * Metadata of what a control plane installs, as Maistra's manifest processor stamps it:
 * the chart's labels (`maistra-version`, `release`), the operator's app labels and owner
 * labels, the mesh-generation annotation, and a controller reference to the control plane
 * (everything lives in the control plane's namespace, so garbage collection removes it
 * with the control plane).
 */
import type { ObjectMeta } from '../../../../api/object.ts';
import { COMPONENT_LABEL, MESH_GENERATION_ANNOTATION, OWNER_LABEL, OWNER_NAME_LABEL } from '../../shared/meta.ts';
import type { MeshSettings } from './settings.ts';

export function ownedMeta(s: MeshSettings, component: string, name: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): ObjectMeta {
  return {
    name,
    namespace: s.meshNamespace,
    labels: {
      'maistra-version': s.chartVersion,
      ...labels,
      release: 'istio',
      'app.kubernetes.io/name': component,
      'app.kubernetes.io/instance': s.meshNamespace,
      'app.kubernetes.io/version': s.meshGeneration,
      [COMPONENT_LABEL]: component,
      'app.kubernetes.io/part-of': 'istio',
      'app.kubernetes.io/managed-by': 'maistra-istio-operator',
      [OWNER_LABEL]: s.meshNamespace,
      [OWNER_NAME_LABEL]: s.revision,
    },
    annotations: { ...annotations, [MESH_GENERATION_ANNOTATION]: s.meshGeneration },
    ownerReferences: [{ apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane', name: s.revision, uid: s.uid, controller: true, blockOwnerDeletion: true }],
  };
}
