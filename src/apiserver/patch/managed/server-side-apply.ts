/**
 * Server-side apply (`application/apply-patch+yaml`), as kube-apiserver's field manager
 * does it (structured-merge-diff Updater.Apply inside apimachinery's manager chain): merge
 * the applied configuration into the live object, remove what this manager applied before
 * and no longer applies unless someone else owns it, and settle ownership with every other
 * manager — reporting conflicts unless `force`.
 */
import type { KubeObject } from '../../../api/object.ts';
import { SkiffError } from '../../../errors/skiff-error.ts';
import { isJsonObject, type JsonObject } from '../json.ts';
import { pathToString } from '../fieldpath/path-element.ts';
import { PathSet } from '../fieldpath/path-set.ts';
import { mergeTyped } from '../typed/merge.ts';
import { withNamedFields } from '../typed/named-fields.ts';
import { removeItems } from '../typed/remove.ts';
import { toFieldSet } from '../typed/to-field-set.ts';
import { formatValidationErrors, validateApplyConfig } from '../typed/validate.ts';
import type { TypeRef } from '../typed/type-model.ts';
import type { Conflict } from './conflicts.ts';
import { KUBECTL_MANAGER, buildLastApplied, conflictsAllowedByLastApplied, hasLastApplied, setLastApplied } from './last-applied.ts';
import { decodeManagedFields, encodeManagedFields, managerIdentity, type Manager, type Managers } from './managers.ts';
import { withManagedFields, withoutManagedFields } from './object-fields.ts';
import { settleOwnership, stripMeta, type OwnershipContext } from './ownership.ts';
import { managerName, ownershipContext, recordUpdate, type FieldManagerOptions } from './record.ts';
import { cloneJson } from '../../../util/clone-json.ts';
import { jsonEqual } from '../../../util/json-equal.ts';

export interface ServerSideApplyOptions extends FieldManagerOptions {
  /** `force=true`: take over conflicting fields instead of failing. */
  force: boolean;
}

export interface ServerSideApplyResult {
  /** The object to store; when there are conflicts, the live object unchanged. */
  object: KubeObject;
  /** Non-empty means: answer 409 (see applyConflictError) and store nothing. */
  conflicts: Conflict[];
}

/**
 * Applies `applied` (the request body) for `opts.manager`. `live` is the stored object, or
 * undefined when the apply creates it. Throws SKF_API_BAD_REQUEST for a body that is not a
 * valid apply configuration.
 */
export function serverSideApply(live: KubeObject | undefined, applied: KubeObject, opts: ServerSideApplyOptions): ServerSideApplyResult {
  const ctx = ownershipContext(opts);
  const manager = managerName(opts.manager);
  checkConfig(applied, opts.apiVersion, ctx.type);
  if (live && applied.kind !== live.kind) {
    throw new SkiffError('SKF_API_BAD_REQUEST', `invalid object type: ${applied.apiVersion}, Kind=${String(applied.kind ?? '')}`);
  }
  const config = cloneJson(applied) as unknown as JsonObject;
  const liveBody: JsonObject = live ? withoutManagedFields(live) : {};

  let managers: Managers;
  try {
    managers = decodeManagedFields(live?.metadata?.managedFields);
  } catch (err) {
    throw new SkiffError('SKF_API_INTERNAL', `failed to decode managed fields: ${(err as Error).message}`);
  }
  if (live && managers.size === 0) {
    // Fields that existed before anyone applied belong to "before-first-apply", so that
    // changing them is a conflict like any other.
    managers = recordUpdate({}, liveBody, managers, { manager: 'before-first-apply', apiVersion: opts.apiVersion, time: opts.now }, ctx);
  }

  const applier: Omit<Manager, 'set'> = { manager, operation: 'Apply', apiVersion: opts.apiVersion, ...(opts.subresource ? { subresource: opts.subresource } : {}) };
  let outcome = applyOnce(liveBody, config, managers, applier, opts.force, ctx);
  if (!outcome.ok && manager === KUBECTL_MANAGER) {
    const allowed = conflictsAllowedByLastApplied(liveBody, ctx.type, opts.apiVersion);
    if (allowed) {
      const remaining = new Map([...outcome.conflicts].map(([id, set]) => [id, set.difference(allowed)] as const).filter(([, set]) => !set.isEmpty()));
      outcome = remaining.size === 0 ? applyOnce(liveBody, config, managers, applier, true, ctx) : { ok: false, conflicts: remaining };
    }
  }
  if (!outcome.ok) {
    return { object: live ? cloneJson(live) : (withManagedFields(liveBody, undefined)), conflicts: describeConflicts(outcome.conflicts, managers) };
  }

  const id = managerIdentity(applier);
  const changed = !jsonEqual(liveBody, outcome.object);
  const result = outcome.managers;
  const entry = result.get(id);
  if (entry) {
    const { time: _previousTime, ...rest } = entry;
    const keptTime = managers.get(id)?.time;
    result.set(id, changed ? { ...rest, time: opts.now } : { ...rest, ...(keptTime !== undefined ? { time: keptTime } : {}) });
  }
  const object = outcome.object;
  if (manager === KUBECTL_MANAGER && hasLastApplied(object)) setLastApplied(object, buildLastApplied(config));
  return { object: withManagedFields(object, encodeManagedFields(result)), conflicts: [] };
}

function checkConfig(applied: KubeObject, apiVersion: string, type: TypeRef): void {
  if (!isJsonObject(applied as unknown)) throw new SkiffError('SKF_API_BAD_REQUEST', 'error decoding patch: the apply configuration must be an object');
  if (applied.apiVersion !== apiVersion) {
    throw new SkiffError('SKF_API_BAD_REQUEST', `Incorrect version specified in apply patch. Specified patch version: ${applied.apiVersion ?? ''}, expected: ${apiVersion}`);
  }
  if (applied.metadata?.managedFields !== undefined && applied.metadata.managedFields !== null) {
    throw new SkiffError('SKF_API_BAD_REQUEST', 'metadata.managedFields must be nil');
  }
  const errors = validateApplyConfig(applied as unknown as JsonObject, type);
  if (errors.length > 0) {
    const where = `${applied.metadata?.namespace ?? '<unknown>'}/${applied.metadata?.name ?? '<unknown>'}; ${applied.apiVersion}, Kind=${applied.kind}`;
    throw new SkiffError('SKF_API_BAD_REQUEST', `failed to create typed patch object (${where}): ${formatValidationErrors(errors)}`);
  }
}

type Outcome = { ok: true; object: JsonObject; managers: Managers } | { ok: false; conflicts: Map<string, PathSet> };

/** One attempt of SMD's Updater.Apply followed by strip-meta. */
function applyOnce(live: JsonObject, config: JsonObject, managers: Managers, applier: Omit<Manager, 'set'>, force: boolean, ctx: OwnershipContext): Outcome {
  const merged = mergeTyped(live, config, ctx.type) as JsonObject;
  const id = managerIdentity(applier);
  const lastSet = managers.get(id)?.set;
  const withApplier: Managers = new Map(managers);
  withApplier.set(id, { ...applier, set: ctx.filter(toFieldSet(config, ctx.type)) });
  const pruned = prune(merged, withApplier, lastSet, ctx.type);
  const settled = settleOwnership(live, pruned, withApplier, id, force, ctx);
  if (!settled.ok) return settled;
  const own = settled.managers.get(id);
  if (own) {
    const set = stripMeta(own.set);
    if (set.isEmpty()) settled.managers.delete(id);
    else settled.managers.set(id, { ...own, set });
  }
  return { ok: true, object: pruned, managers: settled.managers };
}

/**
 * Removes fields the applier owned last time and no longer applies, unless another
 * manager (or the new configuration) still owns them (SMD Updater.prune with
 * addBackOwnedItems and addBackDanglingItems).
 */
function prune(merged: JsonObject, managers: Managers, lastSet: PathSet | undefined, type: TypeRef): JsonObject {
  if (!lastSet || lastSet.isEmpty()) return merged;
  const last = withNamedFields(lastSet, type);
  let owned = new PathSet();
  for (const m of managers.values()) owned = owned.union(m.set);
  const mergedSet = withNamedFields(toFieldSet(merged, type), type);
  const firstCut = removeItems(merged, last, type);
  const firstCutSet = withNamedFields(toFieldSet(firstCut, type), type);
  const ownedBack = removeItems(merged, mergedSet.difference(firstCutSet.union(withNamedFields(owned, type))), type);
  const keptSet = withNamedFields(toFieldSet(ownedBack, type), type);
  return removeItems(merged, mergedSet.difference(keptSet).intersection(last), type, true) as JsonObject;
}

function describeConflicts(conflicts: Map<string, PathSet>, managers: Managers): Conflict[] {
  const out: Conflict[] = [];
  const ids = [...conflicts.keys()].sort();
  for (const id of ids) {
    const m = managers.get(id)!;
    for (const path of conflicts.get(id)!.paths()) {
      out.push({ manager: m.manager, operation: m.operation, apiVersion: m.apiVersion, ...(m.subresource ? { subresource: m.subresource } : {}), field: pathToString(path) });
    }
  }
  return out;
}
