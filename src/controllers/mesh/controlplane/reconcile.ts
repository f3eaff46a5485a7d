/**
 * The ServiceMeshControlPlane reconciler, after Maistra's operator (2.5): a control plane
 * installs its components group by group (istio-discovery, mesh-config, gateways),
 * pausing until each group's Deployments are Available, then prunes what it no longer
 * renders; status says where it is (ResourceCreated → PausingInstall → InstallSuccessful /
 * ComponentsReady; on a spec change SpecUpdated → PausingUpdate → UpdateSuccessful).
 *
 * Level-triggered: every pass recomputes the desired objects from the spec and writes
 * only what differs. The one piece of memory is which generation a pass in progress
 * works on (Maistra keeps the same in its per-instance reconciler): a spec change during
 * an installation restarts it, as in Maistra; after a restart the pass resumes.
 */
import type { Fields } from '../../../api/mesh/fields.ts';
import type { KubeObject } from '../../../api/object.ts';
import { SMCP_REASON as R } from '../../../api/mesh/conditions.ts';
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { ensureMeshCa } from '../../../mesh/pki/ca-secrets.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { getCondition, setCondition } from '../shared/conditions.ts';
import { DEPLOYMENT, IGNORE_NAMESPACE_LABEL, MEMBER_OF_LABEL, NAMESPACE, OWNER_LABEL, OWNER_NAME_LABEL, involved } from '../shared/meta.ts';
import { deleteIfPresent, ensureObject, hasFinalizer, setFinalizer, writeStatus } from '../shared/objects.ts';
import { appliedSpecOf } from './resources/applied-spec.ts';
import { appliedValuesOf } from './resources/applied-values.ts';
import { OWNED_KINDS, componentsOf } from './resources/components.ts';
import { DISCOVERY } from './resources/istiod.ts';
import { type MeshSettings, meshSettingsOf } from './resources/settings.ts';
import {
  ALWAYS_READY_COMPONENTS, type ControlPlaneStatus, type StatusEvent, alwaysReadyOf, componentProcessed, componentReadiness, controlPlaneProcessed, initializeComponents,
  initializeReconcileStatus, isFullyReconciled, isUpdating, pausedMessage, postReconciliation, reconciledVersionOf, statusOf, updateReadiness,
} from './resources/status.ts';
import { OPERATOR_VERSION, ignoresOwnNamespace } from './resources/versions.ts';

/** How often a reconciled control plane re-checks its CA (istiod's rotator checks hourly). */
export const RECHECK_MS = 3_600_000;

export interface ControlPlaneDeps {
  client: Client;
  events: EventRecorder;
  log: Logger;
  controlPlane(key: string): KubeObject | undefined;
  controlPlanesIn(namespace: string): KubeObject[];
  /** Key → the generation a pass in progress works on. */
  inProgress: Map<string, number>;
  now(): Date;
}

export async function reconcileControlPlane(deps: ControlPlaneDeps, key: string): Promise<ReconcileResult> {
  const smcp = deps.controlPlane(key);
  if (!smcp) {
    deps.inProgress.delete(key);
    return;
  }
  if (smcp.metadata.deletionTimestamp) {
    deps.inProgress.delete(key);
    if (hasFinalizer(smcp)) await finalize(deps, smcp);
    return;
  }
  if (!hasFinalizer(smcp)) {
    await setFinalizer(deps.client, smcp, true);
    return;
  }
  const now = deps.now();
  const status = statusOf(smcp);
  const generation = smcp.metadata.generation ?? 1;
  const emit = (e: StatusEvent | undefined) => {
    if (e) deps.events.event(involved(smcp), e.type, e.reason, e.message);
  };

  const earliest = earliestOf(deps.controlPlanesIn(smcp.metadata.namespace!));
  if (earliest && earliest.metadata.uid !== smcp.metadata.uid) {
    emit(postReconciliation(status, R.ErrMultipleSMCPs, 'reconciliation skipped', 'multiple ServiceMeshControlPlane resources exist in the namespace', now));
    emit(updateReadiness(status, { ready: new Set(), unready: new Set() }, now));
    await writeStatus(deps.client, smcp, status as unknown as Fields);
    return;
  }

  if (isFullyReconciled(status, generation, OPERATOR_VERSION)) {
    // Installed: keep the objects converged (someone may have edited or deleted one) and track readiness.
    const applied = appliedSpecOf((smcp.spec ?? {}) as Fields);
    if (applied.ok) {
      const settings = settingsFor(smcp, applied.appliedSpec);
      try {
        await ensureMeshCaFor(deps, smcp, settings);
      } catch (err) {
        // A CA Secret broken after installation: say so (the next spec change reports it in the
        // conditions); the namespaces keep the last good root meanwhile.
        if (!isSkiffError(err, 'SKF_MESH_CA_INVALID')) throw err;
        deps.events.event(involved(smcp), 'Warning', 'CAInvalid', err.message);
      }
      for (const group of componentsOf(settings)) for (const c of group) for (const o of c.objects) await ensureObject(deps.client, o);
    }
    emit(updateReadiness(status, await readinessOf(deps.client, smcp, status), now));
    await writeStatus(deps.client, smcp, status as unknown as Fields);
    return { requeueAfterMs: RECHECK_MS };
  }

  const working = deps.inProgress.get(key);
  if (getCondition(status.conditions, 'Reconciled').status !== 'False' || (working !== undefined && working !== generation)) {
    emit(initializeReconcileStatus(status, generation, OPERATOR_VERSION, now));
    deps.inProgress.set(key, generation);
    await writeStatus(deps.client, smcp, status as unknown as Fields);
    return;
  }
  deps.inProgress.set(key, generation);
  const outcome = await install(deps, smcp, status, now, emit);
  if (outcome.finished) deps.inProgress.delete(key);
  emit(postReconciliation(status, outcome.reason, outcome.message, outcome.error, now));
  emit(updateReadiness(status, await readinessOf(deps.client, smcp, status), now));
  await writeStatus(deps.client, smcp, status as unknown as Fields);
  return;
}

interface PassOutcome {
  reason: string;
  message: string;
  error?: string;
  finished: boolean;
}

/** One installation pass: render, label the mesh namespace, apply the groups in order, prune. */
async function install(deps: ControlPlaneDeps, smcp: KubeObject, status: ControlPlaneStatus, now: Date, emit: (e: StatusEvent | undefined) => void): Promise<PassOutcome> {
  const fail = (reason: string, message: string, err: unknown): PassOutcome => {
    const error = errorText(err);
    controlPlaneProcessed(status, error, now);
    return { reason, message, error, finished: false };
  };
  status.annotations = { ...(status.annotations ?? {}), [ALWAYS_READY_COMPONENTS]: '' };
  const applied = appliedSpecOf((smcp.spec ?? {}) as Fields);
  if (!applied.ok) return fail(R.ReconcileError, 'Error rendering helm charts', applied.message);
  const settings = settingsFor(smcp, applied.appliedSpec);
  status.appliedSpec = applied.appliedSpec;
  status.appliedValues = appliedValuesOf(settings, applied.appliedSpec.profiles as string[]);

  try {
    await labelMeshNamespace(deps.client, settings);
  } catch (err) {
    return fail(R.ReconcileError, 'Error updating labels on mesh namespace', err);
  }

  const groups = componentsOf(settings);
  initializeComponents(status, groups.flat().map((c) => c.name), now);
  for (const group of groups) {
    const waiting: string[] = [];
    for (const component of group) {
      try {
        if (component.name === DISCOVERY) await ensureMeshCaFor(deps, smcp, settings);
        for (const obj of component.objects) await ensureObject(deps.client, obj);
        componentProcessed(status, component.name, undefined, now);
      } catch (err) {
        componentProcessed(status, component.name, errorText(err), now);
        return fail(R.ReconcileError, `Error processing component ${component.name}`, err);
      }
      if (component.hasReadiness) waiting.push(component.name);
      else {
        const always = alwaysReadyOf(status);
        status.annotations = { ...status.annotations, [ALWAYS_READY_COMPONENTS]: [...always, component.name].join(',') };
      }
    }
    if (waiting.length > 0) {
      const { ready } = await readinessOf(deps.client, smcp, status);
      const notReady = waiting.filter((c) => !ready.has(c));
      if (notReady.length > 0) {
        const message = pausedMessage(notReady);
        const reason = isUpdating(status) ? R.PausingUpdate : R.PausingInstall;
        emit({ type: 'Normal', reason, message });
        return { reason, message, finished: false };
      }
    }
  }

  emit({ type: 'Normal', reason: 'Pruning', message: 'Pruning obsolete resources' });
  try {
    await prune(deps.client, settings, groups.flat().flatMap((c) => c.objects));
  } catch (err) {
    return fail(R.ReconcileError, 'Error pruning obsolete resources', err);
  }
  let reason: string;
  let message: string;
  if (isUpdating(status)) {
    reason = R.UpdateSuccessful;
    message = `Successfully updated from version ${reconciledVersionOf(status)} to version ${settings.meshGeneration}`;
    emit({ type: 'Normal', reason: 'Updated', message });
  } else {
    reason = R.InstallSuccessful;
    message = `Successfully installed version ${settings.meshGeneration}`;
    emit({ type: 'Normal', reason: 'Installed', message });
  }
  status.observedGeneration = settings.generation;
  status.operatorVersion = OPERATOR_VERSION;
  status.chartVersion = settings.chartVersion;
  controlPlaneProcessed(status, undefined, now);
  return { reason, message, finished: true };
}

function settingsFor(smcp: KubeObject, appliedSpec: Fields): MeshSettings {
  return meshSettingsOf({ namespace: smcp.metadata.namespace!, name: smcp.metadata.name!, uid: smcp.metadata.uid!, generation: smcp.metadata.generation ?? 1 }, appliedSpec);
}

async function ensureMeshCaFor(deps: ControlPlaneDeps, smcp: KubeObject, s: MeshSettings): Promise<void> {
  const { change } = await ensureMeshCa(deps.client, s.meshNamespace, s.trustDomain, deps.now());
  if (change === 'created') deps.events.event(involved(smcp), 'Normal', 'CACreated', `Created the mesh CA (self-signed root and issuing intermediate) in Secret ${s.meshNamespace}/istio-ca-secret`);
  if (change === 'renewed') deps.events.event(involved(smcp), 'Normal', 'CARenewed', `Re-issued the mesh CA's intermediate in Secret ${s.meshNamespace}/istio-ca-secret`);
}

/** Readiness of the mesh's components from its Deployments (read live, not from a cache: the pass just wrote them). */
async function readinessOf(client: Client, smcp: KubeObject, status: ControlPlaneStatus): Promise<{ ready: Set<string>; unready: Set<string> }> {
  const list = await client.list(DEPLOYMENT, { namespace: smcp.metadata.namespace!, labelSelector: `${OWNER_LABEL}=${smcp.metadata.namespace}` });
  return componentReadiness(list.items, alwaysReadyOf(status));
}

async function labelMeshNamespace(client: Client, s: MeshSettings): Promise<void> {
  const labels: Record<string, string | null> = { [MEMBER_OF_LABEL]: s.meshNamespace };
  if (ignoresOwnNamespace(s.version)) labels[IGNORE_NAMESPACE_LABEL] = 'ignore';
  await patchNamespaceLabels(client, s.meshNamespace, labels);
}

async function patchNamespaceLabels(client: Client, namespace: string, labels: Record<string, string | null>): Promise<void> {
  const ns = await client.get(NAMESPACE, undefined, namespace);
  if (!ns) return;
  const current = ns.metadata.labels ?? {};
  const needed = Object.entries(labels).some(([k, v]) => (v === null ? k in current : current[k] !== v));
  if (needed) await client.patch(NAMESPACE, undefined, namespace, 'merge', { metadata: { labels } });
}

/** Deletes what this control plane installed and no longer renders. */
async function prune(client: Client, s: MeshSettings, desired: readonly KubeObject[]): Promise<void> {
  const keep = new Set(desired.map((o) => `${o.kind}/${o.metadata.name}`));
  for (const type of OWNED_KINDS) {
    const list = await client.list(type, { namespace: s.meshNamespace, labelSelector: `${OWNER_LABEL}=${s.meshNamespace},${OWNER_NAME_LABEL}=${s.revision}` });
    for (const obj of list.items) if (!keep.has(`${type.kind}/${obj.metadata.name}`)) await deleteIfPresent(client, type, s.meshNamespace, obj.metadata.name!);
  }
}

/** Deleting a control plane: say so, remove what it installed and its mesh-namespace labels, release the finalizer. */
async function finalize(deps: ControlPlaneDeps, smcp: KubeObject): Promise<void> {
  const status = statusOf(smcp);
  const reconciled = getCondition(status.conditions, 'Reconciled');
  if (reconciled.status !== 'False' || reconciled.reason !== 'Deleting') {
    const now = deps.now();
    status.conditions = setCondition(status.conditions, { type: 'Reconciled', status: 'False', reason: 'Deleting', message: 'Deleting service mesh' }, now);
    status.conditions = setCondition(status.conditions, { type: 'Ready', status: 'False', reason: 'Deleting', message: 'Deleting service mesh' }, now);
    deps.events.event(involved(smcp), 'Normal', 'Deleting', 'Deleting service mesh');
    await writeStatus(deps.client, smcp, status as unknown as Fields);
    return;
  }
  const namespace = smcp.metadata.namespace!;
  for (const type of OWNED_KINDS) {
    const list = await deps.client.list(type, { namespace, labelSelector: `${OWNER_LABEL}=${namespace},${OWNER_NAME_LABEL}=${smcp.metadata.name}` });
    for (const obj of list.items) await deleteIfPresent(deps.client, type, namespace, obj.metadata.name!);
  }
  await patchNamespaceLabels(deps.client, namespace, { [MEMBER_OF_LABEL]: null, [IGNORE_NAMESPACE_LABEL]: null }).catch((err: unknown) => {
    if (!isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
  });
  deps.events.event(involved(smcp), 'Normal', 'Deleted', 'Successfully deleted service mesh resources');
  await setFinalizer(deps.client, smcp, false);
}

/** The control plane that owns its namespace: the oldest, then the first by name (getEarliestSMCPInNamespace). */
export function earliestOf(planes: readonly KubeObject[]): KubeObject | undefined {
  let earliest: KubeObject | undefined;
  for (const p of planes) {
    if (!earliest) earliest = p;
    else {
      const a = p.metadata.creationTimestamp ?? '';
      const b = earliest.metadata.creationTimestamp ?? '';
      if (a < b || (a === b && (p.metadata.name ?? '') < (earliest.metadata.name ?? ''))) earliest = p;
    }
  }
  return earliest;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
