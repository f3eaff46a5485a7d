/**
 * The probe that tells a KIngress's routes are live in a gateway (knative/networking
 * pkg/ingress InsertProbe, ComputeHash): the hash of the ingress spec, and a copy of each
 * path, placed first, that matches `K-Network-Hash: override` and sets `K-Network-Hash:
 * <hash>` on the request. The revision's queue-proxy (or the activator) echoes the header,
 * so a prober that gets its hash back knows the gateway runs this version of the routes.
 */
import { createHash } from 'node:crypto';
import type { HTTPIngressPath, IngressSpec, KIngress } from './kingress.ts';

export const HASH_HEADER = 'K-Network-Hash';
export const PROBE_HEADER = 'K-Network-Probe';
export const HASH_OVERRIDE = 'override';
export const PROBE_VALUE = 'probe';

/** JSON with object keys sorted, so equal specs hash alike whatever their key order. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** sha256 hex of the spec, the namespace and the name (ComputeHash). */
export function ingressHash(ing: KIngress): string {
  return createHash('sha256').update(stableJson(ing.spec ?? {})).update(ing.metadata.namespace ?? '').update(ing.metadata.name ?? '').digest('hex');
}

function probePath(p: HTTPIngressPath, hash: string): HTTPIngressPath {
  return {
    ...p,
    headers: { ...(p.headers ?? {}), [HASH_HEADER]: { exact: HASH_OVERRIDE } },
    appendHeaders: { ...(p.appendHeaders ?? {}), [HASH_HEADER]: hash },
  };
}

/** The spec with the probe paths inserted before each rule's own paths, and the hash. */
export function withProbe(ing: KIngress): { spec: IngressSpec; hash: string } {
  const hash = ingressHash(ing);
  const spec = ing.spec ?? {};
  return {
    hash,
    spec: {
      ...spec,
      rules: (spec.rules ?? []).map((rule) => {
        const paths = rule.http?.paths ?? [];
        return { ...rule, http: { ...rule.http, paths: [...paths.map((p) => probePath(p, hash)), ...paths] } };
      }),
    },
  };
}
