/**
 * The ServerlessService reconciler (knative/serving 1.15 pkg/reconciler/serverlessservice):
 * the private Service first (it selects the pods of the SKS's scale target, a Deployment),
 * then the public Service, then the public Endpoints: the pods' ready addresses in Serve mode,
 * a few activators in Proxy mode. The Endpoints object is written here, not by the Endpoints
 * controller (the public Service has no selector); EndpointSlices follow through mirroring.
 */
import type { Condition, KubeObject } from '../../../api/object.ts';
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import type { Logger } from '../../../util/log.ts';
import { contains, ensureObject, sameJson, writeStatus } from '../../shared/objects.ts';
import type { KnativeConditions } from '../shared/conditions.ts';
import { KINDS, SERVING_NAMESPACE } from '../shared/contracts.ts';
import { type EndpointsView, type Mode, planPublicEndpoints } from './resources/endpoints.ts';
import { type ServerlessService, makePrivateService, makePublicEndpoints, makePublicService, privateServiceName } from './resources/services.ts';
import { markEndpointsNotOwned, markEndpointsNotReady, markEndpointsOutcome, sksConditions } from './status.ts';

export const ACTIVATOR_SERVICE = 'activator-service';
/** How soon to look again when an input (the Deployment, the private Endpoints) is not there yet. */
const RETRY_MS = 1000;

export interface ServerlessServiceDeps {
  client: Client;
  log: Logger;
  sks(key: string): ServerlessService | undefined;
  service(key: string): KubeObject | undefined;
  endpoints(key: string): (KubeObject & EndpointsView) | undefined;
  deployment(key: string): KubeObject | undefined;
  now?(): Date;
}

type Step = 'done' | 'stop';

const isControlledBy = (obj: KubeObject, owner: KubeObject): boolean =>
  (obj.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === owner.metadata.uid);

async function live(deps: ServerlessServiceDeps, cached: KubeObject | undefined, type: { apiVersion: string; kind: string }, ns: string, name: string): Promise<KubeObject | undefined> {
  return cached ?? deps.client.get(type, ns, name);
}

async function create(client: Client, obj: KubeObject): Promise<void> {
  try {
    await client.create(obj);
  } catch (err) {
    // Created meanwhile; the next pass sees it.
    if (!isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) throw err;
  }
}

/** Ensures a Service the SKS owns; `creating`/`updating` are the EndpointsPopulated reasons while it does. */
async function reconcileService(deps: ServerlessServiceDeps, sks: ServerlessService, desired: KubeObject, conds: KnativeConditions, creating: string, updating?: string): Promise<Step> {
  const ns = sks.metadata.namespace!;
  const name = desired.metadata.name!;
  const svc = await live(deps, deps.service(`${ns}/${name}`), KINDS.k8sService, ns, name);
  if (!svc) {
    markEndpointsNotReady(conds, creating);
    await create(deps.client, desired);
    return 'done';
  }
  if (!isControlledBy(svc, sks)) {
    markEndpointsNotOwned(conds, 'Service', name);
    return 'stop';
  }
  if (!contains(svc.spec, desired.spec)) {
    if (updating) markEndpointsNotReady(conds, updating);
    await ensureObject(deps.client, desired);
  }
  return 'done';
}

/** The scale target's pod selector (the private Service selects what the Deployment runs). */
function selectorOf(deps: ServerlessServiceDeps, sks: ServerlessService): Record<string, string> | undefined {
  const ref = sks.spec?.objectRef;
  if (!ref?.name) return undefined;
  const target = deps.deployment(`${sks.metadata.namespace}/${ref.name}`);
  return (target?.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels;
}

async function reconcilePublicEndpoints(deps: ServerlessServiceDeps, sks: ServerlessService, conds: KnativeConditions, privateEps: EndpointsView): Promise<Step> {
  const ns = sks.metadata.namespace!;
  const name = sks.metadata.name!;
  const mode: Mode = sks.spec?.mode === 'Proxy' ? 'Proxy' : 'Serve';
  // A cluster without the activator yet simply has none to proxy through (upstream fails the pass).
  const activatorEps = deps.endpoints(`${SERVING_NAMESPACE}/${ACTIVATOR_SERVICE}`);
  const plan = planPublicEndpoints({ name, mode, numActivators: sks.spec?.numActivators ?? 0 }, privateEps, activatorEps);
  const desired = makePublicEndpoints(sks, plan.subsets);
  const eps = await live(deps, deps.endpoints(`${ns}/${name}`), KINDS.endpoints, ns, name);
  if (!eps) {
    markEndpointsNotReady(conds, 'CreatingPublicEndpoints');
    await create(deps.client, desired);
  } else if (!isControlledBy(eps, sks)) {
    markEndpointsNotOwned(conds, 'Endpoints', name);
    return 'stop';
  } else if (!sameJson(eps.subsets ?? [], desired.subsets ?? [])) {
    const next: KubeObject = { ...eps, metadata: { ...eps.metadata, labels: { ...(eps.metadata.labels ?? {}), ...desired.metadata.labels } } };
    if (desired.subsets) next.subsets = desired.subsets;
    else delete next.subsets;
    await deps.client.update(next);
    deps.log.debug({ sks: `${ns}/${name}`, mode: plan.mode }, 'public endpoints updated');
  }
  markEndpointsOutcome(conds, plan, mode);
  return 'done';
}

export async function reconcileServerlessService(deps: ServerlessServiceDeps, key: string): Promise<ReconcileResult> {
  const sks = deps.sks(key);
  if (!sks || sks.metadata.deletionTimestamp) return;
  const ns = sks.metadata.namespace!;
  const previous = (sks.status ?? {}) as { conditions?: Condition[]; serviceName?: string; privateServiceName?: string };
  const conds = sksConditions(previous.conditions, deps.now);
  const status: Record<string, unknown> = { ...previous };
  const finish = async (result: ReconcileResult): Promise<ReconcileResult> => {
    status.conditions = conds.list;
    if (sks.metadata.generation !== undefined) status.observedGeneration = sks.metadata.generation;
    await writeStatus(deps.client, sks, status);
    return result;
  };

  const selector = selectorOf(deps, sks);
  if (!selector) return finish({ requeueAfterMs: RETRY_MS });
  const privateName = privateServiceName(sks.metadata.name!);
  if (await reconcileService(deps, sks, makePrivateService(sks, selector), conds, 'CreatingPrivateService', 'UpdatingPrivateService') === 'stop') return finish(undefined);
  status.privateServiceName = privateName;
  if (await reconcileService(deps, sks, makePublicService(sks), conds, 'CreatingPublicService') === 'stop') return finish(undefined);
  status.serviceName = sks.metadata.name;

  const privateEps = deps.endpoints(`${ns}/${privateName}`);
  // The Endpoints controller has not written the private Service's Endpoints yet; it wakes us when it does.
  if (!privateEps) return finish({ requeueAfterMs: RETRY_MS });
  await reconcilePublicEndpoints(deps, sks, conds, privateEps);
  return finish(undefined);
}
