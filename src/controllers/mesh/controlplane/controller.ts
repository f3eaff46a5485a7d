/**
 * Wires the ServiceMeshControlPlane controller: informers on control planes, on every kind
 * control planes install (label `maistra.io/owner`: a Deployment's status is component
 * readiness, and an object edited or deleted behind the controller's back is put back) and
 * on plug-in CA Secrets (`cacerts`); a change to any of these wakes the control planes of
 * its namespace.
 */
import type { KubeObject } from '../../../api/object.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import { PLUGIN_SECRET_NAME } from '../../../mesh/pki/mesh-ca.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { OWNER_LABEL, SECRET, SMCP } from '../shared/meta.ts';
import { OWNED_KINDS } from './resources/components.ts';
import { reconcileControlPlane } from './reconcile.ts';

export async function startControlPlaneController(client: Client, events: EventRecorder, log: Logger, now: () => Date = () => new Date()): Promise<{ stop(): Promise<void> }> {
  const planes = new Informer(client, SMCP, {}, log);
  const owned = OWNED_KINDS.map((type) => new Informer(client, type, { labelSelector: OWNER_LABEL }, log));
  const pluginCas = new Informer(client, SECRET, { fieldSelector: `metadata.name=${PLUGIN_SECRET_NAME}` }, log);
  const inProgress = new Map<string, number>();
  const controller = new Controller({
    name: 'servicemeshcontrolplane',
    reconcile: (key) => reconcileControlPlane({ client, events, log, controlPlane: (k) => planes.get(k), controlPlanesIn: (ns) => planes.list(ns), inProgress, now }, key),
  }, log);
  const wakeNamespace = (obj: KubeObject) => {
    for (const p of planes.list(obj.metadata.namespace)) controller.enqueue(objectKeyOf(p));
  };
  planes.addHandlers({
    add: (p) => controller.enqueue(objectKeyOf(p)),
    update: (_old, p) => controller.enqueue(objectKeyOf(p)),
    // Another control plane of the namespace may now be the one that owns it.
    delete: (p) => wakeNamespace(p),
  });
  for (const informer of [...owned, pluginCas]) informer.addHandlers({ add: wakeNamespace, update: (_o, n) => wakeNamespace(n), delete: wakeNamespace });
  await planes.start();
  for (const informer of owned) await informer.start();
  await pluginCas.start();
  controller.run(2);
  return {
    stop: async () => {
      for (const informer of [planes, ...owned, pluginCas]) informer.stop();
      await controller.stop();
    },
  };
}
