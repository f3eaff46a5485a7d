/**
 * The ServiceMeshMember reconciler, after Maistra's (2.4+): a member puts its namespace in
 * the referenced mesh — creating the mesh's member roll if there is none, copying the
 * mesh's NetworkPolicies in and labelling the namespace `maistra.io/member-of=<mesh>`
 * (what injection, the mesh NetworkPolicies and the CA's root distribution key on) — and
 * reports it in its status. Deleting a member (its finalizer) takes the namespace out
 * again; a member roll the member controller created goes when its last member goes.
 */
import type { KubeObject } from '../../../api/object.ts';
import { SMM_REASON } from '../../../api/mesh/conditions.ts';
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import { reconciledVersionOf } from '../controlplane/resources/status.ts';
import { controlPlaneRefOf, createdBy } from '../memberroll/reconcile.ts';
import { setCondition } from '../shared/conditions.ts';
import { CREATED_BY_ANNOTATION, MEMBER_CONTROLLER, MEMBER_NAME, MEMBER_OF_LABEL, MEMBER_ROLL_NAME, NAMESPACE, NETWORK_POLICY, SMMR, involved, keyOf } from '../shared/meta.ts';
import { deleteIfPresent, ensureObject, hasFinalizer, setFinalizer, writeStatus } from '../shared/objects.ts';
import { memberNetworkPolicies } from './resources/network-policies.ts';

export interface MemberDeps {
  client: Client;
  events: EventRecorder;
  member(key: string): KubeObject | undefined;
  controlPlane(key: string): KubeObject | undefined;
  /** Members whose spec.controlPlaneRef.namespace is this mesh namespace. */
  membersOf(meshNamespace: string): KubeObject[];
  now(): Date;
}

class MemberError extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

export async function reconcileMember(deps: MemberDeps, key: string): Promise<ReconcileResult> {
  const member = deps.member(key);
  if (!member) return;
  if (member.metadata.deletionTimestamp) {
    if (hasFinalizer(member)) await finalize(deps, member);
    return;
  }
  if (!hasFinalizer(member)) {
    await setFinalizer(deps.client, member, true);
    return;
  }
  const ref = controlPlaneRefOf(member);
  const namespace = member.metadata.namespace!;
  try {
    if (member.metadata.name !== MEMBER_NAME) throw new MemberError(SMM_REASON.InvalidName, `the ServiceMeshMember name is invalid; must be "${MEMBER_NAME}"`);
    // A member in the mesh's own namespace is nothing to do (Maistra ignores it).
    if (namespace === ref.namespace) return;
    const smcp = deps.controlPlane(keyOf(ref.namespace ?? '', ref.name ?? ''));
    if (!smcp) throw new MemberError('ErrorControlPlaneMissing', 'the referenced ServiceMeshControlPlane object does not exist');
    await createMemberRollIfNeeded(deps, member, ref.namespace!);
    await addToMesh(deps.client, namespace, ref.namespace!);
    const meshStatus = (smcp.status ?? {}) as { operatorVersion?: string; observedGeneration?: number };
    await updateStatus(deps, member, { meshGeneration: meshStatus.observedGeneration ?? 0, meshReconciledVersion: reconciledVersionOf(meshStatus) });
  } catch (err) {
    if (isSkiffError(err, 'SKF_API_CONFLICT')) throw err;
    await reportError(deps, member, err instanceof MemberError ? err.reason : 'ErrorConfiguringNamespace', err instanceof Error ? err.message : String(err));
  }
  return;
}

async function createMemberRollIfNeeded(deps: MemberDeps, member: KubeObject, meshNamespace: string): Promise<void> {
  if (await deps.client.get(SMMR, meshNamespace, MEMBER_ROLL_NAME)) return;
  try {
    await deps.client.create({ ...SMMR, metadata: { name: MEMBER_ROLL_NAME, namespace: meshNamespace, annotations: { [CREATED_BY_ANNOTATION]: MEMBER_CONTROLLER } }, spec: {} });
    deps.events.event(involved(member), 'Normal', 'Reconciled', 'Successfully created ServiceMeshMemberRoll');
  } catch (err) {
    if (isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) return;
    if (isSkiffError(err, 'SKF_API_NOT_FOUND')) throw new MemberError(SMM_REASON.CreateMemberRollFailed, `Could not create ServiceMeshMemberRoll ${meshNamespace}/${MEMBER_ROLL_NAME}: ${err.message}`);
    throw err;
  }
}

/** reconcileNamespaceInMesh: NetworkPolicies, then the member-of label. */
async function addToMesh(client: Client, namespace: string, meshNamespace: string): Promise<void> {
  const ns = await client.get(NAMESPACE, undefined, namespace);
  // Maistra reports these as ErrorConfiguringNamespace with the error's text.
  if (!ns) throw new Error(`namespaces "${namespace}" not found`);
  if (ns.metadata.deletionTimestamp) throw new Error('namespace is terminating');
  const memberOf = ns.metadata.labels?.[MEMBER_OF_LABEL];
  if (memberOf && memberOf !== meshNamespace) throw new Error(`cannot reconcile namespace ${namespace} in mesh ${meshNamespace}, as it is already a member of ${memberOf}`);
  const meshPolicies = (await client.list(NETWORK_POLICY, { namespace: meshNamespace })).items;
  const wanted = memberNetworkPolicies(meshPolicies, meshNamespace, namespace);
  for (const np of wanted) await ensureObject(client, np);
  const present = await client.list(NETWORK_POLICY, { namespace, labelSelector: `${MEMBER_OF_LABEL}=${meshNamespace}` });
  const keep = new Set(wanted.map((np) => np.metadata.name));
  for (const np of present.items) if (!keep.has(np.metadata.name)) await deleteIfPresent(client, NETWORK_POLICY, namespace, np.metadata.name!);
  if (memberOf !== meshNamespace) await client.patch(NAMESPACE, undefined, namespace, 'merge', { metadata: { labels: { [MEMBER_OF_LABEL]: meshNamespace } } });
}

/** removeNamespaceFromMesh: the mesh's NetworkPolicies, then the label. A terminating namespace is left alone. */
async function removeFromMesh(client: Client, namespace: string, meshNamespace: string): Promise<void> {
  const ns = await client.get(NAMESPACE, undefined, namespace);
  if (!ns) return;
  if (ns.metadata.deletionTimestamp) throw new Error('namespace is terminating');
  const present = await client.list(NETWORK_POLICY, { namespace, labelSelector: `${MEMBER_OF_LABEL}=${meshNamespace}` });
  for (const np of present.items) await deleteIfPresent(client, NETWORK_POLICY, namespace, np.metadata.name!);
  if (ns.metadata.labels?.[MEMBER_OF_LABEL] === meshNamespace) {
    await client.patch(NAMESPACE, undefined, namespace, 'merge', { metadata: { labels: { [MEMBER_OF_LABEL]: null } } });
  }
}

async function finalize(deps: MemberDeps, member: KubeObject): Promise<void> {
  const ref = controlPlaneRefOf(member);
  try {
    await removeFromMesh(deps.client, member.metadata.namespace!, ref.namespace ?? '');
  } catch (err) {
    if (isSkiffError(err, 'SKF_API_CONFLICT')) throw err;
    // As in Maistra: the failure is reported, and the member goes anyway.
    await reportError(deps, member, 'ErrorRemovingNamespace', err instanceof Error ? err.message : String(err));
    await setFinalizer(deps.client, member, false);
    return;
  }
  try {
    await removeMemberRollIfNeeded(deps, member, ref.namespace ?? '');
  } catch (err) {
    if (!isSkiffError(err, 'SKF_API_CONFLICT')) await reportError(deps, member, SMM_REASON.DeleteMemberRollFailed, err instanceof Error ? err.message : String(err));
    throw err;
  }
  await setFinalizer(deps.client, member, false);
}

/** A member roll the member controller created goes with the last member that needs it. */
async function removeMemberRollIfNeeded(deps: MemberDeps, member: KubeObject, meshNamespace: string): Promise<void> {
  const roll = await deps.client.get(SMMR, meshNamespace, MEMBER_ROLL_NAME);
  if (!roll || roll.metadata.deletionTimestamp || !createdBy(roll, MEMBER_CONTROLLER)) return;
  const listed = ((roll.spec ?? {}) as { members?: unknown[] }).members ?? [];
  if (listed.length > 0) return;
  const others = deps.membersOf(meshNamespace).filter((m) => m.metadata.uid !== member.metadata.uid);
  if (others.length === 0) await deleteIfPresent(deps.client, SMMR, meshNamespace, MEMBER_ROLL_NAME);
}

async function reportError(deps: MemberDeps, member: KubeObject, reason: string, message: string): Promise<void> {
  deps.events.event(involved(member), 'Warning', 'FailedReconcile', message);
  await updateStatus(deps, member, {}, { reconciled: false, reason, message });
}

async function updateStatus(deps: MemberDeps, member: KubeObject, mesh: { meshGeneration?: number; meshReconciledVersion?: string }, outcome: { reconciled: boolean; reason?: string; message?: string } = { reconciled: true }): Promise<void> {
  const now = deps.now();
  const previous = structuredClone((member.status ?? {}) as Record<string, unknown> & { conditions?: [] });
  const ref = controlPlaneRefOf(member);
  const status: Record<string, unknown> = {
    ...previous,
    annotations: { ...((previous.annotations as Record<string, string> | undefined) ?? {}), controlPlaneRef: `${ref.namespace ?? ''}/${ref.name ?? ''}` },
    observedGeneration: member.metadata.generation ?? 1,
  };
  if (outcome.reconciled) {
    if (mesh.meshGeneration) status.meshGeneration = mesh.meshGeneration;
    else delete status.meshGeneration;
    if (mesh.meshReconciledVersion) status.meshReconciledVersion = mesh.meshReconciledVersion;
  }
  const value = outcome.reconciled ? 'True' : 'False';
  let conditions = setCondition(previous.conditions, { type: 'Reconciled', status: value, ...(outcome.reason ? { reason: outcome.reason } : {}), ...(outcome.message ? { message: outcome.message } : {}) }, now);
  conditions = setCondition(conditions, { type: 'Ready', status: value, ...(outcome.reason ? { reason: outcome.reason } : {}), ...(outcome.message ? { message: outcome.message } : {}) }, now);
  status.conditions = conditions;
  await writeStatus(deps.client, member, status);
}
