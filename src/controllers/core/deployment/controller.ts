/**
 * Wires the Deployment controller: informers on Deployments, ReplicaSets and Pods. A
 * ReplicaSet event wakes its controlling Deployment (an orphan wakes every Deployment whose
 * selector matches it, to be adopted); a pod deletion wakes a Recreate Deployment once its
 * last pod is gone.
 */
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { labelSelectorFromObject } from '../../../api/selectors/label-selector.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { Logger } from '../../../util/log.ts';
import type { EventSink } from '../replicaset/events.ts';
import { controllerOf } from '../replicaset/resources/controller-ref.ts';
import { POD, REPLICA_SET, type ReplicaSet } from '../replicaset/resources/types.ts';
import { syncDeployment } from './reconcile.ts';
import { DEPLOYMENT, type Deployment } from './resources/types.ts';

export async function startDeploymentController(client: Client, events: EventSink, log: Logger): Promise<{ stop(): Promise<void> }> {
  const deployments = new Informer<Deployment>(client, DEPLOYMENT, {}, log);
  const replicaSets = new Informer<ReplicaSet>(client, REPLICA_SET, {}, log);
  const pods = new Informer<Pod>(client, POD, {}, log);
  const controller = new Controller({
    name: 'deployment',
    reconcile: (key) => syncDeployment({
      client, events, now: () => new Date(),
      deployment: (k) => deployments.get(k),
      replicaSet: (k) => replicaSets.get(k),
      replicaSets: (ns) => replicaSets.list(ns),
      pods: (ns) => pods.list(ns),
    }, key),
  }, log);

  const ownerKey = (obj: ReplicaSet): string | undefined => {
    const ref = controllerOf(obj);
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const key = `${obj.metadata.namespace}/${ref.name}`;
    return deployments.get(key)?.metadata.uid === ref.uid ? key : undefined;
  };
  const wakeMatching = (rs: ReplicaSet) => {
    for (const d of deployments.list(rs.metadata.namespace)) {
      try {
        if (labelSelectorFromObject(d.spec.selector).matches(rs.metadata.labels ?? {})) controller.enqueue(objectKeyOf(d));
      } catch {
        // An invalid selector matches nothing.
      }
    }
  };
  const replicaSetChanged = (rs: ReplicaSet, old?: ReplicaSet) => {
    const oldKey = old ? ownerKey(old) : undefined;
    const key = ownerKey(rs);
    if (oldKey && oldKey !== key) controller.enqueue(oldKey);
    if (key) controller.enqueue(key);
    else if (!controllerOf(rs)) wakeMatching(rs);
  };

  deployments.addHandlers({
    add: (d) => controller.enqueue(objectKeyOf(d)),
    update: (_old, d) => controller.enqueue(objectKeyOf(d)),
    delete: (d) => controller.enqueue(objectKeyOf(d)),
  });
  replicaSets.addHandlers({
    add: (rs) => replicaSetChanged(rs),
    update: (old, rs) => replicaSetChanged(rs, old),
    delete: (rs) => {
      const key = ownerKey(rs);
      if (key) controller.enqueue(key);
    },
  });
  pods.addHandlers({
    delete: (pod) => {
      const ref = controllerOf(pod);
      const rs = ref?.kind === 'ReplicaSet' ? replicaSets.get(`${pod.metadata.namespace}/${ref.name}`) : undefined;
      const key = rs && rs.metadata.uid === ref?.uid ? ownerKey(rs) : undefined;
      if (key && deployments.get(key)?.spec.strategy?.type === 'Recreate') controller.enqueue(key);
    },
  });
  await deployments.start();
  await replicaSets.start();
  await pods.start();
  controller.run(4);
  return {
    stop: async () => {
      deployments.stop();
      replicaSets.stop();
      pods.stop();
      await controller.stop();
    },
  };
}
