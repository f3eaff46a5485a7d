/**
 * Both endpoint controllers (Endpoints and EndpointSlices) react to a pod change by
 * re-syncing every Service whose selector matches the pod — before the change as well as
 * after it, so a pod whose labels moved away leaves the Services it no longer belongs to.
 */
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { selects, serviceSelector, type Service } from '../../../api/builtin/core/service-view.ts';
import type { Informer } from '../../../client/informer.ts';
import { objectKeyOf } from '../../../client/informer.ts';

export function wakeServicesOnPodChanges(services: Informer<Service>, pods: Informer<Pod>, enqueue: (serviceKey: string) => void): void {
  const wakeFor = (pod: Pod) => {
    for (const svc of services.list(pod.metadata.namespace)) {
      const selector = serviceSelector(svc);
      if (selector && selects(selector, pod)) enqueue(objectKeyOf(svc));
    }
  };
  pods.addHandlers({
    add: wakeFor,
    update: (old, pod) => {
      wakeFor(pod);
      if (JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(pod.metadata.labels ?? {})) wakeFor(old);
    },
    delete: wakeFor,
  });
}
