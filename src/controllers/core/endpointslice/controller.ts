/**
 * Wires the EndpointSlice controller: informers on Services, Pods and the slices it
 * manages (label `endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io`).
 * A pod change wakes the Services that selected it before or after; a slice changed or
 * deleted by someone else wakes its Service. Creates are not in the cache at once, so a
 * Service is not synced again until the slices it created have been seen (expectations).
 */
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { ENDPOINT_SLICE, MANAGED_BY_LABEL, SERVICE, SERVICE_NAME_LABEL, type EndpointSlice, type Service } from '../../../api/builtin/core/service-view.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { Logger } from '../../../util/log.ts';
import { POD } from '../replicaset/resources/types.ts';
import { wakeServicesOnPodChanges } from '../endpoints/wake-services.ts';
import { syncEndpointSlices } from './reconcile.ts';
import { CONTROLLER_NAME } from './resources/slices.ts';

export async function startEndpointSliceController(client: Client, log: Logger): Promise<{ stop(): Promise<void> }> {
  const services = new Informer<Service>(client, SERVICE, {}, log);
  const pods = new Informer<Pod>(client, POD, {}, log);
  const slices = new Informer<EndpointSlice>(client, ENDPOINT_SLICE, { labelSelector: `${MANAGED_BY_LABEL}=${CONTROLLER_NAME}` }, log);
  /** Slices created per Service and not yet seen by the informer. */
  const pendingCreates = new Map<string, Set<string>>();
  const controller = new Controller({
    name: 'endpointslice',
    reconcile: async (key) => {
      if ((pendingCreates.get(key)?.size ?? 0) > 0) return { requeueAfterMs: 1000 };
      return syncEndpointSlices({
        client,
        created: (slice) => {
          if (slices.get(objectKeyOf(slice))) return;
          const set = pendingCreates.get(key) ?? new Set<string>();
          set.add(objectKeyOf(slice));
          pendingCreates.set(key, set);
        },
        service: (k) => services.get(k),
        slices: (ns, name) => slices.list(ns).filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === name),
        pods: (ns) => pods.list(ns),
      }, key);
    },
  }, log);
  const serviceKeyOf = (s: EndpointSlice) => `${s.metadata.namespace}/${s.metadata.labels?.[SERVICE_NAME_LABEL] ?? ''}`;
  services.addHandlers({
    add: (svc) => controller.enqueue(objectKeyOf(svc)),
    update: (_old, svc) => controller.enqueue(objectKeyOf(svc)),
    delete: (svc) => pendingCreates.delete(objectKeyOf(svc)),
  });
  wakeServicesOnPodChanges(services, pods, (key) => controller.enqueue(key));
  slices.addHandlers({
    add: (s) => {
      const key = serviceKeyOf(s);
      const pending = pendingCreates.get(key);
      if (pending?.delete(objectKeyOf(s)) && pending.size === 0) {
        pendingCreates.delete(key);
        controller.enqueue(key);
      }
    },
    update: (_old, s) => controller.enqueue(serviceKeyOf(s)),
    delete: (s) => {
      pendingCreates.get(serviceKeyOf(s))?.delete(objectKeyOf(s));
      controller.enqueue(serviceKeyOf(s));
    },
  });
  await slices.start();
  await services.start();
  await pods.start();
  controller.run(4);
  return {
    stop: async () => {
      services.stop();
      pods.stop();
      slices.stop();
      await controller.stop();
    },
  };
}
