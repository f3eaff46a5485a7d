/**
 * Recording writes in field sets: what an Update (create, update, non-apply patch) takes
 * ownership of (SMD Updater.Update wrapped by apimachinery's managedFieldsUpdater), and the
 * shared option handling for both kinds of write.
 */
import type { JSONSchemaProps } from '../../../api/schema-types.ts';
import type { JsonObject, JsonValue } from '../json.ts';
import { withObjectMeta } from '../schema-nav.ts';
import type { TypeRef } from '../typed/type-model.ts';
import { managerIdentity, type Managers } from './managers.ts';
import { excludeSubtrees, settleOwnership, stripMeta, type OwnershipContext } from './ownership.ts';

/** The options every field-manager write takes. */
export interface FieldManagerOptions {
  /** The `fieldManager` of the request ("unknown" when empty). */
  manager: string;
  /** The request's group/version, recorded in the entry. */
  apiVersion: string;
  /** RFC 3339 time recorded for the entry. */
  now: string;
  /** "status" (or another subresource) when the write went through one. */
  subresource?: string;
  /** The kind's whole-object schema. */
  schema: JSONSchemaProps;
  /**
   * Top-level subtrees this write may not own (the strategy's reset fields). Default: a
   * main-resource write cannot own `status` when the schema declares one; a /status write
   * cannot own `spec`.
   */
  resetFields?: ReadonlyArray<readonly string[]>;
}

export function ownershipContext(opts: FieldManagerOptions): OwnershipContext & { type: TypeRef } {
  const type = withObjectMeta(opts.schema);
  return { type, filter: excludeSubtrees(opts.resetFields ?? defaultResetFields(type, opts.subresource)) };
}

function defaultResetFields(type: JSONSchemaProps, subresource: string | undefined): string[][] {
  if (subresource === 'status') return [['spec']];
  if (subresource) return [];
  return type.properties?.status ? [['status']] : [];
}

export function managerName(name: string): string {
  return name === '' ? 'unknown' : name;
}

const CURRENT_OPERATION = '\u0000current-operation';

/**
 * Records an Update by `who`: fields the write added or changed become its own (and leave
 * everyone else's set), removed fields leave every set.
 */
export function recordUpdate(
  before: JsonValue | undefined, after: JsonObject, managers: Managers,
  who: { manager: string; apiVersion: string; subresource?: string; time: string }, ctx: OwnershipContext,
): Managers {
  const settled = settleOwnership(before ?? {}, after, managers, CURRENT_OPERATION, true, ctx);
  if (!settled.ok) return managers; // unreachable: forced
  const { comparison } = settled;
  const set = stripMeta(ctx.filter(comparison.modified.union(comparison.added)));
  const out = settled.managers;
  if (set.isEmpty()) return out;
  const entry = { manager: who.manager, operation: 'Update' as const, apiVersion: who.apiVersion, ...(who.subresource ? { subresource: who.subresource } : {}) };
  const id = managerIdentity(entry);
  const previous = out.get(id);
  out.set(id, { ...entry, time: who.time, set: previous ? set.union(previous.set) : set });
  return out;
}
