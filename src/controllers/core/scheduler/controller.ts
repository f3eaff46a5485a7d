/**
 * Wires the scheduler: an informer on Pods (unbound ones are queued) and one on Nodes (a
 * node appearing or changing requeues every pending pod, as kube-scheduler moves pods
 * out of its unschedulable queue on node events).
 */
import type { KubeObject } from '../../../api/object.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import { EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { DEFAULT_SCHEDULER, NODE, POD, schedulePod, wantsScheduling } from './reconcile.ts';

export async function startScheduler(client: Client, log: Logger): Promise<{ stop(): Promise<void> }> {
  const events = new EventRecorder(client, { component: DEFAULT_SCHEDULER }, log);
  const pods = new Informer<KubeObject>(client, POD, {}, log);
  const nodes = new Informer<KubeObject>(client, NODE, {}, log);
  const controller = new Controller({
    name: 'scheduler',
    reconcile: (key) => schedulePod(client, events, {
      pod: (k) => pods.get(k),
      nodes: () => nodes.list(),
      podsOn: (node) => pods.list().filter((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === node).length,
    }, key),
  }, log);
  const consider = (pod: KubeObject) => {
    if (wantsScheduling(pod)) controller.enqueue(objectKeyOf(pod));
  };
  const requeuePending = () => {
    for (const pod of pods.list()) consider(pod);
  };
  pods.addHandlers({ add: consider, update: (_old, pod) => consider(pod) });
  nodes.addHandlers({ add: requeuePending, update: requeuePending });
  await nodes.start();
  await pods.start();
  controller.run(4);
  return {
    stop: async () => {
      pods.stop();
      nodes.stop();
      await controller.stop();
      await events.flush();
    },
  };
}
