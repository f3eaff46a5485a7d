/** Runs the `kubernetes` Service reconciler whenever that Service, its Endpoints or its EndpointSlice change or disappear. */
import { Controller } from '../../client/controller.ts';
import { Informer } from '../../client/informer.ts';
import type { Client } from '../../client/types.ts';
import type { Logger } from '../../util/log.ts';
import { KUBERNETES_SERVICE_NAME, KUBERNETES_SERVICE_NAMESPACE, KUBERNETES_SERVICE_TYPES, reconcileKubernetesService, type ApiServerAddress } from './kubernetes-service.ts';

const KEY = `${KUBERNETES_SERVICE_NAMESPACE}/${KUBERNETES_SERVICE_NAME}`;

export async function startKubernetesServiceController(client: Client, address: ApiServerAddress, log: Logger): Promise<{ stop(): Promise<void> }> {
  const controller = new Controller({ name: 'kubernetes-service', reconcile: () => reconcileKubernetesService(client, address) }, log);
  const informers = KUBERNETES_SERVICE_TYPES.map((type) => new Informer(client, type, { namespace: KUBERNETES_SERVICE_NAMESPACE, fieldSelector: `metadata.name=${KUBERNETES_SERVICE_NAME}` }, log));
  for (const informer of informers) {
    informer.addHandlers({ update: () => controller.enqueue(KEY), delete: () => controller.enqueue(KEY) });
    await informer.start();
  }
  // The first pass runs before `up` reports ready, so the Service is there from the start;
  // should it fail (the first address taken by a Service of an older data directory), the
  // controller keeps retrying rather than keeping the API server from starting.
  try {
    await reconcileKubernetesService(client, address);
  } catch (err) {
    log.warn({ err }, 'cannot create the kubernetes Service yet; retrying');
    controller.enqueue(KEY);
  }
  controller.run(1);
  return {
    stop: async () => {
      for (const informer of informers) informer.stop();
      await controller.stop();
    },
  };
}
