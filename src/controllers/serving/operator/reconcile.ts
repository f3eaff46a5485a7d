/**
 * The KnativeServing reconciler, after the knative operator (pkg/reconciler/knativeserving)
 * with the Serverless operator's OpenShift extension: hold the CR with the
 * `delete-knative-serving-manifest` finalizer, mark the namespaces part of OpenShift
 * Serverless, apply the manifest (ConfigMaps keep hand-added keys), prune what the spec no
 * longer renders (the other ingress), and report status; DeploymentsAvailable follows the
 * installed Deployments' Available condition.
 *
 * Deleting the CR: objects in its namespace go with their owner (garbage collector);
 * Kourier's namespace, found by the owner labels, is deleted before the finalizer goes.
 */
import type { KubeObject } from '../../../api/object.ts';
import type { Client, TypeRef } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { involvedObjectOf, type EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { deleteIfPresent, ensureObject, writeStatus } from '../../shared/objects.ts';
import { mergeConfigData } from './configmaps.ts';
import { FOREIGN_NAMESPACES, manifestOf } from './manifest.ts';
import { FINALIZER, OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL, PART_OF_LABEL, PART_OF_VALUE } from './meta.ts';
import { servingSpecOf } from './spec.ts';
import { deploymentAvailable, servingStatus } from './status.ts';

const NAMESPACE: TypeRef = { apiVersion: 'v1', kind: 'Namespace' };
const CONFIG_MAP: TypeRef = { apiVersion: 'v1', kind: 'ConfigMap' };
/** The kinds the manifest installs, pruned when the spec stops rendering one of them. */
export const INSTALLED_KINDS: readonly TypeRef[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'Service' },
  CONFIG_MAP,
  { apiVersion: 'v1', kind: 'ServiceAccount' },
];

export interface OperatorDeps {
  client: Client;
  events: EventRecorder;
  log: Logger;
  appsDomain: string;
  now(): Date;
  knativeServing(key: string): KubeObject | undefined;
  /** An installed Deployment by `namespace/name` (from the informer). */
  deployment(key: string): KubeObject | undefined;
}

const hasFinalizer = (obj: KubeObject) => (obj.metadata.finalizers ?? []).includes(FINALIZER);

async function setFinalizer(client: Client, obj: KubeObject, present: boolean): Promise<void> {
  const others = (obj.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
  try {
    await client.patch(obj, obj.metadata.namespace, obj.metadata.name!, 'merge', { metadata: { finalizers: present ? [...others, FINALIZER] : others, resourceVersion: obj.metadata.resourceVersion } });
  } catch (err) {
    if (!isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
  }
}

const ownerSelector = (cr: KubeObject) => `${OWNER_NAME_LABEL}=${cr.metadata.name},${OWNER_NAMESPACE_LABEL}=${cr.metadata.namespace}`;

export async function reconcileKnativeServing(deps: OperatorDeps, key: string): Promise<ReconcileResult> {
  const cr = deps.knativeServing(key);
  if (!cr) return;
  if (cr.metadata.deletionTimestamp) {
    if (hasFinalizer(cr)) {
      await deleteForeign(deps.client, cr);
      await setFinalizer(deps.client, cr, false);
    }
    return;
  }
  if (!hasFinalizer(cr)) {
    await setFinalizer(deps.client, cr, true);
    return; // the update wakes the next pass
  }
  const serving = servingSpecOf(cr);
  const manifest = manifestOf(cr, serving, deps.appsDomain);
  let error: string | undefined;
  try {
    await markPartOfServerless(deps.client, cr.metadata.namespace!);
    for (const ns of manifest.namespaces) await ensureObject(deps.client, ns);
    for (const obj of manifest.objects) await apply(deps.client, obj);
    await prune(deps.client, cr, manifest.objects);
  } catch (err) {
    if (isSkiffError(err, 'SKF_API_CONFLICT')) throw err; // routine: the queue retries with fresh state
    error = err instanceof Error ? err.message : String(err);
    deps.events.event(involvedObjectOf(cr), 'Warning', 'InternalError', error);
  }
  const unavailable = manifest.deployments.filter((k) => !deploymentAvailable(deps.deployment(k)));
  const status = servingStatus(cr.status as { conditions?: [] } | undefined, { ingress: serving.ingress, generation: cr.metadata.generation ?? 1, error, unavailable }, deps.now);
  await writeStatus(deps.client, cr, status);
  // A failed pass is retried by the queue's backoff (the controller logs it); otherwise the informers wake the next one.
  if (error) throw new Error(`KnativeServing ${key}: ${error}`);
  return;
}

async function apply(client: Client, obj: KubeObject): Promise<void> {
  if (obj.kind !== 'ConfigMap') {
    await ensureObject(client, obj);
    return;
  }
  const live = await client.get(CONFIG_MAP, obj.metadata.namespace, obj.metadata.name!);
  await ensureObject(client, { ...obj, data: mergeConfigData(live, obj) });
}

/** Both namespaces Serving uses carry the Serverless marker label. */
async function markPartOfServerless(client: Client, namespace: string): Promise<void> {
  const ns = await client.get(NAMESPACE, undefined, namespace);
  if (!ns || ns.metadata.labels?.[PART_OF_LABEL] === PART_OF_VALUE) return;
  await client.patch(NAMESPACE, undefined, namespace, 'merge', { metadata: { labels: { [PART_OF_LABEL]: PART_OF_VALUE } } });
}

/** Deletes installed objects the manifest no longer holds (a switch of ingress), and Kourier's namespace when unused. */
async function prune(client: Client, cr: KubeObject, desired: readonly KubeObject[]): Promise<void> {
  const wanted = new Set(desired.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`));
  for (const type of INSTALLED_KINDS) {
    const live = await client.list(type, { labelSelector: ownerSelector(cr) });
    for (const obj of live.items) {
      if (!wanted.has(`${type.kind}/${obj.metadata.namespace}/${obj.metadata.name}`)) await deleteIfPresent(client, type, obj.metadata.namespace, obj.metadata.name!);
    }
  }
  const namespaces = new Set(desired.map((o) => o.metadata.namespace));
  for (const ns of FOREIGN_NAMESPACES) if (!namespaces.has(ns)) await deleteOwnedNamespace(client, cr, ns);
}

async function deleteOwnedNamespace(client: Client, cr: KubeObject, name: string): Promise<void> {
  const ns = await client.get(NAMESPACE, undefined, name);
  if (ns?.metadata.labels?.[OWNER_NAME_LABEL] === cr.metadata.name && ns?.metadata.labels?.[OWNER_NAMESPACE_LABEL] === cr.metadata.namespace && !ns?.metadata.deletionTimestamp) {
    await deleteIfPresent(client, NAMESPACE, undefined, name);
  }
}

/** What owner references cannot reach: installed objects in other namespaces, and those namespaces. */
async function deleteForeign(client: Client, cr: KubeObject): Promise<void> {
  for (const type of INSTALLED_KINDS) {
    const live = await client.list(type, { labelSelector: ownerSelector(cr) });
    for (const obj of live.items) {
      if (obj.metadata.namespace !== cr.metadata.namespace) await deleteIfPresent(client, type, obj.metadata.namespace, obj.metadata.name!);
    }
  }
  for (const ns of FOREIGN_NAMESPACES) await deleteOwnedNamespace(client, cr, ns);
}
