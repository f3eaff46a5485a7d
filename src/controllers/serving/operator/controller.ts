/**
 * Wires the KnativeServing operator: an informer on KnativeServings and informers on what
 * they install (selected by the owner label, every namespace): a Deployment's status is
 * DeploymentsAvailable, and an installed object edited or deleted behind the operator's
 * back wakes its KnativeServing, which puts it back.
 */
import type { KubeObject } from '../../../api/object.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { KINDS } from '../shared/contracts.ts';
import { OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL } from './meta.ts';
import { INSTALLED_KINDS, reconcileKnativeServing } from './reconcile.ts';

export interface KnativeServingControllerOptions {
  /** The cluster's apps domain (`skiff up --domain`), written into config-domain. */
  appsDomain: string;
  now?: () => Date;
}

export async function startKnativeServingController(client: Client, events: EventRecorder, log: Logger, opts: KnativeServingControllerOptions): Promise<{ stop(): Promise<void> }> {
  const servings = new Informer(client, KINDS.knativeServing, {}, log);
  const installed = INSTALLED_KINDS.map((type) => new Informer(client, type, { labelSelector: OWNER_NAME_LABEL }, log));
  const deployments = installed[0]!;
  const controller = new Controller({
    name: 'knativeserving',
    reconcile: (key) => reconcileKnativeServing({
      client, events, log, appsDomain: opts.appsDomain, now: opts.now ?? (() => new Date()),
      knativeServing: (k) => servings.get(k),
      deployment: (k) => deployments.get(k),
    }, key),
  }, log);
  const wakeOwner = (obj: KubeObject) => {
    const name = obj.metadata.labels?.[OWNER_NAME_LABEL];
    const namespace = obj.metadata.labels?.[OWNER_NAMESPACE_LABEL];
    if (name && namespace) controller.enqueue(`${namespace}/${name}`);
  };
  servings.addHandlers({
    add: (s) => controller.enqueue(objectKeyOf(s)),
    update: (_old, s) => controller.enqueue(objectKeyOf(s)),
    delete: () => {},
  });
  for (const informer of installed) informer.addHandlers({ add: wakeOwner, update: (_o, n) => wakeOwner(n), delete: wakeOwner });
  await servings.start();
  for (const informer of installed) await informer.start();
  controller.run(1);
  return {
    stop: async () => {
      for (const informer of [servings, ...installed]) informer.stop();
      await controller.stop();
    },
  };
}
