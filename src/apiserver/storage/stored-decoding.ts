/**
 * Custom resources as kube-apiserver decodes them from storage: its CRD storage codec prunes
 * the fields that the schema of the version an object was stored in does not know (and the
 * nulls it does not allow), and applies that schema's defaults, on every read
 * (apiextensions-apiserver's schemaCoercingDecoder and unstructuredDefaulter). So a default
 * added to a CRD later shows on objects stored before it, and a field dropped from the
 * schema disappears from them, without a write. Built-in kinds' schemas never change while
 * skiff runs, and their objects were pruned and defaulted when written: they pass as stored.
 *
 * Reads are frequent (every get, list and watch event), so each stored object is decoded
 * once per schema: the result is remembered against the object (the store hands out the same
 * object for the same version) and the schema it was decoded with (a changed CRD is a new
 * schema). An object the decoding leaves as it was is returned itself. A CRD write that
 * changes neither its spec nor its accepted names keeps the kind, and so the cache
 * (crd-registrar.ts); one that does ends the kind's open watches (WatchService.endWatchesOf).
 */
import { storageVersion, type KindDefinition, type KindVersion } from '../../api/kind.ts';
import { formatApiVersion, type KubeObject } from '../../api/object.ts';
import { applyDefaults, pruneNonNullableNulls } from '../../api/schema/defaults.ts';
import { pruneUnknownFields } from '../../api/schema/prune.ts';
import type { JSONSchemaProps } from '../../api/schema-types.ts';
import { cloneJson } from '../../util/clone-json.ts';
import { jsonEqual } from '../../util/json-equal.ts';

const decodedBySchema = new WeakMap<JSONSchemaProps, WeakMap<KubeObject, KubeObject>>();

export function decodeStored(def: KindDefinition, stored: KubeObject): KubeObject {
  if (!def.fromCrd) return stored;
  const schema = versionStoredAs(def, stored).schema;
  let decoded = decodedBySchema.get(schema);
  if (!decoded) decodedBySchema.set(schema, (decoded = new WeakMap()));
  const known = decoded.get(stored);
  if (known) return known;
  const copy = cloneJson(stored) as KubeObject & Record<string, unknown>;
  pruneUnknownFields(copy, schema);
  pruneNonNullableNulls(copy, schema);
  applyDefaults(copy, schema);
  const result = jsonEqual(copy, stored) ? stored : copy;
  decoded.set(stored, result);
  return result;
}

/**
 * The version an object was written in (its stored apiVersion): its schema decodes it, as the
 * defaulter picks the schema by the decoded object's version. An object written before the
 * CRD moved its storage version keeps the old one until its next write.
 */
function versionStoredAs(def: KindDefinition, stored: KubeObject): KindVersion {
  return def.versions.find((v) => formatApiVersion(def.group, v.name) === stored.apiVersion) ?? storageVersion(def);
}
