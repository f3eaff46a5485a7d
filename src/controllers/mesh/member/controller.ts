/**
 * Wires the ServiceMeshMember controller: a member is woken by its own changes (not by
 * its status writes), by its namespace's changes, and by the control planes of the mesh
 * it references (their reconciled version is what it records).
 */
import { Controller } from '../../../client/controller.ts';
import { Informer, objectKeyOf } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import type { KubeObject } from '../../../api/object.ts';
import { controlPlaneRefOf } from '../memberroll/reconcile.ts';
import { MEMBER_NAME, NAMESPACE, SMCP, SMM, keyOf } from '../shared/meta.ts';
import { sameJson } from '../shared/objects.ts';
import { reconcileMember } from './reconcile.ts';

export async function startMemberController(client: Client, events: EventRecorder, log: Logger, now: () => Date = () => new Date()): Promise<{ stop(): Promise<void> }> {
  const members = new Informer(client, SMM, {}, log);
  const planes = new Informer(client, SMCP, {}, log);
  const namespaces = new Informer(client, NAMESPACE, {}, log);
  const membersOf = (meshNs: string) => members.list().filter((m) => controlPlaneRefOf(m).namespace === meshNs);
  const controller = new Controller({
    name: 'servicemeshmember',
    reconcile: (key) => reconcileMember({ client, events, member: (k) => members.get(k), controlPlane: (k) => planes.get(k), membersOf, now }, key),
  }, log);
  const metaChanged = (a: KubeObject, b: KubeObject) => a.metadata.generation !== b.metadata.generation || !sameJson(a.metadata.annotations ?? {}, b.metadata.annotations ?? {}) ||
    !sameJson(a.metadata.finalizers ?? [], b.metadata.finalizers ?? []) || b.metadata.deletionTimestamp !== undefined;
  members.addHandlers({ add: (m) => controller.enqueue(objectKeyOf(m)), update: (old, m) => { if (metaChanged(old, m)) controller.enqueue(objectKeyOf(m)); } });
  namespaces.addHandlers({
    update: (_old, ns) => {
      const key = keyOf(ns.metadata.name!, MEMBER_NAME);
      if (members.get(key)) controller.enqueue(key);
    },
  });
  const wakeMembers = (p: KubeObject) => {
    for (const m of membersOf(p.metadata.namespace!)) controller.enqueue(objectKeyOf(m));
  };
  planes.addHandlers({ add: wakeMembers, update: (_o, p) => wakeMembers(p), delete: wakeMembers });
  await namespaces.start();
  await planes.start();
  await members.start();
  controller.run(2);
  return {
    stop: async () => {
      for (const i of [members, planes, namespaces]) i.stop();
      await controller.stop();
    },
  };
}
