/**
 * A kind's schema as an OpenAPI v3 component, built the way apiextensions-apiserver's
 * OpenAPI builder publishes a CRD version (controller/openapi/builder): the structural
 * schema with `metadata` referring to ObjectMeta, apiVersion/kind described as TypeMeta,
 * embedded resources given the same three fields, int-or-string unfolded into anyOf, and
 * `x-kubernetes-group-version-kind` naming the kind. Plus the `<Kind>List` component.
 */
import { builtinDefinitionOf } from '../../api/builtin/index.ts';
import type { KindDefinition, KindVersion } from '../../api/kind.ts';
import type { JSONSchemaProps } from '../../api/schema-types.ts';
import type { BuiltinComponents } from './builtin-components.ts';
import { DEF, refTo, TYPE_META_DESCRIPTIONS, type OpenApiSchema } from './meta-components.ts';
import { definitionName } from './names.ts';

const OBJECT_METADATA_DESCRIPTION = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_METADATA_DESCRIPTION = 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const EMBEDDED_API_VERSION = 'apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const EMBEDDED_KIND = 'kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/** The GVK extension value; keys in the order Go's JSON encoder writes a map. */
export function gvkExtension(group: string, version: string, kind: string): { group: string; kind: string; version: string } {
  return { group, kind, version };
}

function convert(s: JSONSchemaProps): OpenApiSchema {
  const out: OpenApiSchema = { ...s };
  if (s.properties) out['properties'] = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, convert(v)]));
  if (s.items) out['items'] = convert(s.items);
  if (typeof s.additionalProperties === 'object') out['additionalProperties'] = convert(s.additionalProperties);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = s[key];
    if (list) out[key] = list.map(convert);
  }
  if (s.not) out['not'] = convert(s.not);
  // Unfold: an int-or-string node without its own composition states both types.
  if (s['x-kubernetes-int-or-string'] && !s.anyOf && !s.allOf) out['anyOf'] = [{ type: 'integer' }, { type: 'string' }];
  if (s['x-kubernetes-embedded-resource']) {
    const properties = { ...(out['properties'] as Record<string, OpenApiSchema> | undefined) };
    properties['apiVersion'] = { type: 'string', description: EMBEDDED_API_VERSION };
    properties['kind'] = { type: 'string', description: EMBEDDED_KIND };
    properties['metadata'] = refTo(DEF.objectMeta, { description: OBJECT_METADATA_DESCRIPTION });
    out['properties'] = properties;
    const required = [...(s.required ?? [])];
    for (const field of ['kind', 'apiVersion']) if (!required.includes(field)) required.push(field);
    out['required'] = required;
  }
  return out;
}

/**
 * The component of one served version of a kind. A compiled-in kind whose schema comes from
 * Kubernetes' definitions refers to its types through `builtins`, which collects them.
 */
export function kindComponent(def: KindDefinition, version: KindVersion, builtins?: BuiltinComponents): OpenApiSchema {
  const fromDefinitions = def.builtin && builtins && builtinDefinitionOf(version.schema) !== undefined;
  const out = fromDefinitions ? builtins.root(version.schema) : convert(version.schema);
  if (!out['type']) out['type'] = 'object';
  const properties = { ...(out['properties'] as Record<string, OpenApiSchema> | undefined) };
  const ownMetadata = version.schema.properties?.['metadata'];
  // Compiled-in kinds keep their own field descriptions; CRDs get TypeMeta's, as the CRD builder sets them.
  if (!def.builtin || !properties['apiVersion']) properties['apiVersion'] = { type: 'string', description: TYPE_META_DESCRIPTIONS.apiVersion };
  if (!def.builtin || !properties['kind']) properties['kind'] = { type: 'string', description: TYPE_META_DESCRIPTIONS.kind };
  const metadataDescription = def.builtin && ownMetadata?.description ? ownMetadata.description : OBJECT_METADATA_DESCRIPTION;
  properties['metadata'] = refTo(DEF.objectMeta, def.builtin ? { default: {}, description: metadataDescription } : { description: metadataDescription });
  out['properties'] = properties;
  out['x-kubernetes-group-version-kind'] = [gvkExtension(def.group, version.name, def.kind)];
  if (version.selectableFields?.length) {
    out['x-kubernetes-selectable-fields'] = version.selectableFields.map((path) => ({ fieldPath: path.replace(/^\./, '') }));
  }
  return out;
}

/** The `<Kind>List` component. */
export function listComponent(def: KindDefinition, version: KindVersion): OpenApiSchema {
  return {
    description: `${def.listKind} is a list of ${def.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string', description: TYPE_META_DESCRIPTIONS.apiVersion },
      items: { type: 'array', items: refTo(definitionName(def, version.name, def.kind)), description: `List of ${def.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md` },
      kind: { type: 'string', description: TYPE_META_DESCRIPTIONS.kind },
      metadata: refTo(DEF.listMeta, { description: LIST_METADATA_DESCRIPTION }),
    },
    'x-kubernetes-group-version-kind': [gvkExtension(def.group, version.name, def.listKind)],
  };
}
