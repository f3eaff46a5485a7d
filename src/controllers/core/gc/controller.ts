/**
 * Wires the garbage collector: an informer per served kind (re-discovered periodically so
 * that CRD kinds join), an owner graph, and a queue of uids to look at. A deleted object
 * queues its dependents; an object with a dangling owner queues itself; an owner being
 * deleted with the foreground/orphan finalizer queues itself.
 */
import type { KubeObject } from '../../../api/object.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer } from '../../../client/informer.ts';
import type { Client, ServedKind } from '../../../client/types.ts';
import type { Logger } from '../../../util/log.ts';
import { OwnerGraph } from './graph.ts';
import { FOREGROUND, ORPHAN, collectDependent, processDeletingOwner } from './reconcile.ts';

const REDISCOVER_MS = 5_000;

export async function startGarbageCollector(client: Client, log: Logger): Promise<{ stop(): Promise<void> }> {
  const graph = new OwnerGraph();
  const objects = new Map<string, KubeObject>();
  const informers = new Map<string, Informer>();
  const controller = new Controller({
    name: 'garbage-collector',
    reconcile: async (uid) => {
      const obj = objects.get(uid);
      const node = graph.get(uid);
      if (obj?.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).some((f) => f === FOREGROUND || f === ORPHAN)) {
        return processDeletingOwner(client, graph, obj);
      }
      if (node) return collectDependent(client, node);
    },
  }, log);

  const watchKind = async (kind: ServedKind) => {
    const key = `${kind.apiVersion}/${kind.kind}`;
    if (informers.has(key) || !['list', 'watch', 'delete'].every((v) => kind.verbs.includes(v))) return;
    const informer = new Informer(client, kind, {}, log);
    informers.set(key, informer);
    informer.addHandlers({
      add: (obj) => observe(obj),
      update: (_old, obj) => observe(obj),
      delete: (obj) => {
        const uid = obj.metadata.uid!;
        objects.delete(uid);
        graph.remove(uid);
        for (const d of graph.dependentsOf(uid)) controller.enqueue(d.uid);
        // Foreground owners wait on their dependents: a dependent leaving may unblock them.
        for (const o of obj.metadata.ownerReferences ?? []) if (objects.get(o.uid)?.metadata.deletionTimestamp) controller.enqueue(o.uid);
      },
    });
    await informer.start();
    // An owner of a kind watched only from now on may have gone while nobody watched it
    // (a CRD kind discovered late): look again at everything that names such an owner.
    const group = kind.apiVersion.includes('/') ? kind.apiVersion.split('/')[0] : '';
    for (const obj of objects.values()) {
      if ((obj.metadata.ownerReferences ?? []).some((o) => o.kind === kind.kind && (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '') === group)) controller.enqueue(obj.metadata.uid!);
    }
  };

  const observe = (obj: KubeObject) => {
    const uid = obj.metadata.uid!;
    objects.set(uid, obj);
    const node = graph.upsert({ apiVersion: obj.apiVersion, kind: obj.kind }, obj);
    if (node.owners.some((o) => !objects.has(o.uid))) controller.enqueue(uid);
    if (obj.metadata.deletionTimestamp && node.finalizers.some((f) => f === FOREGROUND || f === ORPHAN)) controller.enqueue(uid);
  };

  const discover = async () => {
    for (const kind of await client.kinds()) await watchKind(kind);
  };
  await discover();
  controller.run(2);
  let stopped = false;
  const timer = setInterval(() => {
    if (!stopped) discover().catch((err: unknown) => log.warn({ err }, 'garbage collector discovery failed'));
  }, REDISCOVER_MS);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      for (const i of informers.values()) i.stop();
      await controller.stop();
    },
  };
}
