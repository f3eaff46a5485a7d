/**
 * Resolving a DomainMapping's `spec.ref` to the host and Service the KIngress targets
 * (domainmapping reconciler resolveRef over knative.dev/pkg's URIResolver): a core v1 Service
 * is addressed by its cluster name without being read; anything else must be an Addressable
 * with `status.address.url`. The host must be `{name}.{namespace}.svc.cluster.local` in the
 * DomainMapping's own namespace (a KIngress cannot route across namespaces), and carry no path
 * (DomainMappings do no path routing). Pure: the referenced object is handed in.
 */
import type { KubeObject } from '../../../api/object.ts';
import { CLUSTER_DOMAIN } from '../route/config.ts';

export interface KReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

export type Resolution = { ok: true; host: string; backendService: string } | { ok: false; message: string };

/** Go's `%+v` of a KReference, as upstream's resolver messages print it. */
export function formatRef(ref: KReference): string {
  return `&{Kind:${ref.kind ?? ''} Namespace:${ref.namespace ?? ''} Name:${ref.name ?? ''} APIVersion:${ref.apiVersion ?? ''} Group:}`;
}

export const isCoreService = (ref: KReference): boolean => ref.apiVersion === 'v1' && ref.kind === 'Service';

/** The URL the reference resolves to: `target` is the referenced object (undefined when absent; unused for a core Service). */
export function resolveURL(ref: KReference, target: KubeObject | undefined): { ok: true; url: URL; raw: string } | { ok: false; message: string } {
  if (isCoreService(ref)) {
    const raw = `http://${ref.name}.${ref.namespace}.svc.${CLUSTER_DOMAIN}/`;
    return { ok: true, url: new URL(raw), raw };
  }
  if (!target) return { ok: false, message: `failed to get ref ${formatRef(ref)}: ${kindResource(ref)} "${ref.name}" not found` };
  const address = (target.status as { address?: { url?: string } } | undefined)?.address;
  if (!address) return { ok: false, message: `address not set for ${formatRef(ref)}` };
  if (!address.url) return { ok: false, message: `url missing in address of ${formatRef(ref)}` };
  let url: URL;
  try {
    url = new URL(address.url);
  } catch {
    return { ok: false, message: `url missing in address of ${formatRef(ref)}` };
  }
  if (url.hostname === '') return { ok: false, message: `hostname missing in address of ${formatRef(ref)}` };
  return { ok: true, url, raw: address.url };
}

/** client-go's not-found wording names the resource: `services.serving.knative.dev`, `routes.serving.knative.dev`. */
function kindResource(ref: KReference): string {
  const group = (ref.apiVersion ?? '').includes('/') ? ref.apiVersion!.split('/')[0] : '';
  const plural = `${(ref.kind ?? '').toLowerCase()}s`;
  return group ? `${plural}.${group}` : plural;
}

/** resolveRef: the target host and the backend Service name, or why the reference is unusable. */
export function resolveRef(dmNamespace: string, ref: KReference, target: KubeObject | undefined): Resolution {
  const resolved = resolveURL(ref, target);
  if (!resolved.ok) return resolved;
  const { url, raw: shown } = resolved;
  if (url.pathname.replace(/\/$/, '') !== '') return { ok: false, message: `resolved URI "${shown}" contains a path` };
  const suffix = `.svc.${CLUSTER_DOMAIN}`;
  const host = url.host; // with any port, which then fails the form check as upstream's does
  const parts = host.endsWith(suffix) ? host.slice(0, -suffix.length).split('.') : [];
  if (parts.length !== 2) return { ok: false, message: `resolved URI "${shown}" must be of the form {name}.{namespace}${suffix}` };
  if (parts[1] !== dmNamespace) return { ok: false, message: `resolved URI "${shown}" must be in same namespace as DomainMapping` };
  return { ok: true, host, backendService: parts[0]! };
}
