/**
 * List and watch filters: a label selector and a field selector compiled once per request
 * into one predicate. Field selectors support metadata.name and metadata.namespace on every
 * kind, plus the fields the kind declares (built-in `fieldSelectors`, CRD
 * `selectableFields`); anything else is a 400 `field label not supported`, as in Kubernetes.
 */
import type { KindDefinition } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';
import { evaluateJsonPath } from '../../api/jsonpath/index.ts';
import { parseFieldSelector, parseLabelSelector } from '../../api/selectors/index.ts';

export type ObjectFilter = (obj: KubeObject) => boolean;

type FieldGetter = (obj: KubeObject) => string | undefined;

function fieldGetters(def: KindDefinition): Map<string, FieldGetter> {
  const getters = new Map<string, FieldGetter>([
    ['metadata.name', (o) => o.metadata.name],
    ['metadata.namespace', (o) => o.metadata.namespace ?? ''],
  ]);
  for (const [path, get] of Object.entries(def.fieldSelectors ?? {})) getters.set(path, get);
  for (const v of def.versions) {
    for (const jsonPath of v.selectableFields ?? []) {
      const path = jsonPath.replace(/^\./, '');
      getters.set(path, (o) => {
        const found = evaluateJsonPath(jsonPath, o, { allowMissingKeys: true });
        return found.length > 0 && found[0] !== undefined && found[0] !== null ? String(found[0]) : '';
      });
    }
  }
  return getters;
}

export function buildFilter(def: KindDefinition, labelSelector: string | undefined, fieldSelector: string | undefined): ObjectFilter {
  const labels = labelSelector ? parseLabelSelector(labelSelector) : undefined;
  const fields = fieldSelector ? parseFieldSelector(fieldSelector) : undefined;
  const matchLabels = labels && !labels.empty ? labels : undefined;
  if (!fields || fields.requirements.length === 0) return matchLabels ? (o) => matchLabels.matches(o.metadata.labels ?? {}) : () => true;
  const getters = fieldGetters(def);
  fields.assertSupported(getters.keys());
  const used = fields.requirements.map((r) => [r.field, getters.get(r.field)!] as const);
  return (o) => {
    if (matchLabels && !matchLabels.matches(o.metadata.labels ?? {})) return false;
    const values: Record<string, string | undefined> = {};
    for (const [field, get] of used) values[field] = get(o) ?? '';
    return fields.matches(values);
  };
}
