/**
 * Wires the DomainMapping controller (knative/serving pkg/reconciler/domainmapping/controller.go):
 * informers on DomainMappings, the KIngresses they control (label
 * `serving.knative.dev/domainMappingUID`), the Addressables a DomainMapping may point at
 * (Knative Services and Routes: upstream's tracker, by name) and config-network
 * in knative-serving.
 *
 * What wakes a DomainMapping: itself; every DomainMapping of the same name (a claim may pass
 * to it when the holder goes); its KIngress; the object its ref names and that Route's
 * KIngress (whose paths a DomainMapping takes, local-hop.ts); and a change to
 * config-network, which wakes them all. A ref to any other kind is read from the API.
 */
import type { KubeObject } from '../../../api/object.ts';
import { ServingLabels } from '../../../api/knative/serving/keys.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client, TypeRef } from '../../../client/types.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { KINDS, SERVING_NAMESPACE } from '../shared/contracts.ts';
import { wakeOwners } from '../shared/owner-wake.ts';
import { type DomainMappingConfig, domainMappingConfigFromData, NETWORK_CONFIG_MAP } from './config.ts';
import { reconcileDomainMapping } from './reconcile.ts';
import { isCoreService, type KReference } from './resolve.ts';

export interface DomainMappingControllerOptions {
  now?: () => Date;
  /** Where config-network lives (knative-serving). */
  systemNamespace?: string;
  workers?: number;
}

interface Spec { ref?: KReference }
const refOf = (dm: KubeObject): KReference => ((dm.spec ?? {}) as Spec).ref ?? {};
const sameType = (ref: KReference, t: TypeRef): boolean => ref.apiVersion === t.apiVersion && ref.kind === t.kind;

export async function startDomainMappingController(client: Client, events: EventRecorder, log: Logger, opts: DomainMappingControllerOptions = {}): Promise<{ stop(): Promise<void> }> {
  const systemNamespace = opts.systemNamespace ?? SERVING_NAMESPACE;
  const domainMappings = new Informer(client, KINDS.domainMapping, {}, log);
  const ingresses = new Informer(client, KINDS.ingress, { labelSelector: ServingLabels.domainMappingUID }, log);
  // Routes' KIngresses: a DomainMapping of a Route takes that Route's paths (local-hop.ts).
  const routeIngresses = new Informer(client, KINDS.ingress, { labelSelector: ServingLabels.route }, log);
  const configMaps = new Informer(client, KINDS.configMap, { namespace: systemNamespace }, log);
  // The Addressables a DomainMapping commonly names, cached and watched. A core Service is
  // addressed by its name alone (upstream's resolver does not read it), so it needs no cache.
  const targets = [KINDS.service, KINDS.route].map((type) => ({ type, informer: new Informer(client, type, {}, log) }));
  const informers = [domainMappings, ingresses, routeIngresses, configMaps, ...targets.map((t) => t.informer)];

  let config: DomainMappingConfig = domainMappingConfigFromData(undefined);
  const reloadConfig = (): void => {
    const data = (configMaps.get(`${systemNamespace}/${NETWORK_CONFIG_MAP}`) as { data?: Record<string, string> } | undefined)?.data;
    try {
      config = domainMappingConfigFromData(data);
    } catch (err) {
      // As Knative's config store: a bad ConfigMap is reported and the last good configuration stays.
      log.error({ err }, 'domainmapping controller: invalid config-network; keeping the previous one');
    }
  };

  const controller = new Controller({
    name: 'domainmapping',
    reconcile: (key) => reconcileDomainMapping({
      client, events, log,
      now: opts.now ?? (() => new Date()),
      config: () => config,
      domainMapping: (k) => domainMappings.get(k),
      domainMappingsNamed: (domain) => domainMappings.list().filter((d) => d.metadata.name === domain),
      ingress: (ns, n) => ingresses.get(`${ns}/${n}`),
      routeIngress: (ns, route) => routeIngresses.list(ns).find((i) => i.metadata.labels?.[ServingLabels.route] === route),
      target: async (ref) => {
        if (!ref.name || !ref.kind || !ref.apiVersion || isCoreService(ref)) return undefined;
        const cached = targets.find((t) => sameType(ref, t.type));
        if (cached) return cached.informer.get(`${ref.namespace}/${ref.name}`);
        return client.get({ apiVersion: ref.apiVersion, kind: ref.kind }, ref.namespace, ref.name);
      },
    }, key),
  }, log);

  const enqueueAll = () => {
    for (const d of domainMappings.list()) controller.enqueue(objectKeyOf(d));
  };
  const wakeSameName = (dm: KubeObject) => {
    for (const d of domainMappings.list()) if (d.metadata.name === dm.metadata.name) controller.enqueue(objectKeyOf(d));
  };
  const wakeReferencing = (type: TypeRef) => (obj: KubeObject) => {
    for (const d of domainMappings.list()) {
      const ref = refOf(d);
      if (sameType(ref, type) && ref.name === obj.metadata.name && (ref.namespace ?? d.metadata.namespace) === obj.metadata.namespace) controller.enqueue(objectKeyOf(d));
    }
  };
  const wakeOnRouteIngress = (ing: KubeObject) => {
    const route = ing.metadata.labels?.[ServingLabels.route];
    for (const d of domainMappings.list(ing.metadata.namespace)) if (refOf(d).name === route) controller.enqueue(objectKeyOf(d));
  };
  const wakeOnConfig = (cm: KubeObject) => {
    if (cm.metadata.name !== NETWORK_CONFIG_MAP) return;
    reloadConfig();
    enqueueAll();
  };

  domainMappings.addHandlers({ add: wakeSameName, update: (_o, d) => controller.enqueue(objectKeyOf(d)), delete: wakeSameName });
  wakeOwners(ingresses, KINDS.domainMapping, controller);
  routeIngresses.addHandlers({ add: wakeOnRouteIngress, update: (_o, n) => wakeOnRouteIngress(n), delete: wakeOnRouteIngress });
  for (const { type, informer } of targets) {
    const wake = wakeReferencing(type);
    informer.addHandlers({ add: wake, update: (_o, n) => wake(n), delete: wake });
  }
  configMaps.addHandlers({ add: wakeOnConfig, update: (_o, n) => wakeOnConfig(n), delete: wakeOnConfig });

  await configMaps.start();
  reloadConfig();
  for (const inf of informers) if (inf !== configMaps) await inf.start();
  controller.run(opts.workers ?? 2);
  return {
    stop: async () => {
      for (const inf of informers) inf.stop();
      await controller.stop();
    },
  };
}
