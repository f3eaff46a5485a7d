/**
 * Wires the ServerlessService controller: informers on SKSs, on the Services and Endpoints
 * they own or read (label `networking.internal.knative.dev/serverlessservice`), on the
 * activator's Endpoints, and on revision Deployments (the private Service's selector is the
 * scale target's). An owned object wakes its SKS; the activator's Endpoints wake every SKS
 * (each may proxy through it), as upstream's global resync does.
 */
import type { KubeObject } from '../../../api/object.ts';
import { ServingLabels } from '../../../api/knative/serving/keys.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { KINDS, SERVING_NAMESPACE } from '../shared/contracts.ts';
import { ACTIVATOR_SERVICE, reconcileServerlessService } from './reconcile.ts';
import type { EndpointsView } from './resources/endpoints.ts';
import { SKS_LABEL, type ServerlessService } from './resources/services.ts';

export async function startServerlessServiceController(client: Client, _events: EventRecorder, log: Logger): Promise<{ stop(): Promise<void> }> {
  const sksInformer = new Informer<ServerlessService>(client, KINDS.serverlessService, {}, log);
  const services = new Informer(client, KINDS.k8sService, { labelSelector: SKS_LABEL }, log);
  const endpoints = new Informer<KubeObject & EndpointsView>(client, KINDS.endpoints, { labelSelector: SKS_LABEL }, log);
  const activator = new Informer<KubeObject & EndpointsView>(client, KINDS.endpoints, { namespace: SERVING_NAMESPACE, fieldSelector: `metadata.name=${ACTIVATOR_SERVICE}` }, log);
  const deployments = new Informer(client, KINDS.deployment, { labelSelector: ServingLabels.revision }, log);

  const controller = new Controller({
    name: 'serverlessservice',
    reconcile: (key) => reconcileServerlessService({
      client, log,
      sks: (k) => sksInformer.get(k),
      service: (k) => services.get(k),
      endpoints: (k) => (k === `${SERVING_NAMESPACE}/${ACTIVATOR_SERVICE}` ? activator.get(k) : endpoints.get(k)),
      deployment: (k) => deployments.get(k),
    }, key),
  }, log);

  const wakeLabelled = (label: string) => (obj: KubeObject) => {
    const name = obj.metadata.labels?.[label];
    if (name) controller.enqueue(`${obj.metadata.namespace}/${name}`);
  };
  const wakeAll = () => {
    for (const s of sksInformer.list()) controller.enqueue(objectKeyOf(s));
  };
  const handlers = (wake: (obj: KubeObject) => void) => ({ add: wake, update: (_o: KubeObject, n: KubeObject) => wake(n), delete: wake });

  sksInformer.addHandlers({ add: (s) => controller.enqueue(objectKeyOf(s)), update: (_o, s) => controller.enqueue(objectKeyOf(s)) });
  services.addHandlers(handlers(wakeLabelled(SKS_LABEL)));
  endpoints.addHandlers(handlers(wakeLabelled(SKS_LABEL)));
  // The SKS is named after the revision, whose Deployment carries its name.
  deployments.addHandlers(handlers(wakeLabelled(ServingLabels.revision)));
  activator.addHandlers(handlers(wakeAll));

  const all = [sksInformer, services, endpoints, activator, deployments] as Informer[];
  for (const informer of all) await informer.start();
  controller.run(4);
  return {
    stop: async () => {
      for (const informer of all) informer.stop();
      await controller.stop();
    },
  };
}
