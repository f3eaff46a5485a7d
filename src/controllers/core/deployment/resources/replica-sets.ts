/**
 * A Deployment's ReplicaSets as deployment_util.go sees them: which one is new (its
 * template equals the Deployment's, ignoring the hash label), which are old, their
 * revisions, replica sums, and the annotations the controller keeps on them.
 */
import type { ReplicaSet } from '../../replicaset/resources/types.ts';
import { replicasOf } from '../../replicaset/resources/types.ts';
import type { Deployment } from './types.ts';
import { DESIRED_REPLICAS, LAST_APPLIED, MAX_REPLICAS, POD_TEMPLATE_HASH, REVISION, REVISION_HISTORY, ROLLBACK_TO, desiredReplicas } from './types.ts';

/** apimachinery's semantic equality: absent, null, empty objects and empty lists are equal. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  const empty = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
  if (empty(a) && empty(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const k of keys) if (!semanticEqual(x[k], y[k])) return false;
    return true;
  }
  return a === b;
}

function withoutHash(template: ReplicaSet['spec']['template']): unknown {
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH];
  return { ...template, metadata: { ...(template.metadata ?? {}), labels } };
}

export function equalIgnoreHash(a: ReplicaSet['spec']['template'], b: ReplicaSet['spec']['template']): boolean {
  return semanticEqual(withoutHash(a), withoutHash(b));
}

function created(rs: ReplicaSet): number {
  return rs.metadata.creationTimestamp ? Date.parse(rs.metadata.creationTimestamp) : 0;
}

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  return created(a) - created(b) || (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0);
}

/** ReplicaSetsBySizeNewer: larger first, then newer first. */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return replicasOf(b) - replicasOf(a) || created(b) - created(a);
}

/** ReplicaSetsBySizeOlder: larger first, then older first. */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return replicasOf(b) - replicasOf(a) || created(a) - created(b);
}

/** The oldest ReplicaSet whose template is the Deployment's (there may be several after upgrades). */
export function findNewReplicaSet(d: Deployment, rsList: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

export function findOldReplicaSets(d: Deployment, rsList: readonly ReplicaSet[]): ReplicaSet[] {
  const newRS = findNewReplicaSet(d, rsList);
  return rsList.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
}

/** The revision annotation as a number; 0 when absent, undefined when unparsable. */
export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number | undefined {
  const v = obj.metadata.annotations?.[REVISION];
  if (v === undefined) return 0;
  return /^\d+$/.test(v) ? Number(v) : undefined;
}

export function maxRevision(rsList: readonly ReplicaSet[]): number {
  return Math.max(0, ...rsList.map((rs) => revisionOf(rs) ?? 0));
}

export function filterActive(rsList: ReadonlyArray<ReplicaSet | undefined>): ReplicaSet[] {
  return rsList.filter((rs): rs is ReplicaSet => rs !== undefined && replicasOf(rs) > 0);
}

export const sum = {
  spec: (rsList: ReadonlyArray<ReplicaSet | undefined>) => rsList.reduce((n, rs) => n + (rs ? replicasOf(rs) : 0), 0),
  actual: (rsList: ReadonlyArray<ReplicaSet | undefined>) => rsList.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0),
  ready: (rsList: ReadonlyArray<ReplicaSet | undefined>) => rsList.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0),
  available: (rsList: ReadonlyArray<ReplicaSet | undefined>) => rsList.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0),
};

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active; undefined when several are. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = filterActive([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

const SKIPPED_ANNOTATIONS = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO]);

export function skipCopyAnnotation(key: string): boolean {
  return SKIPPED_ANNOTATIONS.has(key);
}

/** SetReplicasAnnotations: desired-replicas and max-replicas; true when they changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = (rs.metadata.annotations ??= {});
  let changed = false;
  if (annotations[DESIRED_REPLICAS] !== String(desired)) {
    annotations[DESIRED_REPLICAS] = String(desired);
    changed = true;
  }
  if (annotations[MAX_REPLICAS] !== String(max)) {
    annotations[MAX_REPLICAS] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = rs.metadata.annotations ?? {};
  return annotations[DESIRED_REPLICAS] !== String(desired) || annotations[MAX_REPLICAS] !== String(max);
}

/**
 * SetNewReplicaSetAnnotations: copies the Deployment's annotations (except the controller's
 * own), raises the revision to `newRevision` when it is higher (remembering the old one in
 * revision-history, capped at `maxHistoryChars`), and on a new ReplicaSet sets the replica
 * annotations. Mutates `rs`; true when something changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean, surge: number, maxHistoryChars = 2000): boolean {
  const annotations = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (skipCopyAnnotation(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  const oldRevisionText = annotations[REVISION];
  const oldRevision = oldRevisionText === undefined || oldRevisionText === '' ? 0 : /^\d+$/.test(oldRevisionText) ? Number(oldRevisionText) : undefined;
  if (oldRevision === undefined) return false;
  if (oldRevision < newRevision) {
    annotations[REVISION] = String(newRevision);
    changed = true;
    // A ReplicaSet that had a revision and gets a newer one is being rolled back to: keep its old numbers.
    if (oldRevisionText !== undefined) {
      const history = annotations[REVISION_HISTORY] ?? '';
      const revisions = history === '' ? [] : history.split(',');
      let total = history.length + oldRevisionText.length + 1;
      while (total > maxHistoryChars && revisions.length > 0) total -= revisions.shift()!.length + 1;
      if (total <= maxHistoryChars) annotations[REVISION_HISTORY] = [...revisions, oldRevisionText].join(',');
    }
  }
  if (!exists && setReplicasAnnotations(rs, desiredReplicas(d), desiredReplicas(d) + surge)) changed = true;
  return changed;
}
