/**
 * Wires the root-certificate distribution: woken per namespace by the namespace's own
 * changes (joining or leaving a mesh), by its `istio-ca-root-cert` ConfigMap, and — for
 * every namespace of a mesh — by the mesh's CA Secrets (`cacerts`, `istio-ca-secret`).
 */
import type { KubeObject } from '../../../api/object.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import { CA_SECRET_NAME, PLUGIN_SECRET_NAME } from '../../../mesh/pki/mesh-ca.ts';
import type { Logger } from '../../../util/log.ts';
import { CONFIG_MAP, MEMBER_OF_LABEL, NAMESPACE, SECRET, keyOf } from '../shared/meta.ts';
import { ROOT_CERT_CONFIG_MAP, reconcileRootCert } from './reconcile.ts';

export async function startRootCertController(client: Client, log: Logger): Promise<{ stop(): Promise<void> }> {
  const namespaces = new Informer(client, NAMESPACE, {}, log);
  const configMaps = new Informer(client, CONFIG_MAP, { fieldSelector: `metadata.name=${ROOT_CERT_CONFIG_MAP}` }, log);
  const caSecrets = [PLUGIN_SECRET_NAME, CA_SECRET_NAME].map((name) => new Informer(client, SECRET, { fieldSelector: `metadata.name=${name}` }, log));
  const controller = new Controller({
    name: 'istio-ca-root-cert',
    reconcile: (ns) => reconcileRootCert({ client, namespace: (n) => namespaces.get(n), configMap: (n) => configMaps.get(keyOf(n, ROOT_CERT_CONFIG_MAP)) }, ns),
  }, log);
  const wake = (obj: KubeObject) => controller.enqueue(obj.metadata.namespace ?? obj.metadata.name!);
  const wakeMesh = (secret: KubeObject) => {
    for (const ns of namespaces.list()) if (ns.metadata.labels?.[MEMBER_OF_LABEL] === secret.metadata.namespace) controller.enqueue(ns.metadata.name!);
  };
  namespaces.addHandlers({ add: wake, update: (_o, ns) => wake(ns) });
  configMaps.addHandlers({ update: (_o, cm) => wake(cm), delete: wake });
  for (const s of caSecrets) s.addHandlers({ add: wakeMesh, update: (_o, n) => wakeMesh(n), delete: wakeMesh });
  await namespaces.start();
  await configMaps.start();
  for (const s of caSecrets) await s.start();
  controller.run(2);
  return {
    stop: async () => {
      for (const i of [namespaces, configMaps, ...caSecrets]) i.stop();
      await controller.stop();
    },
  };
}
