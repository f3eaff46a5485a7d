/**
 * Which revision a request is for (pkg/activator/handler/context_handler.go): the
 * `Knative-Serving-Revision` and `Knative-Serving-Namespace` headers the ingress adds, or,
 * without them, a Host of the form `<revision>.<namespace>.svc.<cluster domain>` (a request
 * sent to the revision's Service by its cluster name).
 */
import { HEADERS } from '../../controllers/serving/shared/contracts.ts';

export const CLUSTER_DOMAIN = 'cluster.local';

export interface RevisionId {
  namespace: string;
  name: string;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? v[0] : v) ?? '';

export function revisionIdOf(headers: Headers, clusterDomain = CLUSTER_DOMAIN): RevisionId {
  let name = first(headers[HEADERS.revision]);
  let namespace = first(headers[HEADERS.namespace]);
  if (name === '' || namespace === '') {
    const parts = first(headers.host).split('.');
    if (parts.length >= 4 && parts[2] === 'svc' && parts.slice(3).join('.').split(':')[0] === clusterDomain) {
      name = parts[0] ?? '';
      namespace = parts[1] ?? '';
    }
  }
  return { namespace, name };
}

/** Upstream's answer (404) when the revision is unknown, as the lister's NotFound reads. */
export function revisionNotFoundMessage(name: string): string {
  return `Error getting active endpoint: revision.serving.knative.dev ${JSON.stringify(name)} not found`;
}
