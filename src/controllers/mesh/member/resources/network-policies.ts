/**
 * The NetworkPolicies a member namespace gets from its mesh (Maistra's NetworkPolicy
 * strategy): a copy of every NetworkPolicy the control plane installed in the mesh
 * namespace except those annotated `maistra.io/internal`, without the labels the pruner
 * keys on, labelled `maistra.io/member-of=<mesh>` so that leaving the mesh removes them.
 */
import type { KubeObject } from '../../../../api/object.ts';
import { INTERNAL_ANNOTATION, MEMBER_OF_LABEL, OWNER_LABEL, OWNER_NAME_LABEL } from '../../shared/meta.ts';

const PRUNER_LABELS = [OWNER_LABEL, OWNER_NAME_LABEL, 'app.kubernetes.io/version'];

export function memberNetworkPolicies(meshPolicies: readonly KubeObject[], meshNamespace: string, memberNamespace: string): KubeObject[] {
  return meshPolicies
    .filter((np) => np.metadata.labels?.[OWNER_LABEL] === meshNamespace && np.metadata.annotations?.[INTERNAL_ANNOTATION] === undefined)
    .map((np) => {
      const labels = { ...(np.metadata.labels ?? {}) };
      for (const l of PRUNER_LABELS) delete labels[l];
      labels[MEMBER_OF_LABEL] = meshNamespace;
      return {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: np.metadata.name!, namespace: memberNamespace, labels, ...(np.metadata.annotations ? { annotations: { ...np.metadata.annotations } } : {}) },
        spec: structuredClone(np.spec),
      };
    });
}
