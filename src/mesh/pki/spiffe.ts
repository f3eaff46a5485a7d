/**
 * SPIFFE identities as Istio issues them: `spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>`.
 * The trust domain is the mesh's (`spec.security.trust.domain` of its control plane,
 * `cluster.local` when unset — Istio's default).
 */
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';

export interface WorkloadIdentity {
  namespace: string;
  serviceAccount: string;
}

export function spiffeId(trustDomain: string, id: WorkloadIdentity): string {
  return `spiffe://${trustDomain}/ns/${id.namespace}/sa/${id.serviceAccount}`;
}

/** The trust domain and workload of an Istio SPIFFE ID, or undefined if it is not one. */
export function parseSpiffeId(uri: string): (WorkloadIdentity & { trustDomain: string }) | undefined {
  const match = /^spiffe:\/\/([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(uri);
  if (!match) return undefined;
  return { trustDomain: match[1]!, namespace: match[2]!, serviceAccount: match[3]! };
}
