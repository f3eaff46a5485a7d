/**
 * Auto mTLS from an in-process mesh client to one pod address, decided as a client sidecar
 * of the same mesh decides it (istiod's auto mTLS: the endpoint's tlsMode, then
 * PeerAuthentication): mTLS when the destination pod runs a sidecar (label
 * `security.istio.io/tlsMode: istio` and the injector's `sidecar.istio.io/status`) that
 * captures the port, its mode there is not DISABLE, and source and destination are in one
 * mesh (Maistra: the control plane's namespace or a member namespace). Pure.
 */
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { effectiveMtlsMode, type PeerAuthentication } from '../config/peer-authentication.ts';
import { TLS_MODE_LABEL, sidecarCapturesPort } from '../config/service-registry.ts';
import { MEMBER_OF_LABEL } from '../gateway/mesh-scope.ts';

export const SIDECAR_STATUS_ANNOTATION = 'sidecar.istio.io/status';

export interface NamespaceFacts {
  name: string;
  labels: Readonly<Record<string, string>>;
}

/**
 * The mesh (its control plane's namespace) a namespace belongs to: itself when a control
 * plane lives there, else the one its `maistra.io/member-of` label names.
 */
export function meshOfNamespace(namespace: string, namespaces: ReadonlyMap<string, NamespaceFacts>, controlPlanes: ReadonlySet<string>): string | undefined {
  if (controlPlanes.has(namespace)) return namespace;
  const mesh = namespaces.get(namespace)?.labels[MEMBER_OF_LABEL];
  return mesh !== undefined && controlPlanes.has(mesh) ? mesh : undefined;
}

export interface OriginationInput {
  sourceMesh: string | undefined;
  destination: Pod;
  destinationMesh: string | undefined;
  port: number;
  /** PeerAuthentications the destination's mesh sees (its namespaces only). */
  peerAuthentications: readonly PeerAuthentication[];
}

export type OriginationDecision =
  | { mtls: true; mesh: string; namespace: string; serviceAccount: string }
  | { mtls: false; reason: string };

export function originationDecision(input: OriginationInput): OriginationDecision {
  const pod = input.destination;
  const namespace = pod.metadata.namespace ?? '';
  if (pod.metadata.labels?.[TLS_MODE_LABEL] !== 'istio' || pod.metadata.annotations?.[SIDECAR_STATUS_ANNOTATION] === undefined) return { mtls: false, reason: 'no sidecar' };
  if (!sidecarCapturesPort(pod, input.port)) return { mtls: false, reason: `port ${input.port} is not captured by the sidecar` };
  if (input.sourceMesh === undefined) return { mtls: false, reason: 'the source is in no mesh' };
  if (input.destinationMesh !== input.sourceMesh) return { mtls: false, reason: `the destination is not in mesh ${input.sourceMesh}` };
  const mode = effectiveMtlsMode(input.peerAuthentications, input.sourceMesh, { namespace, labels: pod.metadata.labels ?? {} }, input.port);
  if (mode === 'DISABLE') return { mtls: false, reason: `PeerAuthentication DISABLEs port ${input.port}` };
  const serviceAccount = typeof pod.spec?.serviceAccountName === 'string' && pod.spec.serviceAccountName !== '' ? pod.spec.serviceAccountName : 'default';
  return { mtls: true, mesh: input.sourceMesh, namespace, serviceAccount };
}

/** A pod that can receive traffic at its address: Running and not being deleted. */
export function podServesTraffic(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && !pod.metadata.deletionTimestamp;
}
