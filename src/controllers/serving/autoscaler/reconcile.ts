/**
 * Reconciles one KPA-class PodAutoscaler (knative/serving pkg/reconciler/autoscaling/kpa
 * kpa.go ReconcileKind): the SKS (Proxy with two activators until it names its private
 * Service), the revision's decider, the scale written to the Deployment, the SKS mode and
 * activator count, and the PA status.
 */
import type { Condition, KubeObject } from '../../../api/object.ts';
import { CONDITION_SETS } from '../../../api/knative/conditions.ts';
import { KPA_CLASS } from '../../../api/knative/serving/keys.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import type { Client } from '../../../client/types.ts';
import type { Logger } from '../../../util/log.ts';
import { ensureObject, writeStatus } from '../../shared/objects.ts';
import { KnativeConditions } from '../shared/conditions.ts';
import type { AutoscalerConfig } from './config.ts';
import { MIN_ACTIVATORS, numActivators } from './decider.ts';
import type { PodCounts } from './pods.ts';
import { RevisionScaler } from './revision-scaler.ts';
import { planScale, type ScalePlan } from './scaler.ts';
import { makeSks, type ServerlessService } from './sks.ts';
import { activeState, activeThreshold, computeActiveCondition, NO_PRIVATE_SERVICE_NAME, proxyForMs, sksMode } from './status.ts';
import { paClass, type PodAutoscalerLike, revisionScalingSpec, scaleBounds } from './spec.ts';

export interface PodAutoscaler extends PodAutoscalerLike {
  status?: {
    conditions?: Condition[];
    desiredScale?: number;
    actualScale?: number;
    serviceName?: string;
    metricsServiceName?: string;
    observedGeneration?: number;
    [field: string]: unknown;
  };
}

export interface KpaContext {
  client: Client;
  log: Logger;
  now: () => Date;
  config(): AutoscalerConfig;
  podAutoscaler(key: string): PodAutoscaler | undefined;
  serverlessService(key: string): ServerlessService | undefined;
  /** Pod counts of the revision (pods labelled serving.knative.dev/revision=<name>). */
  podCounts(namespace: string, revision: string): PodCounts;
  /** The running deciders, by `<ns>/<name>`. */
  scalers: Map<string, RevisionScaler>;
  activatorInPath(namespace: string, serviceName: string): Promise<boolean>;
}

const PA_CONDITIONS = CONDITION_SETS['PodAutoscaler.autoscaling.internal.knative.dev']!;
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;

export function isKpa(pa: KubeObject): boolean {
  return paClass(pa) === KPA_CLASS;
}

export async function reconcilePodAutoscaler(ctx: KpaContext, key: string): Promise<ReconcileResult> {
  const pa = ctx.podAutoscaler(key);
  if (!pa || !isKpa(pa)) {
    ctx.scalers.delete(key); // ObserveDeletion: the decider and its metrics go
    return;
  }
  if (pa.metadata.deletionTimestamp) return;
  const now = ctx.now();
  const nowMs = now.getTime();
  const config = ctx.config();
  const conds = new KnativeConditions(PA_CONDITIONS, pa.status?.conditions, ctx.now).initialize();
  // serviceName and metricsServiceName are required by the schema (upstream never omits them).
  const status: NonNullable<PodAutoscaler['status']> = { serviceName: '', metricsServiceName: '', ...(pa.status ?? {}) };
  const spec = revisionScalingSpec(pa, config);
  const { min } = scaleBounds(pa, config);
  const minReady = () => activeThreshold(min, spec.initialScale, conds.isTrue('ScaleTargetInitialized'));
  const finish = async (want: number, counts: PodCounts, requeueAfterMs?: number): Promise<ReconcileResult> => {
    status.actualScale = counts.ready;
    // After an autoscaler restart want is -1 for a moment: keep the known desired scale.
    if (!(want === -1 && status.desiredScale !== undefined && status.desiredScale >= 0)) status.desiredScale = want;
    computeActiveCondition(conds, { want, ready: counts.ready }, minReady(), status.serviceName ?? '');
    status.conditions = conds.list;
    status.observedGeneration = pa.metadata.generation;
    await writeStatus(ctx.client, pa, status);
    return requeueAfterMs !== undefined ? { requeueAfterMs: Math.max(1, Math.ceil(requeueAfterMs)) } : undefined;
  };

  let sks = ctx.serverlessService(key);
  if (!sks?.status?.privateServiceName) {
    // Until the SKS names its private Service there is nothing to scrape: activator in path.
    await ensureObject(ctx.client, makeSks(pa, 'Proxy', MIN_ACTIVATORS));
    conds.markUnknown('SKSReady', 'NotReady', NO_PRIVATE_SERVICE_NAME);
    return finish(-1, { ready: 0, notReady: 0, pending: 0, terminating: 0 });
  }
  status.metricsServiceName = sks.status.privateServiceName;

  const revision = pa.metadata.name!;
  const counts = ctx.podCounts(pa.metadata.namespace!, revision);
  let scaler = ctx.scalers.get(key);
  if (!scaler) {
    scaler = new RevisionScaler(spec, counts.ready, nowMs);
    ctx.scalers.set(key, scaler);
  } else {
    scaler.update(spec);
  }
  const decision = scaler.decision;

  const { active, sinceMs } = activeState(conds, nowMs);
  const planInput = {
    spec, desired: decision.desiredScale, active, activeSinceMs: sinceMs, scaleTargetInitialized: conds.isTrue('ScaleTargetInitialized'),
    sksMode: sks.spec.mode, proxyForMs: proxyForMs(sks.status.conditions, nowMs), activatorInPath: undefined as boolean | undefined, nowMs,
  };
  let plan: ScalePlan = planScale(planInput);
  if (plan.needsProbe) {
    planInput.activatorInPath = await ctx.activatorInPath(pa.metadata.namespace!, sks.status.serviceName ?? '');
    plan = planScale(planInput);
  }
  if (plan.apply) await applyScale(ctx, pa, plan.want);

  const mode = sksMode(plan.want, decision.excessBurstCapacity, active === 'False');
  const activators = numActivators(counts.ready, spec);
  await ensureObject(ctx.client, makeSks(pa, mode, activators));
  sks = ctx.serverlessService(key) ?? sks;
  status.serviceName = sks.status?.serviceName ?? status.serviceName;
  const sksReady = sks.status?.conditions?.find((c) => c.type === 'Ready');
  if (sksReady?.status === 'True') conds.markTrue('SKSReady');
  else conds.markUnknown('SKSReady', 'NotReady', sksReady?.message ?? '');
  ctx.log.debug({ pa: key, want: plan.want, ready: counts.ready, desired: decision.desiredScale, ebc: decision.excessBurstCapacity, mode, activators }, 'PodAutoscaler reconciled');
  return finish(plan.want, counts, plan.requeueAfterMs);
}

/** Writes the Deployment's replicas when they differ (upstream patches the scale subresource). */
async function applyScale(ctx: KpaContext, pa: PodAutoscaler, want: number): Promise<void> {
  const ref = pa.spec?.scaleTargetRef;
  if (!ref?.name) return;
  const target = { apiVersion: ref.apiVersion ?? DEPLOYMENT.apiVersion, kind: ref.kind ?? DEPLOYMENT.kind };
  const live = await ctx.client.get<KubeObject & { spec?: { replicas?: number } }>(target, pa.metadata.namespace, ref.name);
  if (!live) return;
  const current = live.spec?.replicas ?? 1;
  if (current === want) return;
  ctx.log.info({ pa: `${pa.metadata.namespace}/${pa.metadata.name}`, from: current, to: want }, 'scaling');
  await ctx.client.patch(target, pa.metadata.namespace, ref.name, 'merge', { spec: { replicas: want } });
}
