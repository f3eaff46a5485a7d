/**
 * Reading a Revision's spec as knative/serving's helpers do (pkg/apis/serving/v1
 * revision_helpers.go): the serving container is the only container, or the one that
 * declares a port; its first port is the user port (8080 when none); a port named `h2c`
 * makes the revision speak h2c.
 */
import type { KubeObject } from '../../../../api/object.ts';
import type { Json } from '../../../../api/knative/util/json.ts';
import { isObject, list } from '../../../../api/knative/util/json.ts';

export const DEFAULT_USER_PORT = 8080;
export const USER_PORT_NAME = 'user-port';

export function revisionSpec(rev: KubeObject): Json {
  return isObject(rev.spec) ? rev.spec : {};
}

export function containersOf(rev: KubeObject): Json[] {
  return list(revisionSpec(rev), 'containers').filter(isObject);
}

/** RevisionSpec.GetContainer: the single container, else the first one with ports. */
export function userContainer(rev: KubeObject): Json | undefined {
  const containers = containersOf(rev);
  if (containers.length === 1) return containers[0];
  return containers.find((c) => list(c, 'ports').length > 0);
}

function firstPort(rev: KubeObject): Json | undefined {
  const ports = list(userContainer(rev), 'ports').filter(isObject);
  return ports[0];
}

export function userPort(rev: KubeObject): number {
  const p = firstPort(rev)?.containerPort;
  return typeof p === 'number' && p !== 0 ? p : DEFAULT_USER_PORT;
}

export function isH2c(rev: KubeObject): boolean {
  return firstPort(rev)?.name === 'h2c';
}

export function protocolType(rev: KubeObject): 'h2c' | 'http1' {
  return isH2c(rev) ? 'h2c' : 'http1';
}

export function containerConcurrency(rev: KubeObject): number {
  const cc = revisionSpec(rev).containerConcurrency;
  return typeof cc === 'number' ? cc : 0;
}
