/**
 * What the Maistra operator's controllers agree on: the kinds they read and write, the
 * labels and annotations they mark objects with (maistra/istio-operator
 * pkg/controller/common/metadata.go), and the finalizer they hold objects with.
 */
import type { KubeObject } from '../../../api/object.ts';

export const SMCP = { apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane' } as const;
export const SMMR = { apiVersion: 'maistra.io/v1', kind: 'ServiceMeshMemberRoll' } as const;
export const SMM = { apiVersion: 'maistra.io/v1', kind: 'ServiceMeshMember' } as const;
export const NAMESPACE = { apiVersion: 'v1', kind: 'Namespace' } as const;
export const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;
export const SERVICE = { apiVersion: 'v1', kind: 'Service' } as const;
export const SERVICE_ACCOUNT = { apiVersion: 'v1', kind: 'ServiceAccount' } as const;
export const CONFIG_MAP = { apiVersion: 'v1', kind: 'ConfigMap' } as const;
export const SECRET = { apiVersion: 'v1', kind: 'Secret' } as const;
export const NETWORK_POLICY = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' } as const;
export const ROUTE = { apiVersion: 'route.openshift.io/v1', kind: 'Route' } as const;
export const PEER_AUTHENTICATION = { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication' } as const;
export const DESTINATION_RULE = { apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule' } as const;

/** The only name a member roll or a member may have. */
export const MEMBER_ROLL_NAME = 'default';
export const MEMBER_NAME = 'default';

export const FINALIZER = 'maistra.io/istio-operator';
/** On a namespace: the mesh (its control plane's namespace) it belongs to. */
export const MEMBER_OF_LABEL = 'maistra.io/member-of';
/** On a namespace (meshes before v2.4): sidecar injection is off in the control plane's own namespace. */
export const IGNORE_NAMESPACE_LABEL = 'maistra.io/ignore-namespace';
/** On what a control plane creates: the mesh namespace, and the control plane's name. */
export const OWNER_LABEL = 'maistra.io/owner';
export const OWNER_NAME_LABEL = 'maistra.io/owner-name';
/** On members and member rolls a controller created on its own: which controller. */
export const CREATED_BY_ANNOTATION = 'maistra.io/created-by';
export const MESH_GENERATION_ANNOTATION = 'maistra.io/mesh-generation';
/** On mesh NetworkPolicies that stay in the mesh namespace (not copied into members). */
export const INTERNAL_ANNOTATION = 'maistra.io/internal';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';

export const MEMBER_ROLL_CONTROLLER = 'servicemeshmemberroll-controller';
export const MEMBER_CONTROLLER = 'servicemeshmember-controller';
export const CONTROL_PLANE_CONTROLLER = 'servicemeshcontrolplane-controller';

export function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function splitKey(key: string): [namespace: string, name: string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

export function labelOf(obj: KubeObject, key: string): string | undefined {
  return obj.metadata.labels?.[key];
}

export { involvedObjectOf as involved } from '../../../runtime/events/recorder.ts';
