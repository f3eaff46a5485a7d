/**
 * Parses a request path into what it addresses, as Kubernetes' RequestInfoFactory does
 * (apiserver pkg/endpoints/request/requestinfo.go): resource requests under /api and /apis,
 * everything else is a non-resource path (discovery roots, /version, /openapi, health).
 */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  kind: 'resource';
  group: string;
  version: string;
  resource: string;
  /** Namespace from the URL (for namespaced resources), or undefined for cluster-wide. */
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  verb: Verb;
}

export interface NonResourceRequest {
  kind: 'nonresource';
  path: string;
}

/** Discovery documents for one API group (/apis/<group>) or group version (/api/v1, /apis/<g>/<v>). */
export interface DiscoveryRequest {
  kind: 'discovery';
  group: string;
  version: string | undefined;
}

export type RequestInfo = ResourceRequest | NonResourceRequest | DiscoveryRequest;

/** Subresources of a namespace that are addressed as /namespaces/<name>/<sub>. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let group: string;
  let version: string | undefined;
  let rest: string[];
  if (parts[0] === 'api') {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
    if (version === undefined) return { kind: 'nonresource', path: pathname };
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { kind: 'nonresource', path: pathname };
    group = parts[1]!;
    version = parts[2];
    rest = parts.slice(3);
    if (version === undefined) return { kind: 'discovery', group, version: undefined };
  } else {
    return { kind: 'nonresource', path: pathname };
  }
  if (rest.length === 0) return { kind: 'discovery', group, version };

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) rest = rest.slice(2);
  }
  const resource = rest[0]!;
  const name = rest[1];
  const subresource = rest[2];
  // The namespace object itself: /api/v1/namespaces/<name>[/status|/finalize].
  if (resource === 'namespaces' && namespace !== undefined && rest[0] === 'namespaces') namespace = undefined;

  const isWatch = query.get('watch') === 'true' || query.get('watch') === '1';
  let verb: Verb;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = name === undefined ? (isWatch ? 'watch' : 'list') : isWatch ? 'watch' : 'get';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name === undefined ? 'deletecollection' : 'delete';
      break;
    default:
      verb = 'get';
  }
  return { kind: 'resource', group, version, resource, namespace, name, subresource, verb };
}
