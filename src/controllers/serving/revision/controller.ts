/**
 * Wires the Revision controller: informers on Revisions, on the Deployments and pods of
 * revisions (label `serving.knative.dev/revisionUID`), on PodAutoscalers and on Serving's
 * ConfigMaps in knative-serving. A Deployment or PodAutoscaler wakes the revision that
 * controls it, a pod the revision its label names, a ConfigMap every revision.
 */
import type { KubeObject } from '../../../api/object.ts';
import { ServingLabels } from '../../../api/knative/serving/keys.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { KINDS, SERVING_NAMESPACE } from '../shared/contracts.ts';
import { CONFIG_MAP_NAMES, type ServingConfigMaps, revisionConfigFromConfigMaps } from './resources/config.ts';
import { reconcileRevision } from './reconcile.ts';
import type { DeploymentView, PodView } from './status.ts';

export async function startRevisionController(client: Client, events: EventRecorder, log: Logger): Promise<{ stop(): Promise<void> }> {
  const revisions = new Informer(client, KINDS.revision, {}, log);
  const deployments = new Informer<DeploymentView>(client, KINDS.deployment, { labelSelector: ServingLabels.revisionUID }, log);
  const pods = new Informer<PodView>(client, KINDS.pod, { labelSelector: ServingLabels.revisionUID }, log);
  const autoscalers = new Informer(client, KINDS.podAutoscaler, {}, log);
  const configMaps = new Informer(client, KINDS.configMap, { namespace: SERVING_NAMESPACE }, log);

  const config = () => {
    const data = (name: string) => (configMaps.get(`${SERVING_NAMESPACE}/${name}`)?.data ?? undefined) as Record<string, string> | undefined;
    const maps: ServingConfigMaps = {};
    for (const [field, name] of Object.entries(CONFIG_MAP_NAMES) as Array<[keyof ServingConfigMaps, string]>) maps[field] = data(name);
    return revisionConfigFromConfigMaps(maps);
  };

  const controller = new Controller({
    name: 'revision',
    reconcile: (key) => reconcileRevision({
      client, events, log,
      revision: (k) => revisions.get(k),
      deployment: (k) => deployments.get(k),
      podAutoscaler: (k) => autoscalers.get(k),
      pods: (ns, uid) => pods.list(ns).filter((p) => p.metadata.labels?.[ServingLabels.revisionUID] === uid),
      config,
    }, key),
  }, log);

  const wakeOwner = (obj: KubeObject) => {
    const ref = obj.metadata.ownerReferences?.find((r) => r.controller === true && r.kind === 'Revision');
    if (ref) controller.enqueue(`${obj.metadata.namespace}/${ref.name}`);
  };
  const wakeLabelled = (obj: KubeObject) => {
    const name = obj.metadata.labels?.[ServingLabels.revision];
    if (name) controller.enqueue(`${obj.metadata.namespace}/${name}`);
  };
  const wakeAll = () => {
    for (const r of revisions.list()) controller.enqueue(objectKeyOf(r));
  };

  revisions.addHandlers({ add: (r) => controller.enqueue(objectKeyOf(r)), update: (_o, r) => controller.enqueue(objectKeyOf(r)) });
  for (const informer of [deployments, autoscalers] as Informer[]) informer.addHandlers({ add: wakeOwner, update: (_o, n) => wakeOwner(n), delete: wakeOwner });
  pods.addHandlers({ add: wakeLabelled, update: (_o, n) => wakeLabelled(n), delete: wakeLabelled });
  configMaps.addHandlers({
    add: (cm) => { if (isServingConfig(cm)) wakeAll(); },
    update: (_o, cm) => { if (isServingConfig(cm)) wakeAll(); },
    delete: (cm) => { if (isServingConfig(cm)) wakeAll(); },
  });

  const all = [configMaps, revisions, deployments, autoscalers, pods] as Informer[];
  for (const informer of all) await informer.start();
  controller.run(4);
  return {
    stop: async () => {
      for (const informer of all) informer.stop();
      await controller.stop();
    },
  };
}

const CONFIG_NAMES = new Set<string>(Object.values(CONFIG_MAP_NAMES));
const isServingConfig = (cm: KubeObject): boolean => CONFIG_NAMES.has(cm.metadata.name ?? '');
