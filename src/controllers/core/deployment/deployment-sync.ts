/**
 * One sync of one Deployment: the operations the strategies share (sync.go) — finding and
 * creating the new ReplicaSet with its revision, scaling a ReplicaSet with its replica
 * annotations and a ScalingReplicaSet event, cleaning up old revisions, and writing
 * status. `d` is a private copy that follows every write, so later writes in the same sync
 * carry the latest resourceVersion.
 */
import type { Client } from '../../../client/types.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { involved, type EventSink } from '../replicaset/events.ts';
import { controllerOf, newControllerRef } from '../replicaset/resources/controller-ref.ts';
import { REPLICA_SET, replicasOf, type ReplicaSet } from '../replicaset/resources/types.ts';
import { getCondition, newCondition, setCondition } from './resources/conditions.ts';
import { maxSurge } from './resources/fenceposts.ts';
import { computeHash } from './resources/hash.ts';
import { byCreation, equalIgnoreHash, findNewReplicaSet, findOldReplicaSets, maxRevision, replicasAnnotationsNeedUpdate, revisionOf, setNewReplicaSetAnnotations, setReplicasAnnotations } from './resources/replica-sets.ts';
import { newRSNewReplicas } from './resources/rollout.ts';
import { calculateStatus, progressCheckDelay, rolloutStatus, sameStatus } from './resources/status.ts';
import { DEPLOYMENT, POD_TEMPLATE_HASH, REASON, REVISION, desiredReplicas, hasProgressDeadline, type Deployment, type DeploymentStatus } from './resources/types.ts';
import { cloneJson } from '../../../util/clone-json.ts';

export interface SyncDeps {
  client: Client;
  events: EventSink;
  now(): Date;
  /** A cached ReplicaSet by key, to tell a hash collision from our own ReplicaSet. */
  replicaSet(key: string): ReplicaSet | undefined;
}

export class DeploymentSync {
  d: Deployment;
  /** When set, the reconciler requeues the Deployment after this many ms (progress deadline checks). */
  requeueAfterMs: number | undefined;
  readonly #deps: SyncDeps;
  readonly #rsList: ReplicaSet[];

  constructor(deps: SyncDeps, d: Deployment, rsList: ReplicaSet[]) {
    this.#deps = deps;
    this.d = cloneJson(d);
    this.#rsList = rsList;
  }

  get rsList(): readonly ReplicaSet[] {
    return this.#rsList;
  }

  /** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when asked) and all old ones. */
  async newAndOld(createIfMissing: boolean): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
    const oldRSs = findOldReplicaSets(this.d, this.#rsList);
    const newRS = await this.#newReplicaSet(oldRSs, createIfMissing);
    return { newRS, oldRSs };
  }

  async #newReplicaSet(oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const d = this.d;
    const existing = findNewReplicaSet(d, this.#rsList);
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) {
      const copy = cloneJson(existing);
      const annotationsChanged = setNewReplicaSetAnnotations(d, copy, newRevision, true, maxSurge(d));
      if (annotationsChanged || (copy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0)) {
        copy.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
        return this.#deps.client.update(copy);
      }
      await this.#setRevision(copy.metadata.annotations?.[REVISION] ?? '');
      if (hasProgressDeadline(d) && !getCondition(d.status, 'Progressing')) {
        const status = cloneJson(d.status ?? {});
        setCondition(status, newCondition('Progressing', 'True', REASON.foundNewRS, `Found new replica set "${copy.metadata.name}"`, this.#deps.now()));
        await this.writeStatus(status);
      }
      return copy;
    }
    if (!create) return undefined;
    return this.#createNewReplicaSet(oldRSs, newRevision);
  }

  async #createNewReplicaSet(oldRSs: ReplicaSet[], newRevision: number): Promise<ReplicaSet> {
    const d = this.d;
    const template = cloneJson(d.spec.template);
    const hash = computeHash(template, d.status?.collisionCount);
    const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
    template.metadata = { ...(template.metadata ?? {}), labels };
    const draft: ReplicaSet = {
      ...REPLICA_SET,
      metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, ownerReferences: [newControllerRef(d)], labels: { ...labels } },
      spec: {
        replicas: 0,
        minReadySeconds: d.spec.minReadySeconds ?? 0,
        selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash } },
        template,
      },
    };
    const replicas = newRSNewReplicas(d, [...oldRSs, draft], draft);
    draft.spec.replicas = replicas;
    setNewReplicaSetAnnotations(d, draft, newRevision, false, maxSurge(d));
    let created: ReplicaSet;
    let alreadyExisted = false;
    try {
      created = await this.#deps.client.create(draft);
    } catch (err) {
      if (isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) {
        const found = this.#deps.replicaSet(`${d.metadata.namespace}/${draft.metadata.name}`) ?? (await this.#deps.client.get<ReplicaSet>(REPLICA_SET, d.metadata.namespace, draft.metadata.name!));
        if (found && controllerOf(found)?.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, found.spec.template)) {
          created = found;
          alreadyExisted = true;
        } else {
          // A different template hashed to the same name: bump collisionCount and try again next sync.
          await this.writeStatus({ ...cloneJson(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 });
          throw err;
        }
      } else {
        if (isSkiffError(err, 'SKF_API_FORBIDDEN') && /being terminated/.test(err.message)) throw err;
        const message = `Failed to create new replica set "${draft.metadata.name}": ${(err as Error).message}`;
        if (hasProgressDeadline(d)) {
          const status = cloneJson(d.status ?? {});
          setCondition(status, newCondition('Progressing', 'False', REASON.failedRSCreate, message, this.#deps.now()));
          await this.writeStatus(status).catch(() => undefined);
        }
        this.#deps.events.event(involved(d), 'Warning', REASON.failedRSCreate, message);
        throw err;
      }
    }
    if (!alreadyExisted && replicas > 0) this.#deps.events.event(involved(d), 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`);
    await this.#setRevision(String(newRevision));
    if (!alreadyExisted && hasProgressDeadline(d)) {
      const status = cloneJson(d.status ?? {});
      setCondition(status, newCondition('Progressing', 'True', REASON.newReplicaSet, `Created new replica set "${created.metadata.name}"`, this.#deps.now()));
      await this.writeStatus(status);
    }
    this.#rsList.push(created);
    return created;
  }

  /**
   * SetDeploymentRevision. Kubernetes writes this annotation along with status; skiff's
   * status subresource keeps metadata, so it is patched onto the Deployment itself.
   */
  async #setRevision(revision: string): Promise<void> {
    if (this.d.metadata.annotations?.[REVISION] === revision) return;
    const patched = await this.#deps.client.patch<Deployment>(DEPLOYMENT, this.d.metadata.namespace, this.d.metadata.name!, 'merge', { metadata: { annotations: { [REVISION]: revision } } });
    this.d.metadata = patched.metadata;
  }

  async writeStatus(status: DeploymentStatus): Promise<void> {
    const written = await this.#deps.client.updateStatus<Deployment>({ ...this.d, status });
    this.d = written;
  }

  /** scaleReplicaSetAndRecordEvent: no-op when the size is right. */
  async scaleAndRecord(rs: ReplicaSet, size: number): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    if (replicasOf(rs) === size) return { scaled: false, rs };
    return this.scale(rs, size, replicasOf(rs) < size ? 'up' : 'down');
  }

  /** scaleReplicaSet: writes the size and the replica annotations, with a ScalingReplicaSet event. */
  async scale(rs: ReplicaSet, size: number, direction: string | undefined): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const desired = desiredReplicas(this.d);
    const max = desired + maxSurge(this.d);
    const sizeChanged = replicasOf(rs) !== size;
    if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const copy = cloneJson(rs);
    const before = replicasOf(rs);
    copy.spec.replicas = size;
    setReplicasAnnotations(copy, desired, max);
    const updated = await this.#deps.client.update(copy);
    this.#replace(updated);
    if (sizeChanged) this.#deps.events.event(involved(this.d), 'Normal', 'ScalingReplicaSet', `Scaled ${direction ?? ''} replica set ${rs.metadata.name} from ${before} to ${size}`);
    return { scaled: sizeChanged, rs: updated };
  }

  #replace(rs: ReplicaSet): void {
    const i = this.#rsList.findIndex((x) => x.metadata.uid === rs.metadata.uid);
    if (i >= 0) this.#rsList[i] = rs;
  }

  /** cleanupDeployment: delete the oldest fully scaled-down ReplicaSets past revisionHistoryLimit. */
  async cleanup(oldRSs: readonly ReplicaSet[]): Promise<void> {
    const limit = this.d.spec.revisionHistoryLimit;
    if (limit === undefined || limit === 2147483647) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
    const excess = cleanable.length - limit;
    if (excess <= 0) return;
    const byRevision = [...cleanable].sort((a, b) => (revisionOf(a) ?? 0) - (revisionOf(b) ?? 0) || byCreation(a, b));
    for (const rs of byRevision.slice(0, excess)) {
      if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.#deps.client.delete(REPLICA_SET, rs.metadata.namespace, rs.metadata.name!);
      } catch (err) {
        if (!isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
      }
    }
  }

  /** syncDeploymentStatus: calculateStatus written when it differs. */
  async syncStatus(allRSs: ReadonlyArray<ReplicaSet | undefined>, newRS: ReplicaSet | undefined): Promise<void> {
    const status = calculateStatus(allRSs, newRS, this.d, this.#deps.now());
    if (!sameStatus(this.d.status, status)) await this.writeStatus(status);
  }

  /** syncRolloutStatus: status with the Progressing condition; schedules the next deadline check. */
  async syncRolloutStatus(allRSs: ReadonlyArray<ReplicaSet | undefined>, newRS: ReplicaSet | undefined): Promise<void> {
    const status = rolloutStatus(allRSs, newRS, this.d, this.#deps.now());
    if (sameStatus(this.d.status, status)) {
      this.requeueAfterMs = progressCheckDelay(this.d, status, this.#deps.now());
      return;
    }
    await this.writeStatus(status);
  }
}
