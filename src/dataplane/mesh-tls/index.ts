/** Mesh mTLS origination for skiff's in-process mesh clients (gateways, activator, autoscaler). */
export type { MeshClientTls, MeshSource, OriginatedTls } from './types.ts';
export { createMeshClientTls, type MeshObjects, type ObjectStore, type WorkloadCertificateSource } from './mesh-client-tls.ts';
export { meshClientTls, certificateTag, MESH_HTTP_ALPN, MESH_TCP_ALPN, type ClientCertificate, type MeshTlsRequest } from './client-options.ts';
export { meshServerIdentityCheck, serverIdentityProblem, subjectAltNamesOf, trustDomainOfChain, type ServerIdentityExpectation } from './server-identity.ts';
export { meshOfNamespace, originationDecision, podServesTraffic, SIDECAR_STATUS_ANNOTATION, type OriginationDecision } from './origination-decision.ts';
