/** Wires the serviceaccounts controller: informers on Namespaces and ServiceAccounts, keyed by namespace. */
import type { KubeObject } from '../../../api/object.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { Logger } from '../../../util/log.ts';
import { NAMESPACE } from '../namespace/reconcile.ts';
import { DEFAULT_SERVICE_ACCOUNT, SERVICE_ACCOUNT, ensureDefaultServiceAccount } from './reconcile.ts';

export async function startServiceAccountsController(client: Client, log: Logger): Promise<{ stop(): Promise<void> }> {
  const namespaces = new Informer(client, NAMESPACE, {}, log);
  const accounts = new Informer(client, SERVICE_ACCOUNT, {}, log);
  const controller = new Controller({
    name: 'serviceaccount',
    reconcile: (ns) => ensureDefaultServiceAccount({ client, namespace: (n) => namespaces.get(n), serviceAccount: (k) => accounts.get(k) }, ns),
  }, log);
  namespaces.addHandlers({
    add: (ns) => controller.enqueue(ns.metadata.name!),
    update: (_old, ns) => controller.enqueue(ns.metadata.name!),
  });
  accounts.addHandlers({
    delete: (sa: KubeObject) => {
      if (sa.metadata.name === DEFAULT_SERVICE_ACCOUNT) controller.enqueue(sa.metadata.namespace!);
    },
  });
  await accounts.start();
  await namespaces.start();
  controller.run(1);
  return { stop: async () => { namespaces.stop(); accounts.stop(); await controller.stop(); } };
}
