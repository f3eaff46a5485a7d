/**
 * Wires the ServiceMeshMemberRoll controller: a roll is woken by its own changes, by its
 * namespace's control planes, by members referencing its mesh, and by namespaces it
 * lists or selects (a listed namespace created later becomes a member).
 */
import type { KubeObject } from '../../../api/object.ts';
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { Logger } from '../../../util/log.ts';
import { MEMBER_ROLL_NAME, NAMESPACE, SMCP, SMM, SMMR, keyOf } from '../shared/meta.ts';
import { isSelected } from './resources/membership.ts';
import { controlPlaneRefOf, reconcileMemberRoll } from './reconcile.ts';
import { stringList, specOf } from '../../../api/mesh/fields.ts';

export async function startMemberRollController(client: Client, log: Logger, now: () => Date = () => new Date()): Promise<{ stop(): Promise<void> }> {
  const rolls = new Informer(client, SMMR, {}, log);
  const planes = new Informer(client, SMCP, {}, log);
  const members = new Informer(client, SMM, {}, log);
  const namespaces = new Informer(client, NAMESPACE, {}, log);
  const controller = new Controller({
    name: 'servicemeshmemberroll',
    reconcile: (key) => reconcileMemberRoll({
      client,
      roll: (k) => rolls.get(k),
      controlPlanesIn: (ns) => planes.list(ns),
      membersOf: (meshNs) => members.list().filter((m) => controlPlaneRefOf(m).namespace === meshNs),
      namespace: (name) => namespaces.get(name),
      namespaces: () => namespaces.list(),
      now,
    }, key),
  }, log);
  const wakeRollOf = (meshNamespace: string | undefined) => {
    if (meshNamespace && rolls.get(keyOf(meshNamespace, MEMBER_ROLL_NAME))) controller.enqueue(keyOf(meshNamespace, MEMBER_ROLL_NAME));
  };
  const wakeRollsListing = (ns: KubeObject) => {
    for (const roll of rolls.list()) {
      if (stringList(specOf(roll).members).includes(ns.metadata.name!) || isSelected(roll, ns)) controller.enqueue(objectKeyOf(roll));
    }
  };
  rolls.addHandlers({ add: (r) => controller.enqueue(objectKeyOf(r)), update: (_o, r) => controller.enqueue(objectKeyOf(r)) });
  planes.addHandlers({ add: (p) => wakeRollOf(p.metadata.namespace), update: (_o, p) => wakeRollOf(p.metadata.namespace), delete: (p) => wakeRollOf(p.metadata.namespace) });
  members.addHandlers({
    add: (m) => wakeRollOf(controlPlaneRefOf(m).namespace),
    update: (_o, m) => wakeRollOf(controlPlaneRefOf(m).namespace),
    delete: (m) => wakeRollOf(controlPlaneRefOf(m).namespace),
  });
  namespaces.addHandlers({
    add: wakeRollsListing,
    update: (old, ns) => {
      wakeRollsListing(ns);
      wakeRollsListing(old);
    },
    delete: wakeRollsListing,
  });
  await namespaces.start();
  await planes.start();
  await members.start();
  await rolls.start();
  controller.run(2);
  return {
    stop: async () => {
      for (const i of [rolls, planes, members, namespaces]) i.stop();
      await controller.stop();
    },
  };
}
