/**
 * The ServiceMeshMemberRoll reconciler, after Maistra's (2.4+): a roll does not configure
 * namespaces itself — it makes sure a ServiceMeshMember `default` exists in every
 * namespace it lists or selects (marked as created by it), deletes the ones it created
 * that it no longer wants, and reports the members' state. A listed namespace that does
 * not exist yet stays pending (NamespaceNotExists) until it is created. The member
 * controller does the configuring.
 */
import type { KubeObject } from '../../../api/object.ts';
import { SMMR_REASON as R } from '../../../api/mesh/conditions.ts';
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { reconciledVersionOf } from '../controlplane/resources/status.ts';
import { CREATED_BY_ANNOTATION, MEMBER_NAME, MEMBER_ROLL_CONTROLLER, MEMBER_ROLL_NAME, SMM } from '../shared/meta.ts';
import { deleteIfPresent, hasFinalizer, setFinalizer, writeStatus } from '../shared/objects.ts';
import { requiredNamespaces } from './resources/membership.ts';
import { type MemberStatusSummary, finish, rollStatusOf, setMemberCondition, setReady, summarize } from './resources/status.ts';

export interface MemberRollDeps {
  client: Client;
  roll(key: string): KubeObject | undefined;
  controlPlanesIn(namespace: string): KubeObject[];
  /** Members whose spec.controlPlaneRef.namespace is this mesh namespace. */
  membersOf(meshNamespace: string): KubeObject[];
  namespace(name: string): KubeObject | undefined;
  namespaces(): KubeObject[];
  now(): Date;
}

export function controlPlaneRefOf(member: KubeObject): { name?: string; namespace?: string } {
  return ((member.spec ?? {}) as { controlPlaneRef?: { name?: string; namespace?: string } }).controlPlaneRef ?? {};
}

export function createdBy(obj: KubeObject, controller: string): boolean {
  return obj.metadata.annotations?.[CREATED_BY_ANNOTATION] === controller;
}

export async function reconcileMemberRoll(deps: MemberRollDeps, key: string): Promise<ReconcileResult> {
  const roll = deps.roll(key);
  if (!roll) return;
  const meshNamespace = roll.metadata.namespace!;
  if (roll.metadata.deletionTimestamp) {
    if (!hasFinalizer(roll)) return;
    // Un-mesh what the roll brought in; members users created themselves stay.
    for (const m of deps.membersOf(meshNamespace)) {
      if (!m.metadata.deletionTimestamp && createdBy(m, MEMBER_ROLL_CONTROLLER)) await deleteIfPresent(deps.client, SMM, m.metadata.namespace, m.metadata.name!);
    }
    await setFinalizer(deps.client, roll, false);
    return;
  }
  if (!hasFinalizer(roll)) {
    await setFinalizer(deps.client, roll, true);
    return;
  }
  const now = deps.now();
  const status = rollStatusOf(roll);
  const generation = roll.metadata.generation ?? 1;
  if (roll.metadata.name !== MEMBER_ROLL_NAME) {
    setReady(status, false, R.ErrInvalidName, `the ServiceMeshMemberRoll name is invalid; must be "${MEMBER_ROLL_NAME}"`, now);
    finish(status, generation);
    await writeStatus(deps.client, roll, status as unknown as Record<string, unknown>);
    return;
  }
  const planes = deps.controlPlanesIn(meshNamespace);
  if (planes.length > 1) {
    setReady(status, false, R.ErrMultipleSMCPs, 'Multiple ServiceMeshControlPlane resources exist in the namespace', now);
    finish(status, generation);
    await writeStatus(deps.client, roll, status as unknown as Record<string, unknown>);
    return;
  }
  const mesh = planes[0];
  const required = requiredNamespaces(roll, deps.namespaces());
  const memberStatusMap = new Map<string, MemberStatusSummary>(status.memberStatuses.map((s) => [s.namespace, s]));
  if (mesh) {
    for (const ns of [...required].sort()) {
      const member = await ensureMemberExists(deps, ns, mesh.metadata.name!, meshNamespace);
      if (!member) {
        setMemberCondition(memberStatusMap, ns, { type: 'Reconciled', status: 'False', reason: 'NamespaceNotExists', message: `Namespace ${ns} does not exist` }, now);
        continue;
      }
      const ref = controlPlaneRefOf(member);
      if (ref.name !== mesh.metadata.name || ref.namespace !== meshNamespace) {
        setMemberCondition(memberStatusMap, ns, {
          type: 'Reconciled', status: 'False', reason: 'ReferencesDifferentControlPlane',
          message: `ServiceMeshMember ${ns}/${MEMBER_NAME} exists, but references ServiceMeshControlPlane ${ref.namespace ?? ''}/${ref.name ?? ''}`,
        }, now);
      }
    }
  }
  const members = deps.membersOf(meshNamespace);
  for (const m of members) {
    if (!m.metadata.deletionTimestamp && createdBy(m, MEMBER_ROLL_CONTROLLER) && (!mesh || !required.has(m.metadata.namespace!))) {
      await deleteIfPresent(deps.client, SMM, m.metadata.namespace, m.metadata.name!);
    }
  }
  const meshStatus = (mesh?.status ?? {}) as { operatorVersion?: string; observedGeneration?: number };
  summarize(status, {
    required,
    members,
    meshNamespace,
    mesh: mesh ? { name: mesh.metadata.name!, reconciledVersion: reconciledVersionOf(meshStatus), observedGeneration: meshStatus.observedGeneration ?? 0 } : undefined,
    memberStatusMap,
    generation,
  }, now);
  await writeStatus(deps.client, roll, status as unknown as Record<string, unknown>);
  return;
}

/** The member of `ns`, created (as the roll's) when missing; undefined when the namespace does not exist or is terminating. */
async function ensureMemberExists(deps: MemberRollDeps, ns: string, meshName: string, meshNamespace: string): Promise<KubeObject | undefined> {
  const existing = await deps.client.get(SMM, ns, MEMBER_NAME);
  if (existing) return existing;
  const namespace = deps.namespace(ns);
  if (!namespace || namespace.metadata.deletionTimestamp) return undefined;
  try {
    return await deps.client.create({
      ...SMM,
      metadata: { name: MEMBER_NAME, namespace: ns, annotations: { [CREATED_BY_ANNOTATION]: MEMBER_ROLL_CONTROLLER } },
      spec: { controlPlaneRef: { name: meshName, namespace: meshNamespace } },
    });
  } catch (err) {
    if (isSkiffError(err, 'SKF_API_NOT_FOUND') || isSkiffError(err, 'SKF_API_FORBIDDEN')) return undefined;
    if (isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) return deps.client.get(SMM, ns, MEMBER_NAME);
    throw err;
  }
}
