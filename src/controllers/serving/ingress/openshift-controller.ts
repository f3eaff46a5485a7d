/**
 * The OpenShift ingress controller (serverless-operator's knative-openshift-ingress): keeps
 * one OpenShift Route per external host of every KIngress, whatever its class, once the
 * ingress's public load balancer is known. The Routes sit in the gateway's namespace, out of
 * reach of owner references, so the controller holds a finalizer on the KIngress and deletes
 * its Routes (found by label) itself when the ingress goes.
 */
import type { KubeObject } from '../../../api/object.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import { involvedObjectOf } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { deleteIfPresent, ensureObject } from '../../shared/objects.ts';
import { KINDS } from '../shared/contracts.ts';
import { setFinalizer } from './finalizer.ts';
import type { KIngress } from './kingress.ts';
import { makeRoutes, OCP_INGRESS_NAME_LABEL, OCP_INGRESS_NAMESPACE_LABEL, type RouteOptions } from './openshift-routes.ts';

export const OCP_INGRESS_FINALIZER = 'ocp-ingress';

interface RouteState {
  client: Client;
  events: EventRecorder;
  ingress(key: string): KIngress | undefined;
  routesOf(ingressNamespace: string, ingressName: string): KubeObject[];
  routeOptions: RouteOptions;
}

async function deleteRoutes(s: RouteState, routes: readonly KubeObject[]): Promise<void> {
  for (const r of routes) await deleteIfPresent(s.client, KINDS.openshiftRoute, r.metadata.namespace, r.metadata.name!);
}

export async function reconcileOpenShiftIngress(s: RouteState, key: string): Promise<ReconcileResult> {
  const [namespace, name] = key.split('/') as [string, string];
  const ing = s.ingress(key);
  const live = s.routesOf(namespace, name);
  if (!ing) {
    // Deleted without our finalizer running (it was never added): clean up what is left.
    await deleteRoutes(s, live);
    return undefined;
  }
  if (ing.metadata.deletionTimestamp) {
    if (!ing.metadata.finalizers?.includes(OCP_INGRESS_FINALIZER)) return undefined;
    await deleteRoutes(s, live);
    await setFinalizer(s.client, ing, OCP_INGRESS_FINALIZER, false);
    return undefined;
  }
  if (await setFinalizer(s.client, ing, OCP_INGRESS_FINALIZER, true)) return undefined;
  const desired = makeRoutes(ing, s.routeOptions);
  for (const route of desired) {
    const result = await ensureObject(s.client, route);
    if (result === 'created') s.events.event(involvedObjectOf(ing), 'Normal', 'Created', `Created OpenShift Route ${route.metadata.namespace}/${route.metadata.name} for host ${(route.spec as { host: string }).host}`);
  }
  const keep = new Set(desired.map((r) => `${r.metadata.namespace}/${r.metadata.name}`));
  await deleteRoutes(s, live.filter((r) => !keep.has(`${r.metadata.namespace}/${r.metadata.name}`)));
  return undefined;
}

export async function startOpenShiftIngressController(client: Client, events: EventRecorder, log: Logger, opts: RouteOptions = {}): Promise<{ stop(): Promise<void> }> {
  const ingresses = new Informer<KIngress>(client, KINDS.ingress, {}, log);
  const routes = new Informer(client, KINDS.openshiftRoute, { labelSelector: OCP_INGRESS_NAME_LABEL }, log);
  const state: RouteState = {
    client, events, routeOptions: opts,
    ingress: (key) => ingresses.get(key),
    routesOf: (ns, name) => routes.list().filter((r) => r.metadata.labels?.[OCP_INGRESS_NAME_LABEL] === name && r.metadata.labels?.[OCP_INGRESS_NAMESPACE_LABEL] === ns),
  };
  const controller = new Controller({ name: 'kingress-openshift-routes', reconcile: (key) => reconcileOpenShiftIngress(state, key) }, log);
  const wakeOwner = (r: KubeObject) => {
    const ns = r.metadata.labels?.[OCP_INGRESS_NAMESPACE_LABEL];
    const name = r.metadata.labels?.[OCP_INGRESS_NAME_LABEL];
    if (ns && name) controller.enqueue(`${ns}/${name}`);
  };
  ingresses.addHandlers({ add: (i) => controller.enqueue(objectKeyOf(i)), update: (_o, i) => controller.enqueue(objectKeyOf(i)), delete: (i) => controller.enqueue(objectKeyOf(i)) });
  // An edited or deleted Route is put back; one whose ingress is gone is removed.
  routes.addHandlers({ add: wakeOwner, update: (_o, r) => wakeOwner(r), delete: wakeOwner });
  await routes.start();
  await ingresses.start();
  controller.run(1);
  return {
    stop: async () => {
      ingresses.stop();
      routes.stop();
      await controller.stop();
    },
  };
}
