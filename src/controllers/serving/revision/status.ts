/**
 * A Revision's status from what it owns (knative/serving 1.15 pkg/reconciler/revision
 * reconcile_resources.go and pkg/apis/serving/v1/revision_lifecycle.go), pure:
 *
 * - ResourcesAvailable follows the Deployment (Progressing, ReplicaFailure), then the
 *   PodAutoscaler: True once the PA has initialised its scale target and named its service.
 * - ContainerHealthy turns False when a pod of a revision with no available replica shows a
 *   crashed user container (`ExitCode<N>`) or an image that cannot be pulled
 *   (`ContainerMissing`); a pod that cannot be scheduled makes ResourcesAvailable False.
 * - Active mirrors the PA's Ready (informational: a revision scaled to zero stays Ready).
 * - actualReplicas/desiredReplicas come from the PA's actualScale/desiredScale.
 */
import type { Condition, KubeObject } from '../../../api/object.ts';
import { CONDITION_SETS, RevisionConditions as RC, type ConditionSet } from '../../../api/knative/conditions.ts';
import { KnativeConditions } from '../shared/conditions.ts';
import { QUEUE_CONTAINER_NAME } from './resources/meta.ts';
import { containersOf } from './resources/revision-view.ts';

const REVISION_SET = CONDITION_SETS['Revision.serving.knative.dev']!;
/** serving.TransformDeploymentStatus's private set. */
const DEPLOYMENT_SET: ConditionSet = { happy: 'Ready', dependents: ['Progressing', 'ReplicaSetReady'], informational: [] };

export const REASON = {
  deploying: 'Deploying',
  notOwned: 'NotOwned',
  progressDeadlineExceeded: 'ProgressDeadlineExceeded',
  containerMissing: 'ContainerMissing',
} as const;

const IMAGE_PULL_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

export interface DeploymentView extends KubeObject {
  spec?: { replicas?: number };
  status?: { availableReplicas?: number; readyReplicas?: number; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
}

interface ContainerState {
  waiting?: { reason?: string; message?: string };
  terminated?: { exitCode?: number; message?: string; reason?: string };
}

export interface PodView extends KubeObject {
  spec?: { containers?: Array<{ name: string; image?: string }> };
  status?: {
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
    containerStatuses?: Array<{ name: string; image?: string; imageID?: string; state?: ContainerState; lastState?: ContainerState }>;
  };
}

export interface PodAutoscalerStatus {
  serviceName?: string;
  actualScale?: number;
  desiredScale?: number;
  conditions?: Condition[];
}

/** What the reconciler found; `notOwned` names an object in the way that the revision does not control. */
export interface RevisionObservation {
  deployment?: DeploymentView;
  /** True when the Deployment was created in this pass. */
  deploymentCreated?: boolean;
  pods: PodView[];
  pa?: { status?: PodAutoscalerStatus };
  notOwned?: { kind: string; name: string };
}

export const notOwnedMessage = (kind: string, name: string): string => `There is an existing ${kind} "${name}" that we do not own.`;
export const exitingMessage = (message: string): string => `Container failed with: ${message}`;
export const missingImageMessage = (image: string, message: string): string => `Unable to fetch image "${image}": ${message}`;

/** TransformDeploymentStatus → PropagateDeploymentStatus. */
export function propagateDeploymentStatus(conds: KnativeConditions, deployment: DeploymentView): void {
  const d = new KnativeConditions(DEPLOYMENT_SET, []).initialize().markTrue('ReplicaSetReady').markUnknown('Progressing', REASON.deploying, '');
  for (const want of ['Progressing', 'ReplicaFailure']) {
    for (const c of deployment.status?.conditions ?? []) {
      if (c.type !== want) continue;
      if (want === 'Progressing') {
        if (c.status === 'True') d.markTrue('Progressing');
        else if (c.status === 'False') d.markFalse('Progressing', c.reason ?? '', c.message ?? '');
        else d.markUnknown('Progressing', c.reason ?? '', c.message ?? '');
      } else if (c.status === 'True') d.markFalse('ReplicaSetReady', c.reason ?? '', c.message ?? '');
      else if (c.status === 'False') d.markTrue('ReplicaSetReady');
      else d.markUnknown('ReplicaSetReady', c.reason ?? '', c.message ?? '');
    }
  }
  const ready = d.get('Ready')!;
  if (ready.status === 'True') conds.markTrue(RC.ResourcesAvailable);
  else if (ready.status === 'False') conds.markFalse(RC.ResourcesAvailable, ready.reason ?? '', ready.message ?? '');
  else conds.markUnknown(RC.ResourcesAvailable, ready.reason ?? '', ready.message ?? '');
}

function deploymentTimedOut(deployment: DeploymentView): boolean {
  return (deployment.status?.conditions ?? []).some((c) => c.type === 'Progressing' && c.status === 'False' && c.reason === REASON.progressDeadlineExceeded);
}

/**
 * The ContainerMissing message: the pull's error. Between pulls the kubelet says only
 * `Back-off pulling image "…"`; upstream's message is the resolver's error and stays put while
 * it retries, so a back-off keeps the error already reported for this image (no flapping
 * status, no write per back-off).
 */
function pullFailureMessage(conds: KnativeConditions, image: string, waiting: { reason?: string; message?: string }): string {
  const reported = conds.get(RC.ContainerHealthy);
  const prefix = missingImageMessage(image, '');
  if (waiting.reason === 'ImagePullBackOff' && reported?.status === 'False' && reported.reason === REASON.containerMissing && reported.message?.startsWith(prefix)) {
    return reported.message;
  }
  return missingImageMessage(image, `failed to resolve image to digest: ${waiting.message || waiting.reason}`);
}

/** Why a revision that wants pods has none available, read off its first pod. */
export function diagnosePods(conds: KnativeConditions, deployment: DeploymentView, pods: readonly PodView[]): void {
  if ((deployment.spec?.replicas ?? 0) <= 0 || (deployment.status?.availableReplicas ?? 0) > 0) return;
  const pod = pods[0];
  if (!pod) return;
  const unschedulable = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unschedulable) conds.markFalse(RC.ResourcesAvailable, unschedulable.reason ?? '', unschedulable.message ?? '');
  for (const status of pod.status?.containerStatuses ?? []) {
    if (status.name === QUEUE_CONTAINER_NAME) continue;
    const t = status.lastState?.terminated;
    const w = status.state?.waiting;
    if (t) {
      const code = t.exitCode ?? 0;
      conds.markFalse(RC.ContainerHealthy, `ExitCode${code}`, exitingMessage(code === 0 && !t.message ? 'container exited with no error' : t.message ?? ''));
      return;
    }
    if (w && IMAGE_PULL_FAILURES.has(w.reason ?? '')) {
      // Upstream resolves image digests before deploying; here the kubelet's pull is that resolution.
      const image = pod.spec?.containers?.find((c) => c.name === status.name)?.image ?? status.image ?? '';
      conds.markFalse(RC.ContainerHealthy, REASON.containerMissing, pullFailureMessage(conds, image, w));
      return;
    }
    if (w && deploymentTimedOut(deployment)) {
      conds.markFalse(RC.ResourcesAvailable, w.reason ?? '', w.message ?? '');
      return;
    }
  }
}

/** PropagateAutoscalerStatus; returns the replica counts to publish. */
export function propagateAutoscalerStatus(conds: KnativeConditions, pa: PodAutoscalerStatus): { actualReplicas?: number; desiredReplicas?: number } {
  const resUnavailable = conds.get(RC.ResourcesAvailable)?.status === 'False' || conds.get(RC.ContainerHealthy)?.status === 'False';
  const replicas = {
    ...(typeof pa.actualScale === 'number' && pa.actualScale >= 0 ? { actualReplicas: pa.actualScale } : {}),
    ...(typeof pa.desiredScale === 'number' && pa.desiredScale >= 0 ? { desiredReplicas: pa.desiredScale } : {}),
  };
  const ready = pa.conditions?.find((c) => c.type === 'Ready');
  if (!ready) {
    conds.markUnknown(RC.Active, REASON.deploying, '');
    if (!resUnavailable) conds.markUnknown(RC.ResourcesAvailable, REASON.deploying, '');
    return replicas;
  }
  const initialized = pa.conditions?.find((c) => c.type === 'ScaleTargetInitialized')?.status === 'True';
  if (initialized && !resUnavailable) {
    conds.markTrue(RC.ResourcesAvailable);
    conds.markTrue(RC.ContainerHealthy);
  }
  if (conds.isTrue(RC.ResourcesAvailable) && !pa.serviceName) conds.markUnknown(RC.ResourcesAvailable, REASON.deploying, '');
  if (ready.status === 'Unknown') conds.markUnknown(RC.Active, ready.reason ?? '', ready.message ?? '');
  else if (ready.status === 'False') {
    if (!initialized && !resUnavailable && pa.serviceName) conds.markFalse(RC.ResourcesAvailable, REASON.progressDeadlineExceeded, 'Initial scale was never achieved');
    conds.markFalse(RC.Active, ready.reason ?? '', ready.message ?? '');
  } else conds.markTrue(RC.Active);
  return replicas;
}

/**
 * status.containerStatuses: each container's image digest. An image named by digest is its
 * own digest; otherwise the digest the kubelet reports once a pod has pulled it.
 */
export function containerStatusesOf(rev: KubeObject, pods: readonly PodView[]): Array<{ name: string; imageDigest?: string }> {
  return containersOf(rev).map((c) => {
    const name = typeof c.name === 'string' ? c.name : '';
    const image = typeof c.image === 'string' ? c.image : '';
    if (image.includes('@sha256:')) return { name, imageDigest: image };
    const imageID = pods.flatMap((p) => p.status?.containerStatuses ?? []).find((s) => s.name === name && s.imageID)?.imageID;
    return imageID ? { name, imageDigest: imageID.replace(/^docker-pullable:\/\//, '') } : { name };
  });
}

/** The whole status a reconcile pass writes. */
export function revisionStatus(rev: KubeObject, seen: RevisionObservation, now: () => Date = () => new Date()): Record<string, unknown> {
  const previous = (rev.status ?? {}) as { conditions?: Condition[] };
  const conds = new KnativeConditions(REVISION_SET, previous.conditions, now).initialize();
  let replicas: { actualReplicas?: number; desiredReplicas?: number } = {};
  if (seen.notOwned) {
    conds.markFalse(RC.ResourcesAvailable, REASON.notOwned, notOwnedMessage(seen.notOwned.kind, seen.notOwned.name));
  } else if (seen.deploymentCreated || !seen.deployment) {
    conds.markUnknown(RC.ResourcesAvailable, REASON.deploying, '');
    conds.markUnknown(RC.ContainerHealthy, REASON.deploying, '');
  } else {
    propagateDeploymentStatus(conds, seen.deployment);
    diagnosePods(conds, seen.deployment, seen.pods);
    if ((seen.deployment.status?.readyReplicas ?? 0) > 0) conds.markTrue(RC.ContainerHealthy);
  }
  if (!seen.notOwned && seen.pa) replicas = propagateAutoscalerStatus(conds, seen.pa.status ?? {});
  const containerStatuses = containerStatusesOf(rev, seen.pods);
  return {
    ...(rev.metadata.generation !== undefined ? { observedGeneration: rev.metadata.generation } : {}),
    conditions: conds.list,
    ...replicas,
    containerStatuses,
  };
}
