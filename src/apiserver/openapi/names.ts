/**
 * The names Kubernetes gives things in OpenAPI documents: component (definition) names,
 * operation IDs and tags, and the group-version paths of the /openapi/v3 index.
 */
import type { KindDefinition } from '../../api/kind.ts';

/**
 * Go packages of the compiled-in API groups. Built-in definitions are named after the Go
 * type (`io.k8s.api.core.v1.Pod`): the package path with its domain reversed.
 */
const BUILTIN_PACKAGES: Readonly<Record<string, string>> = {
  '': 'k8s.io/api/core',
  'apiextensions.k8s.io': 'k8s.io/apiextensions-apiserver/pkg/apis/apiextensions',
  'apiregistration.k8s.io': 'k8s.io/kube-aggregator/pkg/apis/apiregistration',
  'rbac.authorization.k8s.io': 'k8s.io/api/rbac',
  'flowcontrol.apiserver.k8s.io': 'k8s.io/api/flowcontrol',
  'internal.apiserver.k8s.io': 'k8s.io/api/apiserverinternal',
  'route.openshift.io': 'github.com/openshift/api/route',
  'project.openshift.io': 'github.com/openshift/api/project',
  'config.openshift.io': 'github.com/openshift/api/config',
};

/** kube-openapi util.ToRESTFriendlyName: the first segment's dotted domain reversed, `/` → `.`. */
export function toRestFriendlyName(name: string): string {
  const parts = name.split('/');
  if (parts[0]!.includes('.')) parts[0] = parts[0]!.split('.').reverse().join('.');
  return parts.join('.');
}

function builtinPackage(group: string): string {
  const known = BUILTIN_PACKAGES[group];
  if (known !== undefined) return known;
  // apps, batch, networking.k8s.io, coordination.k8s.io …: k8s.io/api/<first label>.
  return `k8s.io/api/${group.split('.')[0]}`;
}

/**
 * The component name of `kind` (the kind itself or its list kind) in `version`:
 * `io.k8s.api.apps.v1.Deployment` for compiled-in kinds, and for custom resources the
 * CRD builder's canonical name `<group>/<version>.<Kind>` made REST-friendly:
 * `io.maistra.v2.ServiceMeshControlPlane`.
 */
export function definitionName(def: Pick<KindDefinition, 'group' | 'builtin'>, version: string, kind: string): string {
  if (def.builtin) return toRestFriendlyName(`${builtinPackage(def.group)}/${version}.${kind}`);
  return toRestFriendlyName(`${def.group}/${version}.${kind}`);
}

/** The /openapi/v3 index key (and URL suffix) of a group-version: `api/v1`, `apis/apps/v1`. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** Parses an index key back into group and version; undefined if it is not one. */
export function parseGroupVersionPath(path: string): { group: string; version: string } | undefined {
  const parts = path.split('/');
  if (parts.length === 2 && parts[0] === 'api' && parts[1]) return { group: '', version: parts[1] };
  if (parts.length === 3 && parts[0] === 'apis' && parts[1] && parts[2]) return { group: parts[1], version: parts[2] };
  return undefined;
}

/** apiserver openapi.ToValidOperationID: keeps letters, '_' and non-leading digits, capitalising what follows a dropped character. */
export function toValidOperationId(s: string, capitalizeFirst: boolean): string {
  let out = '';
  let capitalize = capitalizeFirst;
  let index = 0;
  for (const ch of s) {
    const keep = /\p{L}|_/u.test(ch) || (index !== 0 && /\p{Nd}/u.test(ch));
    index += Buffer.byteLength(ch);
    if (keep) {
      out += capitalize ? ch.toUpperCase() : ch;
      capitalize = false;
    } else {
      capitalize = true;
    }
  }
  return out;
}

/**
 * Operation IDs and tags as apiserver's GetOperationIDAndTags makes them from a route's
 * verb-prefixed name: `patch` + `MaistraIo` + `V2` + `NamespacedServiceMeshControlPlane`,
 * tagged `maistraIo_v2`; the core group is spelled `core`.
 */
export function operationIdAndTag(verb: string, rest: string, group: string, version: string): { operationId: string; tag: string } {
  const groupPart = (group === '' ? 'core' : group).replace(/\.k8s\.io$/, '');
  return {
    operationId: `${verb}${toValidOperationId(groupPart, true)}${toValidOperationId(version, true)}${toValidOperationId(rest, true)}`,
    tag: `${toValidOperationId(groupPart, false)}_${toValidOperationId(version, false)}`,
  };
}
