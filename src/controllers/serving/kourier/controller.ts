/**
 * Wires the Kourier KIngress status controller: informers on KIngresses, on the Kourier
 * gateway pods (a pod coming up or going changes what must answer the probes) and on
 * config-network (the default ingress class). The routes themselves are the gateway data
 * plane's (src/server/kourier-dataplane.ts).
 */
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import type { KIngress } from '../ingress/kingress.ts';
import { probeTarget, type ProbeFn } from '../ingress/prober.ts';
import { KINDS, KOURIER_NAMESPACE, SERVING_NAMESPACE } from '../shared/contracts.ts';
import { KOURIER_GATEWAY_APP } from './gateway.ts';
import { reconcileKourierIngress, type KourierIngressState } from './reconcile.ts';

export interface KourierIngressOptions {
  now?: () => Date;
  /** Replaces the HTTP probe (tests). */
  probe?: ProbeFn;
}

export async function startKourierIngressController(client: Client, _events: EventRecorder, log: Logger, opts: KourierIngressOptions = {}): Promise<{ stop(): Promise<void> }> {
  const ingresses = new Informer<KIngress>(client, KINDS.ingress, {}, log);
  const pods = new Informer<Pod>(client, KINDS.pod, { namespace: KOURIER_NAMESPACE, labelSelector: `app=${KOURIER_GATEWAY_APP}` }, log);
  const configMaps = new Informer(client, KINDS.configMap, { namespace: SERVING_NAMESPACE }, log);
  const state: KourierIngressState = {
    client, log, now: opts.now ?? (() => new Date()), probe: opts.probe ?? probeTarget,
    ingress: (key) => ingresses.get(key),
    configNetwork: () => configMaps.get(`${SERVING_NAMESPACE}/config-network`),
    pods: () => pods.list(),
    probed: new Map(),
    backoff: new Map(),
  };
  const controller = new Controller({ name: 'kingress-kourier', reconcile: (key) => reconcileKourierIngress(state, key) }, log);
  const wakeAll = () => {
    for (const ing of ingresses.list()) controller.enqueue(objectKeyOf(ing));
  };
  ingresses.addHandlers({ add: (i) => controller.enqueue(objectKeyOf(i)), update: (_o, i) => controller.enqueue(objectKeyOf(i)), delete: (i) => controller.enqueue(objectKeyOf(i)) });
  pods.addHandlers({ add: wakeAll, update: (o, p) => (o.status?.podIP !== p.status?.podIP || o.status?.phase !== p.status?.phase) && wakeAll(), delete: wakeAll });
  configMaps.addHandlers({ add: wakeAll, update: wakeAll, delete: wakeAll });
  const all = [configMaps, pods as Informer, ingresses as Informer];
  for (const informer of all) await informer.start();
  controller.run(2);
  return {
    stop: async () => {
      for (const informer of all) informer.stop();
      await controller.stop();
    },
  };
}
