/**
 * The managers recorded in `metadata.managedFields`, decoded into field sets and encoded
 * back (apimachinery managedfields/internal/managedfields.go). A manager is identified by
 * name, operation and subresource, plus the API version for Update entries: one Apply
 * entry per applier, one Update entry per writer and version.
 */
import type { ManagedFieldsEntry } from '../../../api/object.ts';
import { compareGoStrings } from '../../../api/schema/go-format.ts';
import { fieldsV1FromPaths, pathsFromFieldsV1 } from '../fieldpath/fields-v1.ts';
import type { PathSet } from '../fieldpath/path-set.ts';

export interface Manager {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion: string;
  readonly subresource?: string;
  readonly time?: string;
  readonly set: PathSet;
}

/** Keyed by managerIdentity. */
export type Managers = Map<string, Manager>;

/**
 * A write re-encodes every manager's set, though most managers' sets did not change. What
 * this module encodes it remembers both ways — the FieldsV1 object against a frozen view of
 * its set, and that set against the object — so the next write of the object decodes an
 * unchanged manager's entry to the same set and encodes it back to the same FieldsV1,
 * without doing either. Stored objects are never mutated in place (writes copy them first),
 * so the old and new version of an object may share a FieldsV1. Entries a client sent are
 * decoded and re-encoded as before (normalised).
 */
const encodedSets = new WeakMap<PathSet, Record<string, unknown>>();
const decodedFields = new WeakMap<object, PathSet>();

function decodeFields(fields: unknown): PathSet {
  const cached = typeof fields === 'object' && fields !== null ? decodedFields.get(fields) : undefined;
  return cached ?? pathsFromFieldsV1(fields ?? {});
}

/** `set` must not change after it is encoded (encodeManagedFields is the last use of a write's managers). */
function encodeFields(set: PathSet): Record<string, unknown> {
  const cached = encodedSets.get(set);
  if (cached) return cached;
  const fields = fieldsV1FromPaths(set);
  const frozen = set.frozen();
  decodedFields.set(fields, frozen);
  encodedSets.set(frozen, fields);
  return fields;
}

export function managerIdentity(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([m.manager, m.operation, m.operation === 'Apply' ? '' : m.apiVersion, m.subresource ?? '']);
}

/** Decodes managedFields; throws an Error worded as apimachinery's DecodeManagedFields. */
export function decodeManagedFields(entries: unknown): Managers {
  const managers: Managers = new Map();
  if (entries === undefined || entries === null) return managers;
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list');
  entries.forEach((raw: unknown, i) => {
    const e = (raw ?? {}) as Partial<ManagedFieldsEntry> & Record<string, unknown>;
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (typeof e.apiVersion !== 'string' || e.apiVersion === '') throw new Error('apiVersion must not be empty');
    const fieldsType = e.fieldsType as unknown;
    if (fieldsType === undefined || fieldsType === '') throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType ${JSON.stringify(fieldsType)} in managed fields entry ${i}`);
    let set: PathSet;
    try {
      set = decodeFields(e.fieldsV1);
    } catch (err) {
      throw new Error(`error decoding versioned set from managed fields entry ${i}: error decoding set: ${(err as Error).message}`);
    }
    const manager: Manager = {
      manager: typeof e.manager === 'string' ? e.manager : '',
      operation: e.operation,
      apiVersion: e.apiVersion,
      ...(typeof e.subresource === 'string' && e.subresource !== '' ? { subresource: e.subresource } : {}),
      ...(typeof e.time === 'string' ? { time: e.time } : {}),
      set,
    };
    managers.set(managerIdentity(manager), manager);
  });
  return managers;
}

/** managedFields as kube-apiserver writes them: Apply before Update, then oldest first. */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] | undefined {
  if (managers.size === 0) return undefined;
  const entries = [...managers.values()].map((m): ManagedFieldsEntry => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time !== undefined ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: encodeFields(m.set),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
  return entries.sort(compareEntries);
}

function seconds(time: string | undefined): number {
  const ms = time === undefined ? NaN : Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  if (p.operation !== q.operation) return compareGoStrings(p.operation, q.operation);
  const ps = seconds(p.time);
  const qs = seconds(q.time);
  if (ps !== qs) return ps - qs;
  if (p.manager !== q.manager) return compareGoStrings(p.manager, q.manager);
  if (p.apiVersion !== q.apiVersion) return compareGoStrings(p.apiVersion, q.apiVersion);
  return compareGoStrings(p.subresource ?? '', q.subresource ?? '');
}

/** kube-apiserver keeps at most this many Update managers (DefaultMaxUpdateManagers). */
export const MAX_UPDATE_MANAGERS = 10;
const ANCIENT_CHANGES = 'ancient-changes';

/**
 * Folds the oldest Update managers into one "ancient-changes" entry per API version once
 * there are more than MAX_UPDATE_MANAGERS (capmanagers.go).
 */
export function capUpdateManagers(managers: Managers, max = MAX_UPDATE_MANAGERS): Managers {
  const updaters = [...managers.entries()].filter(([, m]) => m.operation === 'Update');
  if (updaters.length <= max) return managers;
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || compareGoStrings(ia, ib));
  const out: Managers = new Map(managers);
  const firstByVersion = new Map<string, string>();
  let count = updaters.length;
  for (const [id, m] of updaters) {
    if (count <= max) break;
    const bucket: Omit<Manager, 'set'> = { manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: m.apiVersion };
    const bucketId = managerIdentity(bucket);
    const first = firstByVersion.get(m.apiVersion);
    if (first === undefined) {
      firstByVersion.set(m.apiVersion, id);
      continue;
    }
    if (!out.has(bucketId)) {
      const firstEntry = out.get(first)!;
      out.delete(first);
      out.set(bucketId, { ...bucket, set: firstEntry.set, ...(firstEntry.time !== undefined ? { time: firstEntry.time } : {}) });
    }
    const merged = out.get(bucketId)!;
    out.set(bucketId, { ...bucket, set: m.set.union(merged.set), ...(m.time !== undefined ? { time: m.time } : {}) });
    out.delete(id);
    count--;
  }
  return out;
}

/** How a conflict names a manager (apiserver fieldmanager conflict.go printManager). */
export function describeManager(m: Pick<Manager, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let text = JSON.stringify(m.manager);
  if (m.subresource) text += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') text += ` using ${m.apiVersion}`;
  return text;
}
