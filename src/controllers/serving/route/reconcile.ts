/**
 * The Route reconciler (knative/serving pkg/reconciler/route/route.go and
 * reconcile_resources.go), with the labeler's pass folded in:
 *
 * 1. resolve traffic to ready revisions (AllTrafficAssigned), the per-target visibility and
 *    status.url; stop there while a target is missing or not ready;
 * 2. the placeholder Services `<route>`, `<tag>-<route>` (and delete ones no longer wanted);
 * 3. the KIngress, then IngressReady from its status once it observed its generation;
 * 4. point the placeholders at the KIngress's load balancer;
 * 5. status (observedGeneration once a pass succeeds) and the routing metadata of targets.
 *
 * The Route carries the finalizer `routes.serving.knative.dev` (the labeler's, as upstream's
 * generated reconciler adds it) so the routing metadata is cleared when the Route goes.
 */
import type { Condition, KubeObject } from '../../../api/object.ts';
import type { Client } from '../../../client/types.ts';
import type { ReconcileResult } from '../../../client/workqueue.ts';
import type { EventRecorder } from '../../../runtime/events/recorder.ts';
import type { Logger } from '../../../util/log.ts';
import { writeStatus } from '../../shared/objects.ts';
import { KnativeConditions } from '../shared/conditions.ts';
import type { RouteConfig } from './config.ts';
import { DomainNameError, serviceHostname } from './domains.ts';
import { reconcileIngress } from './ingress-sync.ts';
import { reconcilePlaceholders, pointPlaceholdersAtIngress } from './placeholder-sync.ts';
import { type RoutingMetaDeps, clearRoutingMeta, syncRoutingMeta } from './routing-meta.ts';
import {
  EXTERNAL_DOMAIN_TLS_NOT_ENABLED, ROUTE_CONDITIONS, markBadTrafficTarget, markIngressNotConfigured, markRevisionTargetTrafficError, markTLSNotEnabled,
  markTrafficAssigned, markUnknownTrafficError, propagateIngressStatus, routeURL, statusTraffic,
} from './status.ts';
import { buildTrafficConfiguration } from './traffic.ts';
import { resolveVisibility } from './visibility.ts';

export const ROUTE_FINALIZER = 'routes.serving.knative.dev';

export interface RouteDeps extends RoutingMetaDeps {
  client: Client;
  events: EventRecorder;
  log: Logger;
  config(): RouteConfig;
  route(key: string): KubeObject | undefined;
  ingress(namespace: string, name: string): KubeObject | undefined;
  /** The Services labelled `serving.knative.dev/route=<route>` in the namespace. */
  placeholders(namespace: string, route: string): KubeObject[];
}

type Status = Record<string, unknown> & { conditions?: Condition[]; observedGeneration?: number };

export async function reconcileRoute(deps: RouteDeps, key: string): Promise<ReconcileResult> {
  const route = deps.route(key);
  if (!route) return;
  if (route.metadata.deletionTimestamp) return finalize(deps, route);
  if (!(route.metadata.finalizers ?? []).includes(ROUTE_FINALIZER)) {
    await setFinalizers(deps, route, [...(route.metadata.finalizers ?? []), ROUTE_FINALIZER]);
    return; // the update's watch event brings the Route back with the finalizer
  }
  const status: Status = structuredClone((route.status ?? {}) as Status);
  const c = new KnativeConditions(ROUTE_CONDITIONS, status.conditions, deps.now).initialize();
  let failure: unknown;
  try {
    await reconcileRouteResources(deps, route, status, c);
  } catch (err) {
    failure = err;
  }
  status.conditions = c.list;
  // As knative.dev/pkg's generated reconciler: the generation counts as observed once a pass succeeds.
  if (failure === undefined) status.observedGeneration = route.metadata.generation;
  await writeStatus(deps.client, route, status);
  const ready = c.get('Ready');
  const settled = status.observedGeneration === route.metadata.generation && (ready?.status === 'True' || ready?.status === 'False');
  await syncRoutingMeta(deps, { ...route, status }, settled);
  if (failure !== undefined) throw failure;
  return;
}

async function reconcileRouteResources(deps: RouteDeps, route: KubeObject, status: Status, c: KnativeConditions): Promise<void> {
  const cfg = deps.config();
  const ns = route.metadata.namespace!;
  const name = route.metadata.name!;
  if (route.metadata.generation !== status.observedGeneration) markIngressNotConfigured(c);

  // configureTraffic
  const { config: tc, error: targetError } = buildTrafficConfiguration(route, {
    configuration: (n) => deps.configuration(ns, n),
    revision: (n) => deps.revision(ns, n),
  });
  let visibility;
  try {
    visibility = resolveVisibility(cfg, route, deps.placeholders(ns, name));
    status.url = routeURL(cfg, route, visibility);
    if (targetError) {
      markBadTrafficTarget(c, targetError);
      return;
    }
    status.traffic = statusTraffic(cfg, route, tc, visibility);
  } catch (err) {
    if (err instanceof DomainNameError) {
      markRevisionTargetTrafficError(c, 'ErrorConfig', err.message);
    } else {
      markUnknownTrafficError(c, (err as Error).message);
    }
    throw err;
  }
  markTrafficAssigned(c);

  status.address = { url: `http://${serviceHostname(name, ns)}` };
  const placeholders = await reconcilePlaceholders(deps, cfg, route, tc, c);
    // No Knative certificates in skiff: external-domain-tls is never provisioned.
  markTLSNotEnabled(c, EXTERNAL_DOMAIN_TLS_NOT_ENABLED);

  const ingress = await reconcileIngress(deps, cfg, route, tc, visibility);
  const ingStatus = (ingress.status ?? {}) as { observedGeneration?: number };
  if (ingress.metadata.generation !== ingStatus.observedGeneration) markIngressNotConfigured(c);
  else propagateIngressStatus(c, ingress);
  await pointPlaceholdersAtIngress(deps, cfg, route, placeholders, ingress);
}

async function finalize(deps: RouteDeps, route: KubeObject): Promise<ReconcileResult> {
  const finalizers = route.metadata.finalizers ?? [];
  if (!finalizers.includes(ROUTE_FINALIZER)) return;
  await clearRoutingMeta(deps, route);
  await setFinalizers(deps, route, finalizers.filter((f) => f !== ROUTE_FINALIZER));
  return;
}

/** A merge patch of the finalizer list, guarded by resourceVersion as knative.dev/pkg's reconciler sends it. */
async function setFinalizers(deps: RouteDeps, route: KubeObject, finalizers: string[]): Promise<void> {
  await deps.client.patch(route, route.metadata.namespace, route.metadata.name!, 'merge', {
    metadata: { finalizers, resourceVersion: route.metadata.resourceVersion },
  });
}
