/**
 * The mesh CA's public surface (what the data plane and the controllers use): load or
 * ensure a mesh's CA, issue SPIFFE workload certificates from it, and its trust bundle.
 */
export { ensureMeshCa, loadMeshCa, trustDomainOf, type EnsuredCa } from './ca-secrets.ts';
export { CA_FILES, CA_SECRET_NAME, PLUGIN_SECRET_NAME, type MeshCa } from './mesh-ca.ts';
export { DEFAULT_TRUST_DOMAIN, parseSpiffeId, spiffeId, type WorkloadIdentity } from './spiffe.ts';
export { DEFAULT_WORKLOAD_CERT_TTL_MS, issueWorkloadCertificate, meshTrustBundle, renewalTime, type IssueOptions, type WorkloadCertificate } from './workload-certificate.ts';
