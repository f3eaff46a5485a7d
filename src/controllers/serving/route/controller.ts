/**
 * Wires the Route controller: informers on Routes, Configurations, Revisions, the KIngresses
 * and placeholder Services Routes own (label `serving.knative.dev/route`), and the ConfigMaps
 * of knative-serving (config-network, config-domain, config-features).
 *
 * What wakes a Route: itself; a Configuration or Revision it names in spec or status traffic,
 * that names it in `serving.knative.dev/routes`, or (a Revision) whose Configuration it
 * targets — upstream's tracker, by name; its KIngress and placeholder Services; and any
 * change to the configuration, which wakes every Route.
 */
import type { KubeObject } from '../../../api/object.ts';
import { ServingLabels } from '../../../api/knative/serving/keys.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { controllerOf } from '../../core/replicaset/resources/controller-ref.ts';
import { KINDS, SERVING_NAMESPACE } from '../shared/contracts.ts';
import { CONFIG_MAPS, type RouteConfig, defaultRouteConfig, routeConfigFromConfigMaps } from './config.ts';
import { listAnnotation } from './labeler.ts';
import { reconcileRoute } from './reconcile.ts';
import type { TrafficTarget } from './traffic.ts';

export interface RouteControllerOptions {
  now?: () => Date;
  /** Where the config ConfigMaps live (knative-serving). */
  systemNamespace?: string;
  workers?: number;
}

const trafficOf = (route: KubeObject): TrafficTarget[] => [
  ...(((route.spec ?? {}) as { traffic?: TrafficTarget[] }).traffic ?? []),
  ...(((route.status ?? {}) as { traffic?: TrafficTarget[] }).traffic ?? []),
];

export async function startRouteController(client: Client, events: EventRecorder, log: Logger, opts: RouteControllerOptions = {}): Promise<{ stop(): Promise<void> }> {
  const now = opts.now ?? (() => new Date());
  const systemNamespace = opts.systemNamespace ?? SERVING_NAMESPACE;
  const routeLabel = { labelSelector: ServingLabels.route };
  const routes = new Informer(client, KINDS.route, {}, log);
  const configurations = new Informer(client, KINDS.configuration, {}, log);
  const revisions = new Informer(client, KINDS.revision, {}, log);
  const ingresses = new Informer(client, KINDS.ingress, routeLabel, log);
  const services = new Informer(client, KINDS.k8sService, routeLabel, log);
  const configMaps = new Informer(client, KINDS.configMap, { namespace: systemNamespace }, log);
  const informers = [routes, configurations, revisions, ingresses, services, configMaps];

  let config: RouteConfig = defaultRouteConfig();
  const dataOf = (name: string) => (configMaps.get(`${systemNamespace}/${name}`) as { data?: Record<string, string> } | undefined)?.data;
  const reloadConfig = (): void => {
    try {
      config = routeConfigFromConfigMaps({ network: dataOf(CONFIG_MAPS.network), domain: dataOf(CONFIG_MAPS.domain), features: dataOf(CONFIG_MAPS.features) });
    } catch (err) {
      // As Knative's config store: a bad ConfigMap is reported and the last good configuration stays.
      log.error({ err }, 'route controller: invalid serving network configuration; keeping the previous one');
    }
  };

  const byName = (ns: string | undefined, name: string) => (inf: Informer) => inf.get(`${ns}/${name}`);
  const controller = new Controller({
    name: 'route',
    reconcile: (key) => reconcileRoute({
      client, events, log, now,
      config: () => config,
      route: (k) => routes.get(k),
      ingress: (ns, n) => byName(ns, n)(ingresses),
      placeholders: (ns, route) => services.list(ns).filter((s) => s.metadata.labels?.[ServingLabels.route] === route),
      configuration: (ns, n) => byName(ns, n)(configurations),
      revision: (ns, n) => byName(ns, n)(revisions),
      configurations: (ns) => configurations.list(ns),
      revisions: (ns) => revisions.list(ns),
    }, key),
  }, log);

  const enqueueAll = () => {
    for (const r of routes.list()) controller.enqueue(objectKeyOf(r));
  };
  const wakeReferencing = (obj: KubeObject) => {
    const name = obj.metadata.name!;
    const listedBy = listAnnotation(obj, 'serving.knative.dev/routes');
    const configOfRevision = obj.kind === KINDS.revision.kind ? obj.metadata.labels?.[ServingLabels.configuration] : undefined;
    for (const r of routes.list(obj.metadata.namespace)) {
      const refers = listedBy.has(r.metadata.name!) || trafficOf(r).some((t) =>
        (obj.kind === KINDS.configuration.kind ? t.configurationName === name : t.revisionName === name) ||
        (configOfRevision !== undefined && t.configurationName === configOfRevision));
      if (refers) controller.enqueue(objectKeyOf(r));
    }
  };
  const wakeOwner = (obj: KubeObject) => {
    const ref = controllerOf(obj);
    if (ref?.kind === KINDS.route.kind) controller.enqueue(`${obj.metadata.namespace}/${ref.name}`);
    const label = obj.metadata.labels?.[ServingLabels.route];
    if (label && label !== ref?.name) controller.enqueue(`${obj.metadata.namespace}/${label}`);
  };
  const wakeOnConfig = (cm: KubeObject) => {
    if (!(Object.values(CONFIG_MAPS) as string[]).includes(cm.metadata.name!)) return;
    reloadConfig();
    enqueueAll();
  };

  routes.addHandlers({ add: (r) => controller.enqueue(objectKeyOf(r)), update: (_o, r) => controller.enqueue(objectKeyOf(r)) });
  for (const inf of [configurations, revisions]) inf.addHandlers({ add: wakeReferencing, update: (_o, n) => wakeReferencing(n), delete: wakeReferencing });
  for (const inf of [ingresses, services]) inf.addHandlers({ add: wakeOwner, update: (_o, n) => wakeOwner(n), delete: wakeOwner });
  configMaps.addHandlers({ add: wakeOnConfig, update: (_o, n) => wakeOnConfig(n), delete: wakeOnConfig });

  // Configuration first, so the first Route passes already use the cluster's templates and domains.
  await configMaps.start();
  reloadConfig();
  for (const inf of [configurations, revisions, ingresses, services, routes]) await inf.start();
  controller.run(opts.workers ?? 2);
  return {
    stop: async () => {
      for (const inf of informers) inf.stop();
      await controller.stop();
    },
  };
}
