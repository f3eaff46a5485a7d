/**
 * Wires the Knative Service reconciler: informers on Services and on what they own
 * (Configurations, Routes) and on Revisions (a bring-your-own revision name is checked
 * against them); a child's change wakes its owning Service.
 */
import { Controller } from '../../../client/controller.ts';
import { Informer } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { KINDS } from '../shared/contracts.ts';
import { wakeOwners, wakeSelf } from '../shared/owner-wake.ts';
import { reconcileService } from './reconcile.ts';

export async function startServiceController(client: Client, events: EventRecorder, log: Logger, now: () => Date = () => new Date()): Promise<{ stop(): Promise<void> }> {
  const services = new Informer(client, KINDS.service, {}, log);
  const configurations = new Informer(client, KINDS.configuration, {}, log);
  const routes = new Informer(client, KINDS.route, {}, log);
  const revisions = new Informer(client, KINDS.revision, {}, log);
  const controller = new Controller({
    name: 'service',
    reconcile: (key) => reconcileService({
      client,
      events,
      now,
      service: (k) => services.get(k),
      configuration: (ns, name) => configurations.get(`${ns}/${name}`),
      route: (ns, name) => routes.get(`${ns}/${name}`),
      revision: (ns, name) => revisions.get(`${ns}/${name}`),
    }, key),
  }, log);
  wakeSelf(services, controller);
  wakeOwners(configurations, KINDS.service, controller);
  wakeOwners(routes, KINDS.service, controller);
  const all = [services, configurations, routes, revisions];
  for (const i of all) await i.start();
  controller.run(2);
  return {
    stop: async () => {
      for (const i of all) i.stop();
      await controller.stop();
    },
  };
}
