/**
 * Wires the Endpoints controller: informers on Services, Pods and Endpoints. A pod change
 * wakes every Service whose selector matched the pod before or after it; an Endpoints
 * change (someone else edited it) wakes its Service, which puts it back.
 */
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { SERVICE, type Service } from '../../../api/builtin/core/service-view.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { Logger } from '../../../util/log.ts';
import { POD } from '../replicaset/resources/types.ts';
import { wakeServicesOnPodChanges } from './wake-services.ts';
import { syncEndpoints } from './reconcile.ts';
import { ENDPOINTS, type Endpoints } from './resources/endpoints.ts';

export async function startEndpointsController(client: Client, log: Logger): Promise<{ stop(): Promise<void> }> {
  const services = new Informer<Service>(client, SERVICE, {}, log);
  const pods = new Informer<Pod>(client, POD, {}, log);
  const endpoints = new Informer<Endpoints>(client, ENDPOINTS, {}, log);
  const controller = new Controller({
    name: 'endpoints',
    reconcile: (key) => syncEndpoints({ client, service: (k) => services.get(k), endpoints: (k) => endpoints.get(k), pods: (ns) => pods.list(ns) }, key),
  }, log);
  services.addHandlers({
    add: (svc) => controller.enqueue(objectKeyOf(svc)),
    update: (_old, svc) => controller.enqueue(objectKeyOf(svc)),
    delete: (svc) => controller.enqueue(objectKeyOf(svc)),
  });
  wakeServicesOnPodChanges(services, pods, (key) => controller.enqueue(key));
  endpoints.addHandlers({
    update: (_old, ep) => {
      if (services.get(objectKeyOf(ep))) controller.enqueue(objectKeyOf(ep));
    },
    delete: (ep) => {
      if (services.get(objectKeyOf(ep))) controller.enqueue(objectKeyOf(ep));
    },
  });
  await endpoints.start();
  await services.start();
  await pods.start();
  controller.run(4);
  return {
    stop: async () => {
      services.stop();
      pods.stop();
      endpoints.stop();
      await controller.stop();
    },
  };
}
