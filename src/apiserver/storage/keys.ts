/**
 * Store keys, laid out like kube-apiserver's etcd keys so that a prefix selects exactly one
 * resource type, one namespace of it, or one object:
 *   /registry/<group|core>/<plural>/<namespace>/<name>   (namespaced)
 *   /registry/<group|core>/<plural>/<name>               (cluster-scoped)
 */
import type { KindDefinition } from '../../api/kind.ts';

type Addressable = Pick<KindDefinition, 'group' | 'plural' | 'scope'>;

export function resourcePrefix(def: Pick<KindDefinition, 'group' | 'plural'>): string {
  return `/registry/${def.group === '' ? 'core' : def.group}/${def.plural}/`;
}

export function collectionPrefix(def: Addressable, namespace: string | undefined): string {
  const base = resourcePrefix(def);
  return def.scope === 'Namespaced' && namespace !== undefined ? `${base}${namespace}/` : base;
}

export function objectKey(def: Addressable, namespace: string | undefined, name: string): string {
  return def.scope === 'Namespaced' ? `${resourcePrefix(def)}${namespace ?? ''}/${name}` : `${resourcePrefix(def)}${name}`;
}
