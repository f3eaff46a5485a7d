/**
 * The built-in kinds' OpenAPI schemas, read from the generated definitions.json (see
 * scripts/gen-builtin-schemas.ts). References between definitions are resolved into plain
 * JSONSchemaProps trees; a shared type (ObjectMeta, PodSpec, …) is one frozen object used by
 * every tree that embeds it, so the whole set costs one copy in memory. Consumers must not
 * mutate these schemas (they are deep-frozen to make an accidental write fail loudly).
 */
import { readFileSync } from 'node:fs';
import type { JSONSchemaProps } from '../../schema-types.ts';

interface DefinitionsFile {
  '//': string;
  roots: Record<string, string>;
  definitions: Record<string, Record<string, unknown>>;
}

let file: DefinitionsFile | undefined;
const resolved = new Map<string, JSONSchemaProps>();
const resolving = new Set<string>();
/**
 * The definition each resolved subtree stands for (a definition itself, or a field's
 * `{...definition, description}`), so that OpenAPI documents can publish the Go types as
 * named components again (builtinDefinitionOf).
 */
const origins = new WeakMap<JSONSchemaProps, string>();

/**
 * Go `+default` markers the OpenAPI v2 source of definitions.json does not carry, for fields
 * that are keys of an associative list: server-side apply names an item that omits such a key
 * by its default (structured-merge-diff), so without these a Service port or container port
 * applied without `protocol` would not match the stored item (protocol TCP) it is.
 * From k8s.io/api v0.32 core/v1 types.go (ContainerPort.Protocol, ServicePort.Protocol).
 */
const LIST_KEY_DEFAULTS: ReadonlyArray<[definition: string, field: string, value: unknown]> = [
  ['io.k8s.api.core.v1.ContainerPort', 'protocol', 'TCP'],
  ['io.k8s.api.core.v1.ServicePort', 'protocol', 'TCP'],
];

function data(): DefinitionsFile {
  if (!file) {
    const parsed = JSON.parse(readFileSync(new URL('./definitions.json', import.meta.url), 'utf8')) as DefinitionsFile;
    for (const [definition, field, value] of LIST_KEY_DEFAULTS) {
      const prop = (parsed.definitions[definition]?.properties as Record<string, Record<string, unknown>> | undefined)?.[field];
      if (!prop) throw new Error(`built-in schema definition ${definition} has no field ${field}`);
      prop.default = value;
    }
    file = parsed;
  }
  return file;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Resolves `{"$ref": name, ...siblings}` nodes; siblings (a field's own description) win. */
function resolveNode(node: Record<string, unknown>): JSONSchemaProps {
  const ref = node.$ref;
  if (typeof ref === 'string') {
    const { $ref: _ref, ...siblings } = node;
    const target = builtinDefinition(ref);
    if (Object.keys(siblings).length === 0) return target;
    const merged: JSONSchemaProps = { ...target, ...siblings };
    origins.set(merged, ref);
    return merged;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, Record<string, unknown>>).map(([k, v]) => [k, resolveNode(v)]));
    } else if ((key === 'items' || key === 'additionalProperties') && typeof value === 'object' && value !== null) {
      out[key] = resolveNode(value as Record<string, unknown>);
    } else {
      out[key] = value;
    }
  }
  return out as JSONSchemaProps;
}

/** A named OpenAPI definition, e.g. `io.k8s.api.core.v1.PodSpec`, fully resolved. */
export function builtinDefinition(name: string): JSONSchemaProps {
  const hit = resolved.get(name);
  if (hit) return hit;
  const raw = data().definitions[name];
  if (!raw) throw new Error(`no built-in schema definition ${name}`);
  // The generator cuts every reference cycle; one here means the data file was edited by hand.
  if (resolving.has(name)) throw new Error(`built-in schema definition ${name} refers to itself`);
  resolving.add(name);
  try {
    const schema = deepFreeze(resolveNode(raw));
    resolved.set(name, schema);
    origins.set(schema, name);
    return schema;
  } finally {
    resolving.delete(name);
  }
}

/**
 * The definition a node of a built-in schema tree was resolved from (`io.k8s.api.core.v1.Container`
 * for `pod.spec.containers[*]`), or undefined for a node written inline in its parent.
 */
export function builtinDefinitionOf(node: JSONSchemaProps): string | undefined {
  return origins.get(node);
}

/** The whole-object schema of a built-in kind, e.g. `builtinSchema('apps/v1', 'Deployment')`. */
export function builtinSchema(apiVersion: string, kind: string): JSONSchemaProps {
  const name = data().roots[`${apiVersion}/${kind}`];
  if (!name) throw new Error(`no built-in schema for ${apiVersion} ${kind}`);
  return builtinDefinition(name);
}

/** The OpenAPI definition name behind a built-in kind (for OpenAPI documents' component names). */
export function builtinDefinitionName(apiVersion: string, kind: string): string | undefined {
  return data().roots[`${apiVersion}/${kind}`];
}

/** A property's description (Go's SwaggerDoc text), as printers use for column descriptions. */
export function fieldDescription(definition: string, field: string): string {
  return builtinDefinition(definition).properties?.[field]?.description ?? '';
}

/** The generator's provenance line, e.g. for `kubectl explain`-related documentation. */
export function schemaProvenance(): string {
  return data()['//'];
}
