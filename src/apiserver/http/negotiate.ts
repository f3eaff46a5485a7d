/**
 * Response content negotiation for the Accept values kubectl sends: plain JSON, a
 * meta.k8s.io Table (human-readable `kubectl get`), PartialObjectMetadata, and the
 * aggregated-discovery document type.
 */
export interface AcceptedForm {
  as: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList' | 'APIGroupDiscoveryList' | undefined;
  group?: string;
  version?: string;
}

/** The first Accept entry we can produce, in the client's order; plain JSON as fallback. */
export function negotiate(accept: string | undefined): AcceptedForm {
  for (const entry of (accept ?? '').split(',')) {
    const [type, ...params] = entry.split(';').map((s) => s.trim());
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') {
      continue;
    }
    const p = Object.fromEntries(params.map((kv) => kv.split('=').map((s) => s.trim()) as [string, string]));
    if (p.as === undefined) return { as: undefined };
    if (p.as === 'Table' && p.g === 'meta.k8s.io' && (p.v === 'v1' || p.v === 'v1beta1')) return { as: 'Table', group: p.g, version: p.v };
    if ((p.as === 'PartialObjectMetadata' || p.as === 'PartialObjectMetadataList') && p.g === 'meta.k8s.io' && p.v === 'v1') return { as: p.as, group: p.g, version: p.v };
    if (p.as === 'APIGroupDiscoveryList' && p.g === 'apidiscovery.k8s.io' && (p.v === 'v2' || p.v === 'v2beta1')) return { as: 'APIGroupDiscoveryList', group: p.g, version: p.v };
  }
  return { as: undefined };
}
