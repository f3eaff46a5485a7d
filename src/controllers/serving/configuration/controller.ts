/**
 * Wires the Configuration reconciler: informers on Configurations and Revisions; a
 * Revision's change (its Ready condition above all) wakes the Configuration controlling it.
 */
import type { KubeObject } from '../../../api/object.ts';
import { ServingLabels } from '../../../api/knative/serving/keys.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { KINDS } from '../shared/contracts.ts';
import { wakeOwners, wakeSelf } from '../shared/owner-wake.ts';
import { reconcileConfiguration } from './reconcile.ts';

export async function startConfigurationController(client: Client, events: EventRecorder, log: Logger, now: () => Date = () => new Date()): Promise<{ stop(): Promise<void> }> {
  const configurations = new Informer(client, KINDS.configuration, {}, log);
  const revisions = new Informer(client, KINDS.revision, {}, log);
  const controller = new Controller({
    name: 'configuration',
    reconcile: (key) => reconcileConfiguration({
      client,
      events,
      now,
      configuration: (k) => configurations.get(k),
      revision: (ns, name) => revisions.get(`${ns}/${name}`),
      revisionsOf: (ns, config) => revisions.list(ns).filter((r: KubeObject) => r.metadata.labels?.[ServingLabels.configuration] === config),
    }, key),
  }, log);
  wakeSelf(configurations, controller);
  wakeOwners(revisions, KINDS.configuration, controller);
  for (const i of [configurations, revisions]) await i.start();
  controller.run(2);
  return {
    stop: async () => {
      for (const i of [configurations, revisions]) i.stop();
      await controller.stop();
    },
  };
}
