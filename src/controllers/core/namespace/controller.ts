/** Wires the namespace reconciler to an informer on Namespaces. */
import type { Client } from '../../../client/types.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer } from '../../../client/informer.ts';
import type { Logger } from '../../../util/log.ts';
import { NAMESPACE, reconcileNamespace } from './reconcile.ts';

export async function startNamespaceController(client: Client, log: Logger): Promise<{ stop(): Promise<void> }> {
  const controller = new Controller({ name: 'namespace', reconcile: (key) => reconcileNamespace(client, key) }, log);
  const informer = new Informer(client, NAMESPACE, {}, log);
  informer.addHandlers({
    add: (ns) => { if (ns.metadata.deletionTimestamp) controller.enqueue(ns.metadata.name!); },
    update: (_old, ns) => { if (ns.metadata.deletionTimestamp) controller.enqueue(ns.metadata.name!); },
  });
  await informer.start();
  controller.run(2);
  return { stop: async () => { informer.stop(); await controller.stop(); } };
}
