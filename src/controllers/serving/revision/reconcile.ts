/**
 * The Revision reconciler (knative/serving 1.15 pkg/reconciler/revision): keeps the
 * revision's Deployment and PodAutoscaler as the builders say, without touching what others
 * own (the Deployment's replicas belong to the autoscaler once created, its selector is
 * immutable), and writes the revision's status from theirs. An object in the way that the
 * revision does not control is reported (NotOwned), never overwritten.
 */
import type { KubeObject } from '../../../api/object.ts';
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { contains, ensureObject, writeStatus } from '../../shared/objects.ts';
import { KINDS } from '../shared/contracts.ts';
import type { RevisionConfig } from './resources/config.ts';
import { makeDeployment } from './resources/deploy.ts';
import { deploymentName, isControlledBy, podAutoscalerName } from './resources/meta.ts';
import { makePodAutoscaler } from './resources/pa.ts';
import { type DeploymentView, type PodView, type RevisionObservation, revisionStatus } from './status.ts';

export interface RevisionDeps {
  client: Client;
  events: EventRecorder;
  log: Logger;
  revision(key: string): KubeObject | undefined;
  deployment(key: string): DeploymentView | undefined;
  podAutoscaler(key: string): KubeObject | undefined;
  /** The pods of the revision with this uid. */
  pods(namespace: string, revisionUid: string): PodView[];
  config(): RevisionConfig;
  now?(): Date;
}

/** The cached object, or the live one when the cache has not seen it yet. */
async function current<T extends KubeObject>(client: Client, cached: T | undefined, type: { apiVersion: string; kind: string }, namespace: string, name: string): Promise<T | undefined> {
  return cached ?? client.get<T>(type, namespace, name);
}

async function createOrGet<T extends KubeObject>(client: Client, desired: T): Promise<T> {
  try {
    return await client.create(desired);
  } catch (err) {
    if (!isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) throw err;
    const live = await client.get<T>(desired, desired.metadata.namespace, desired.metadata.name!);
    if (!live) throw err;
    return live;
  }
}

async function reconcileDeployment(deps: RevisionDeps, rev: KubeObject, cfg: RevisionConfig, seen: RevisionObservation): Promise<DeploymentView | undefined> {
  const ns = rev.metadata.namespace!;
  const name = deploymentName(rev.metadata.name!);
  const live = await current<DeploymentView>(deps.client, deps.deployment(`${ns}/${name}`), KINDS.deployment, ns, name);
  const desired = makeDeployment(rev, cfg);
  if (!live) {
    seen.deploymentCreated = true;
    const created = await createOrGet(deps.client, desired as DeploymentView);
    deps.log.info({ revision: `${ns}/${rev.metadata.name}`, deployment: name }, 'created deployment');
    return created;
  }
  if (!isControlledBy(live, rev)) {
    seen.notOwned = { kind: 'Deployment', name };
    return undefined;
  }
  await updateDeployment(deps.client, live, desired);
  return live;
}

/**
 * checkAndUpdateDeployment: the desired Deployment laid over the live one read afresh, keeping
 * its replicas (the autoscaler owns the scale once the Deployment exists; a cached copy could
 * carry a scale the autoscaler has since changed) and its selector (immutable).
 */
async function updateDeployment(client: Client, cached: DeploymentView, desired: KubeObject): Promise<void> {
  const labels = desired.metadata.labels ?? {};
  const held = (d: DeploymentView): boolean => {
    const liveSpec = (d.spec ?? {}) as Record<string, unknown>;
    const spec = { ...(desired.spec as Record<string, unknown>), replicas: liveSpec.replicas, selector: liveSpec.selector };
    return contains(d.spec, spec) && contains(d.metadata.labels ?? {}, labels);
  };
  if (held(cached)) return;
  const fresh = await client.get<DeploymentView>(desired, desired.metadata.namespace, desired.metadata.name!);
  if (!fresh || held(fresh)) return;
  const liveSpec = (fresh.spec ?? {}) as Record<string, unknown>;
  const spec = { ...(desired.spec as Record<string, unknown>), replicas: liveSpec.replicas, selector: liveSpec.selector };
  // Only the spec and new labels change (upstream keeps the rest of the live object).
  await client.update({ ...fresh, metadata: { ...fresh.metadata, labels: { ...(fresh.metadata.labels ?? {}), ...labels } }, spec });
}

async function reconcilePodAutoscaler(deps: RevisionDeps, rev: KubeObject, cfg: RevisionConfig, deployment: DeploymentView | undefined, seen: RevisionObservation): Promise<void> {
  const ns = rev.metadata.namespace!;
  const name = podAutoscalerName(rev.metadata.name!);
  const desired = makePodAutoscaler(rev, cfg, deployment);
  const live = await current(deps.client, deps.podAutoscaler(`${ns}/${name}`), KINDS.podAutoscaler, ns, name);
  if (!live) {
    seen.pa = await createOrGet(deps.client, desired) as RevisionObservation['pa'];
    return;
  }
  if (!isControlledBy(live, rev)) {
    seen.notOwned = { kind: 'PodAutoscaler', name };
    return;
  }
  await ensureObject(deps.client, desired);
  seen.pa = live as RevisionObservation['pa'];
}

export async function reconcileRevision(deps: RevisionDeps, key: string): Promise<ReconcileResult> {
  const rev = deps.revision(key);
  if (!rev || rev.metadata.deletionTimestamp) return;
  const cfg = deps.config();
  const seen: RevisionObservation = { pods: [] };
  const deployment = await reconcileDeployment(deps, rev, cfg, seen);
  if (!seen.notOwned) {
    seen.deployment = deployment;
    seen.pods = deps.pods(rev.metadata.namespace!, rev.metadata.uid!).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    await reconcilePodAutoscaler(deps, rev, cfg, deployment, seen);
  }
  const wasReady = isReady(rev.status);
  const status = revisionStatus(rev, seen, deps.now);
  const written = await writeStatus(deps.client, rev, status);
  if (written && !wasReady && isReady(status)) {
    deps.events.event(involved(rev), 'Normal', 'RevisionReady', 'Revision becomes ready upon all resources being ready');
  }
  if (seen.notOwned) deps.log.warn({ revision: key, ...seen.notOwned }, 'revision does not own its resource');
  return;
}

function isReady(status: unknown): boolean {
  const conditions = (status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

function involved(obj: KubeObject) {
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name!, namespace: obj.metadata.namespace, uid: obj.metadata.uid };
}
