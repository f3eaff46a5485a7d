/**
 * The Knative Service reconciler (pkg/reconciler/service/service.go): create or clobber
 * the Configuration and Route the Service owns, then summarise them in the Service's
 * status. A child of the same name that the Service does not control is never touched:
 * the matching condition goes False `NotOwned`.
 */
import type { Condition, KubeObject } from '../../../api/object.ts';
import { ServingLabels } from '../../../api/knative/serving/keys.ts';
import type { Client, TypeRef } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import { isControlledBy } from '../../core/replicaset/resources/controller-ref.ts';
import { sameJson, writeStatus } from '../../shared/objects.ts';
import { KnativeConditions } from '../shared/conditions.ts';
import { KINDS } from '../shared/contracts.ts';
import { type EventRecorder, involvedObjectOf as involvedObject } from '../../../runtime/events/recorder.ts';
import { makeConfiguration, makeRoute } from './children.ts';
import {
  SERVICE_CONDITIONS, markConfigurationNotReconciled, markRouteNotReconciled, markRouteNotYetReady, propagateConfiguration, propagateRoute, trafficMigrated, upToDate,
} from './status.ts';

export interface ServiceDeps {
  client: Client;
  events: EventRecorder;
  service(key: string): KubeObject | undefined;
  configuration(namespace: string, name: string): KubeObject | undefined;
  route(namespace: string, name: string): KubeObject | undefined;
  revision(namespace: string, name: string): KubeObject | undefined;
  now(): Date;
}

type Status = Record<string, unknown> & { conditions?: Condition[]; observedGeneration?: number };

class NotOwned extends Error {}

export async function reconcileService(deps: ServiceDeps, key: string): Promise<ReconcileResult> {
  const svc = deps.service(key);
  if (!svc || svc.metadata.deletionTimestamp) return;
  const status: Status = structuredClone((svc.status ?? {}) as Status);
  const conditions = new KnativeConditions(SERVICE_CONDITIONS, status.conditions, deps.now).initialize();
  let failure: unknown;
  try {
    await reconcileChildren(deps, svc, status, conditions);
  } catch (err) {
    failure = err;
  }
  status.conditions = conditions.list;
  // As knative.dev/pkg's generated reconciler: the generation counts as observed once a pass succeeds.
  if (failure === undefined || failure instanceof NotOwned) status.observedGeneration = svc.metadata.generation;
  await writeStatus(deps.client, svc, status);
  if (failure !== undefined && !(failure instanceof NotOwned)) throw failure;
  return;
}

async function reconcileChildren(deps: ServiceDeps, svc: KubeObject, status: Status, c: KnativeConditions): Promise<void> {
  const config = await ensureChild(deps, svc, KINDS.configuration, deps.configuration(svc.metadata.namespace!, svc.metadata.name!), (live) => makeConfiguration(svc, live));
  if (!config) {
    c.markFalse('ConfigurationsReady', 'NotOwned', `There is an existing Configuration "${svc.metadata.name}" that we do not own.`);
    throw new NotOwned();
  }
  const byoName = ((config.spec as { template?: { metadata?: { name?: string } } } | undefined)?.template?.metadata?.name) ?? '';
  if (!upToDate(config)) {
    markConfigurationNotReconciled(c);
    // A bring-your-own revision name: wait for the Revision before moving traffic to it.
    if (byoName) return;
  } else {
    propagateConfiguration(status, c, config);
  }
  if (byoName && !revisionNameAvailable(deps, config, byoName)) {
    c.markFalse('RoutesReady', 'RevisionNameTaken', `The revision name "${byoName}" is taken by a conflicting Revision, so traffic will not be migrated`);
    return;
  }
  const route = await ensureChild(deps, svc, KINDS.route, deps.route(svc.metadata.namespace!, svc.metadata.name!), () => makeRoute(svc));
  if (!route) {
    c.markFalse('RoutesReady', 'NotOwned', `There is an existing Route "${svc.metadata.name}" that we do not own.`);
    throw new NotOwned();
  }
  if (!upToDate(route)) markRouteNotReconciled(c);
  else propagateRoute(status, c, route);
  if (c.isTrue('RoutesReady') && !trafficMigrated(config, route)) markRouteNotYetReady(c);
}

/** Creates the child, or overwrites its spec, labels and annotations when they drifted; undefined when another owner controls it. */
async function ensureChild(deps: ServiceDeps, svc: KubeObject, type: TypeRef, live: KubeObject | undefined, desiredFor: (live?: KubeObject) => KubeObject): Promise<KubeObject | undefined> {
  if (!live) {
    const desired = desiredFor();
    try {
      const created = await deps.client.create(desired);
      deps.events.event(involvedObject(svc), 'Normal', 'Created', `Created ${type.kind} "${desired.metadata.name}"`);
      return created;
    } catch (err) {
      deps.events.event(involvedObject(svc), 'Warning', 'CreationFailed', `Failed to create ${type.kind} "${desired.metadata.name}": ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
  }
  if (!isControlledBy(live, svc)) return undefined;
  const desired = desiredFor(live);
  // The route labeler's own key on Configurations is not the Service's to remove.
  const labels = { ...desired.metadata.labels };
  const routeLabel = live.metadata.labels?.[ServingLabels.route];
  if (routeLabel !== undefined) labels[ServingLabels.route] = routeLabel;
  if (sameJson(live.spec ?? {}, desired.spec ?? {}) && sameJson(live.metadata.labels ?? {}, labels) && sameJson(live.metadata.annotations ?? {}, desired.metadata.annotations ?? {})) return live;
  return deps.client.update({ ...live, metadata: { ...live.metadata, labels, annotations: desired.metadata.annotations }, spec: desired.spec });
}

/** CheckNameAvailability: a BYO revision name is free, or held by this Configuration's matching Revision. */
function revisionNameAvailable(deps: ServiceDeps, config: KubeObject, name: string): boolean {
  const rev = deps.revision(config.metadata.namespace!, name);
  if (!rev) return true;
  if (!isControlledBy(rev, config)) return false;
  if (rev.metadata.labels?.[ServingLabels.configurationGeneration] === String(config.metadata.generation)) return true;
  const template = (config.spec as { template?: { spec?: unknown } } | undefined)?.template?.spec;
  return sameJson(template ?? {}, rev.spec ?? {});
}
