/**
 * Pruning of unknown fields, as kube-apiserver does it when it decodes a custom resource
 * (apiextensions-apiserver schema/pruning/algorithm.go, schema/objectmeta/coerce.go):
 *
 * - a field the structural schema does not declare is dropped, unless a schema on the way
 *   has x-kubernetes-preserve-unknown-fields (below it, declared properties are still pruned);
 * - the object root and every x-kubernetes-embedded-resource keep apiVersion, kind and
 *   metadata; metadata is instead cut down to ObjectMeta's fields (strict decoding into the
 *   Go type), which is how unknown fields under `metadata` are found.
 *
 * The returned paths are what the fieldValidation directive acts on: Strict turns them into
 * a 400 (see strictDecodingMessage), Warn into `unknown field "…"` warnings, Ignore drops them.
 */
import type { JSONSchemaProps } from '../schema-types.ts';
import { objectMetaSchema } from '../meta/object-meta-schema.ts';
import { goQuote } from './go-format.ts';
import { hasOwn, isPlainObject } from './schema-props.ts';

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/** Builds paths the way apiextensions' UnknownFieldPathOptions does: `a.b[0].c`. */
class PathTracker {
  readonly unknown: string[] = [];
  private parts: string[] = [];

  constructor(root: string[] = []) {
    this.parts = [...root];
  }

  get depth(): number { return this.parts.length; }
  truncate(depth: number): void { this.parts.length = depth; }

  appendKey(key: string): void {
    if (this.parts.length > 0) this.parts.push('.');
    this.parts.push(key);
  }

  appendIndex(i: number): void {
    this.parts.push('[', String(i), ']');
  }

  record(key: string): void {
    const depth = this.depth;
    this.appendKey(key);
    this.unknown.push(this.parts.join(''));
    this.truncate(depth);
  }
}

/** The schema a map value is pruned with: its property, else additionalProperties (absent schema when `true`). */
function entrySchema(s: JSONSchemaProps, key: string): { known: boolean; schema: JSONSchemaProps | undefined } {
  const prop = s.properties?.[key];
  if (prop) return { known: true, schema: prop };
  if (s.additionalProperties !== undefined) {
    return { known: true, schema: typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined };
  }
  return { known: false, schema: undefined };
}

function prune(x: unknown, s: JSONSchemaProps | undefined, paths: PathTracker): void {
  if (s?.['x-kubernetes-preserve-unknown-fields']) return skipPrune(x, s, paths);
  const depth = paths.depth;
  if (isPlainObject(x)) {
    for (const k of Object.keys(x)) {
      if (s?.['x-kubernetes-embedded-resource'] && META_FIELDS.has(k)) continue;
      const entry = s ? entrySchema(s, k) : { known: false, schema: undefined };
      if (entry.known) {
        paths.appendKey(k);
        prune(x[k], entry.schema, paths);
        paths.truncate(depth);
      } else {
        // The root's apiVersion/kind/metadata are never reported (the root counts as embedded).
        if (!META_FIELDS.has(k) || paths.depth > 0) paths.record(k);
        delete x[k];
      }
    }
  } else if (Array.isArray(x)) {
    x.forEach((item, i) => {
      paths.appendIndex(i);
      prune(item, s?.items, paths);
      paths.truncate(depth);
    });
  }
}

function skipPrune(x: unknown, s: JSONSchemaProps, paths: PathTracker): void {
  const depth = paths.depth;
  if (isPlainObject(x)) {
    for (const k of Object.keys(x)) {
      if (s['x-kubernetes-embedded-resource'] && META_FIELDS.has(k)) continue;
      const entry = entrySchema(s, k);
      if (!entry.known) continue;
      paths.appendKey(k);
      prune(x[k], entry.schema, paths);
      paths.truncate(depth);
    }
  } else if (Array.isArray(x) && s.items) {
    x.forEach((item, i) => {
      paths.appendIndex(i);
      skipPrune(item, s.items!, paths);
      paths.truncate(depth);
    });
  }
}

/** Cuts `holder.metadata` down to ObjectMeta's fields; reports `<prefix>metadata.<field>`. */
function pruneObjectMeta(holder: Record<string, unknown>, metadataPath: string, out: string[]): void {
  const meta = holder['metadata'];
  if (!isPlainObject(meta)) return;
  const paths = new PathTracker([metadataPath]);
  prune(meta, objectMetaSchema, paths);
  out.push(...paths.unknown);
}

/** field.Path rendering used by the coercion step: children with dots, map keys and indices in brackets. */
function child(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Finds nested embedded resources and prunes their metadata (objectmeta.Coerce). */
function coerceEmbedded(x: unknown, s: JSONSchemaProps | undefined, path: string, out: string[]): void {
  if (!s) return;
  if (isPlainObject(x)) {
    if (s['x-kubernetes-embedded-resource'] && hasOwn(x, 'metadata')) pruneObjectMeta(x, child(path, 'metadata'), out);
    for (const [k, v] of Object.entries(x)) {
      const prop = s.properties?.[k];
      if (prop) coerceEmbedded(v, prop, child(path, k), out);
      else if (typeof s.additionalProperties === 'object') coerceEmbedded(v, s.additionalProperties, `${path}[${k}]`, out);
    }
  } else if (Array.isArray(x)) {
    x.forEach((item, i) => coerceEmbedded(item, s.items, `${path}[${i}]`, out));
  }
}

/**
 * Removes unknown fields from a whole object in place and returns their paths, in the
 * order kube-apiserver reports them: unknown metadata fields first, then the schema's
 * (sorted), then those in embedded resources' metadata (sorted).
 */
export function pruneUnknownFields(obj: Record<string, unknown>, schema: JSONSchemaProps): string[] {
  const metaUnknown: string[] = [];
  pruneObjectMeta(obj, 'metadata', metaUnknown);

  const paths = new PathTracker();
  const root = schema['x-kubernetes-embedded-resource'] ? schema : { ...schema, 'x-kubernetes-embedded-resource': true };
  prune(obj, root, paths);

  const embeddedUnknown: string[] = [];
  coerceEmbedded(obj, schema, '', embeddedUnknown);
  return [...metaUnknown, ...[...paths.unknown].sort(), ...embeddedUnknown.sort()];
}

/** The strict-decoding error text for an unknown field: `unknown field "spec.foo"`. */
export function unknownFieldMessage(path: string): string {
  return `unknown field "${path}"`;
}

/** The strict-decoding error text for a repeated key: `duplicate field "spec.foo"`. */
export function duplicateFieldMessage(path: string): string {
  return `duplicate field ${goQuote(path)}`;
}

/**
 * The message of the 400 BadRequest kube-apiserver returns under fieldValidation=Strict:
 * `ServiceMeshControlPlane in version "v2" cannot be handled as a ServiceMeshControlPlane:
 * strict decoding error: unknown field "spec.foo", unknown field "spec.bar"`.
 * `problems` are the messages in order: duplicate fields (from the body) first, then unknown fields.
 */
export function strictDecodingMessage(kind: string, version: string, problems: readonly string[]): string {
  return `${kind} in version ${goQuote(version)} cannot be handled as a ${kind}: strict decoding error: ${problems.join(', ')}`;
}
