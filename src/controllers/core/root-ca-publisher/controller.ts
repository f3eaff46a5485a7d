/** Wires the root-ca-cert-publisher: informers on Namespaces and on the `kube-root-ca.crt` ConfigMaps, keyed by namespace. */
import { Controller } from '../../../client/controller.ts';
import { Informer } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { Logger } from '../../../util/log.ts';
import { NAMESPACE } from '../namespace/reconcile.ts';
import { CONFIG_MAP, ROOT_CA_CONFIG_MAP, publishRootCa } from './reconcile.ts';

export async function startRootCaPublisher(client: Client, rootCaPem: string, log: Logger): Promise<{ stop(): Promise<void> }> {
  const namespaces = new Informer(client, NAMESPACE, {}, log);
  const configMaps = new Informer(client, CONFIG_MAP, { fieldSelector: `metadata.name=${ROOT_CA_CONFIG_MAP}` }, log);
  const controller = new Controller({
    name: 'root-ca-cert-publisher',
    reconcile: (ns) => publishRootCa({ client, rootCaPem, namespace: (n) => namespaces.get(n), configMap: (k) => configMaps.get(k) }, ns),
  }, log);
  namespaces.addHandlers({
    add: (ns) => controller.enqueue(ns.metadata.name!),
    update: (_old, ns) => controller.enqueue(ns.metadata.name!),
  });
  configMaps.addHandlers({
    update: (_old, cm) => controller.enqueue(cm.metadata.namespace!),
    delete: (cm) => controller.enqueue(cm.metadata.namespace!),
  });
  await configMaps.start();
  await namespaces.start();
  controller.run(1);
  return { stop: async () => { namespaces.stop(); configMaps.stop(); await controller.stop(); } };
}
