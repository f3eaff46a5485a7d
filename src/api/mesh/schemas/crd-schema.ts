/**
 * Pure steps of the schema converter (generate.ts): take an upstream
 * CustomResourceDefinition (already parsed from YAML) and produce, per version, the
 * structural schema skiff stores as JSON. Upstream schemas are facts about the interface,
 * so the conversion keeps them as they are (descriptions, enums, defaults and every
 * `x-kubernetes-preserve-unknown-fields`), with two documented adjustments:
 *  - `completeObjectSchema` adds `apiVersion`, `kind` and `metadata` where a CRD leaves them
 *    out (the Istio CRDs do), as kube-apiserver does when it publishes a CRD's OpenAPI;
 *  - `stripDeclarativeValidation` is for Route only: on OpenShift it is not a CRD, its
 *    validation and defaulting are Go code (src/api/route), so the CRD's CEL rules,
 *    enums, patterns and defaults must not run a second time.
 * `indentQuotedContinuations` only makes upstream YAML that Go accepts parseable here.
 */
import type { JSONSchemaProps } from '../../schema-types.ts';

export interface CrdVersionSchema {
  version: string;
  storage: boolean;
  schema: JSONSchemaProps;
}

interface CrdVersionShape {
  name?: unknown;
  storage?: unknown;
  schema?: { openAPIV3Schema?: unknown };
}

/** Every version's `openAPIV3Schema`, in the CRD's order. */
export function extractVersionSchemas(crd: unknown): CrdVersionSchema[] {
  const versions = (crd as { spec?: { versions?: CrdVersionShape[] } } | null)?.spec?.versions;
  if (!Array.isArray(versions)) throw new Error('not a CustomResourceDefinition: spec.versions is missing');
  return versions.map((v) => {
    if (typeof v.name !== 'string') throw new Error('CRD version without a name');
    const schema = v.schema?.openAPIV3Schema;
    if (!schema || typeof schema !== 'object') throw new Error(`CRD version ${v.name} has no openAPIV3Schema`);
    return { version: v.name, storage: v.storage === true, schema: schema as JSONSchemaProps };
  });
}

const API_VERSION_DESCRIPTION =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DESCRIPTION =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/** Adds the fields every object has when the CRD omits them; leaves everything else as is. */
export function completeObjectSchema(schema: JSONSchemaProps): JSONSchemaProps {
  const properties = { ...(schema.properties ?? {}) };
  const withStandard: Record<string, JSONSchemaProps> = {
    apiVersion: properties.apiVersion ?? { description: API_VERSION_DESCRIPTION, type: 'string' },
    kind: properties.kind ?? { description: KIND_DESCRIPTION, type: 'string' },
    metadata: properties.metadata ?? { type: 'object' },
  };
  for (const [name, prop] of Object.entries(properties)) if (!(name in withStandard)) withStandard[name] = prop;
  return { ...schema, type: schema.type ?? 'object', properties: withStandard };
}

/** Keywords that express validation or defaulting declaratively (CRD-only for Route). */
const DECLARATIVE_KEYWORDS = [
  'default', 'enum', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength',
  'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'required', 'allOf', 'anyOf', 'oneOf', 'not',
  'x-kubernetes-validations',
] as const;

/** Removes declarative validation recursively, keeping types, descriptions and list/map markers. */
export function stripDeclarativeValidation(schema: JSONSchemaProps): JSONSchemaProps {
  const out: JSONSchemaProps = { ...schema };
  for (const k of DECLARATIVE_KEYWORDS) delete out[k];
  if (schema.properties) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, stripDeclarativeValidation(v)]));
  }
  if (schema.items) out.items = stripDeclarativeValidation(schema.items);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    out.additionalProperties = stripDeclarativeValidation(schema.additionalProperties);
  }
  return out;
}

/**
 * Some upstream files continue a single-quoted scalar on lines indented no deeper than its
 * key. Go's YAML parser accepts that, the `yaml` package does not; indent such lines past
 * the key (whitespace inside a flow scalar folds to one space, so the value is unchanged).
 */
export function indentQuotedContinuations(text: string): string {
  const lines = text.split('\n');
  let keyIndent = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const quotes = (line.replace(/''/g, '').match(/'/g) ?? []).length;
    if (keyIndent < 0) {
      const opened = /^(\s*)(?:- )?[^\s'"#][^:]*: '/.exec(line);
      if (opened && quotes % 2 === 1) keyIndent = opened[1]!.length;
      continue;
    }
    const indent = line.length - line.trimStart().length;
    if (line.trim() !== '' && indent <= keyIndent) lines[i] = ' '.repeat(keyIndent + 2 - indent) + line;
    if (quotes % 2 === 1) keyIndent = -1;
  }
  return lines.join('\n');
}
