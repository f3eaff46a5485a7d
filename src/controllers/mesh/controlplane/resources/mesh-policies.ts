/**
 * The mesh-config component (Maistra's mesh-config chart): mesh-wide mTLS as Istio
 * policy in the root namespace — PeerAuthentication `default` STRICT with a `default`
 * DestinationRule originating ISTIO_MUTUAL to every `*.cluster.local` host and an
 * `api-server` one that does not (the API server has no sidecar) when
 * `security.dataPlane.mtls` is true; PERMISSIVE otherwise — and the NetworkPolicies the
 * member controller copies into every member namespace: `istio-mesh-<revision>` admits
 * traffic only from namespaces of this mesh, `istio-expose-route-<revision>` from the
 * router to pods labelled `maistra.io/expose-route: "true"`.
 */
import type { KubeObject } from '../../../../api/object.ts';
import { MEMBER_OF_LABEL } from '../../shared/meta.ts';
import { ownedMeta } from './owned.ts';
import type { MeshSettings } from './settings.ts';

export const MESH_CONFIG = 'mesh-config';

export function meshPolicyObjects(s: MeshSettings): KubeObject[] {
  const labels = { app: 'istio' };
  const meta = (name: string) => ownedMeta(s, MESH_CONFIG, name, labels);
  const out: KubeObject[] = [
    { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', metadata: meta('default'), spec: { mtls: { mode: s.mtls ? 'STRICT' : 'PERMISSIVE' } } },
  ];
  if (s.mtls) {
    out.push(
      { apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule', metadata: meta('default'), spec: { host: '*.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } } },
      { apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule', metadata: meta('api-server'), spec: { host: 'kubernetes.default.svc.cluster.local', trafficPolicy: { tls: { mode: 'DISABLE' } } } },
    );
  }
  out.push(
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(`istio-mesh-${s.revision}`),
      spec: { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { [MEMBER_OF_LABEL]: s.meshNamespace } } }] }], policyTypes: ['Ingress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(`istio-expose-route-${s.revision}`),
      spec: { podSelector: { matchLabels: { 'maistra.io/expose-route': 'true' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'network.openshift.io/policy-group': 'ingress' } } }] }], policyTypes: ['Ingress'] },
    },
  );
  return out;
}
