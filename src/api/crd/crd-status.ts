/**
 * The status a CRD reaches once the API server serves it, as apiextensions-apiserver's
 * naming and establishing controllers write it: names checked against the other CRDs of the
 * same group (NamesAccepted, with `"foos" is already in use` on a conflict), Established once
 * the names are accepted (and kept once reached), acceptedNames, and storedVersions that
 * always include the storage version.
 *
 * Pure and idempotent: conditions keep their lastTransitionTime while their status holds,
 * so calling it on its own output changes nothing.
 */
import type { KubeObject } from '../object.ts';
import { obj, objs, str, strs, type Obj } from '../builtin/util/obj.ts';

export interface CrdCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface CrdStatus {
  conditions: CrdCondition[];
  acceptedNames: Record<string, unknown>;
  storedVersions: string[];
}

export interface CrdStatusContext {
  /** Every other stored CRD (those of other groups are ignored); conflicts are checked against them. */
  others?: readonly KubeObject[];
  /** When a condition changes status (defaults to the current time). */
  now?: Date;
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** equalToAcceptedOrFresh: a name we already own, or one nobody else uses. */
function conflict(requested: string, accepted: string, used: ReadonlySet<string>): string | undefined {
  if (requested === accepted || !used.has(requested)) return undefined;
  return `${JSON.stringify(requested)} is already in use`;
}

function usedNames(crd: KubeObject, others: readonly KubeObject[]): { resources: Set<string>; kinds: Set<string> } {
  const group = str(obj(crd.spec).group);
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const other of others) {
    if (other.metadata.name === crd.metadata.name || str(obj(other.spec).group) !== group) continue;
    const names = obj(obj(other.status).acceptedNames);
    for (const n of [str(names.plural), str(names.singular), ...strs(names.shortNames)]) if (n) resources.add(n);
    for (const n of [str(names.kind), str(names.listKind)]) if (n) kinds.add(n);
  }
  return { resources, kinds };
}

/** Omits empty optional names the way Go's omitempty does. */
function namesObject(n: Obj): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (str(n.plural)) out.plural = str(n.plural);
  if (str(n.singular)) out.singular = str(n.singular);
  if (strs(n.shortNames).length) out.shortNames = strs(n.shortNames);
  out.kind = str(n.kind);
  if (str(n.listKind)) out.listKind = str(n.listKind);
  if (strs(n.categories).length) out.categories = strs(n.categories);
  return out;
}

export function crdStatus(crd: KubeObject, ctx: CrdStatusContext = {}): CrdStatus {
  const now = ctx.now ?? new Date();
  const status = obj(crd.status);
  const requested = obj(obj(crd.spec).names);
  const kind = str(requested.kind);
  const want: Obj = { ...requested, singular: str(requested.singular) || kind.toLowerCase(), listKind: str(requested.listKind) || `${kind}List` };
  const accepted = obj(status.acceptedNames);
  const used = usedNames(crd, ctx.others ?? []);
  const next: Obj = { ...accepted };
  let problem: { reason: string; message: string } | undefined;
  const check = (key: string, reason: string, pool: ReadonlySet<string>): void => {
    const msg = conflict(str(want[key]), str(accepted[key]), pool);
    if (msg) problem = { reason, message: msg };
    else next[key] = want[key];
  };
  check('plural', 'PluralConflict', used.resources);
  check('singular', 'SingularConflict', used.resources);
  const owned = new Set(strs(accepted.shortNames));
  const shortConflicts = strs(want.shortNames).filter((s) => !owned.has(s)).map((s) => conflict(s, '', used.resources)).filter((m): m is string => m !== undefined);
  if (shortConflicts.length) problem = { reason: 'ShortNamesConflict', message: shortConflicts.length === 1 ? shortConflicts[0]! : `[${shortConflicts.join(', ')}]` };
  else next.shortNames = strs(want.shortNames);
  check('kind', 'KindConflict', used.kinds);
  check('listKind', 'ListKindConflict', used.kinds);
  next.categories = strs(want.categories);

  const previous = new Map(objs(status.conditions).map((c) => [str(c.type), c]));
  const condition = (type: string, value: CrdCondition['status'], reason: string, message: string): CrdCondition => {
    const prev = previous.get(type);
    const since = prev && str(prev.status) === value && str(prev.lastTransitionTime) ? str(prev.lastTransitionTime) : rfc3339(now);
    return { type, status: value, lastTransitionTime: since, reason, message };
  };
  const namesAccepted = problem
    ? condition('NamesAccepted', 'False', problem.reason, problem.message)
    : condition('NamesAccepted', 'True', 'NoConflicts', 'no conflicts found');
  const wasEstablished = str(previous.get('Established')?.status) === 'True';
  const established = wasEstablished
    ? condition('Established', 'True', str(previous.get('Established')!.reason), str(previous.get('Established')!.message))
    : namesAccepted.status === 'True'
      ? condition('Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted')
      : condition('Established', 'False', 'NotAccepted', 'not all names are accepted');
  const others = objs(status.conditions).filter((c) => !['NamesAccepted', 'Established'].includes(str(c.type))) as unknown as CrdCondition[];

  const storage = objs(obj(crd.spec).versions).find((v) => v.storage === true);
  const storedVersions = strs(status.storedVersions);
  if (storage && !storedVersions.includes(str(storage.name))) storedVersions.push(str(storage.name));
  return { conditions: [namesAccepted, established, ...others], acceptedNames: namesObject(next), storedVersions };
}
