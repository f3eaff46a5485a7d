/**
 * Wires the ReplicaSet controller: informers on ReplicaSets and Pods. A pod event wakes the
 * ReplicaSet that controls it (and records an observed create or delete for its
 * expectations); an orphan pod wakes every ReplicaSet whose selector matches it, which may
 * adopt it. A pod marked for deletion counts as deleted at once, so a replacement is
 * created while the old pod is still shutting down, as in Kubernetes.
 */
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { labelSelectorFromObject } from '../../../api/selectors/label-selector.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { Logger } from '../../../util/log.ts';
import type { EventSink } from './events.ts';
import { Expectations } from './expectations.ts';
import { syncReplicaSet } from './reconcile.ts';
import { controllerOf } from './resources/controller-ref.ts';
import { POD, REPLICA_SET, type ReplicaSet } from './resources/types.ts';

export async function startReplicaSetController(client: Client, events: EventSink, log: Logger): Promise<{ stop(): Promise<void> }> {
  const replicaSets = new Informer<ReplicaSet>(client, REPLICA_SET, {}, log);
  const pods = new Informer<Pod>(client, POD, {}, log);
  const expectations = new Expectations();
  const controller = new Controller({
    name: 'replicaset',
    reconcile: (key) => syncReplicaSet({ client, events, expectations, replicaSet: (k) => replicaSets.get(k), pods: (ns) => pods.list(ns), now: () => new Date() }, key),
  }, log);

  /** The ReplicaSet a pod's controller reference points at, if it exists with that uid. */
  const ownerKey = (pod: Pod): string | undefined => {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet' || ref.apiVersion.split('/')[0] !== 'apps') return undefined;
    const key = `${pod.metadata.namespace}/${ref.name}`;
    return replicaSets.get(key)?.metadata.uid === ref.uid ? key : undefined;
  };
  const wakeMatching = (pod: Pod) => {
    for (const rs of replicaSets.list(pod.metadata.namespace)) {
      try {
        if (labelSelectorFromObject(rs.spec.selector).matches(pod.metadata.labels ?? {})) controller.enqueue(objectKeyOf(rs));
      } catch {
        // An invalid selector matches nothing.
      }
    }
  };
  const podGone = (pod: Pod) => {
    const key = ownerKey(pod);
    if (!key) return;
    expectations.deletionObserved(key, objectKeyOf(pod));
    controller.enqueue(key);
  };

  replicaSets.addHandlers({
    add: (rs) => controller.enqueue(objectKeyOf(rs)),
    update: (_old, rs) => controller.enqueue(objectKeyOf(rs)),
    delete: (rs) => {
      expectations.forget(objectKeyOf(rs));
      controller.enqueue(objectKeyOf(rs));
    },
  });
  pods.addHandlers({
    add: (pod) => {
      if (pod.metadata.deletionTimestamp) return podGone(pod);
      const key = ownerKey(pod);
      if (key) {
        expectations.creationObserved(key);
        controller.enqueue(key);
      } else if (!controllerOf(pod)) {
        wakeMatching(pod);
      }
    },
    update: (old, pod) => {
      const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(pod.metadata.labels ?? {});
      if (pod.metadata.deletionTimestamp) {
        podGone(pod);
        if (labelsChanged) podGone(old);
        return;
      }
      const oldKey = ownerKey(old);
      const key = ownerKey(pod);
      if (oldKey && oldKey !== key) controller.enqueue(oldKey);
      if (key) controller.enqueue(key);
      else if (!controllerOf(pod) && (labelsChanged || controllerOf(old))) wakeMatching(pod);
    },
    delete: (pod) => podGone(pod),
  });
  await replicaSets.start();
  await pods.start();
  controller.run(4);
  return {
    stop: async () => {
      replicaSets.stop();
      pods.stop();
      await controller.stop();
    },
  };
}
