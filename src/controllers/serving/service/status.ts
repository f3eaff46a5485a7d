/**
 * A Service's status from its children (pkg/apis/serving/v1/service_lifecycle.go and the
 * service reconciler): ConfigurationsReady mirrors the Configuration's Ready once that has
 * observed its latest generation (OutOfDate before), RoutesReady the Route's likewise, and
 * RoutesReady drops back to Unknown `TrafficNotMigrated` while the Route's status traffic
 * is not yet what its spec asks for (with configuration targets read as the
 * Configuration's latest ready revision).
 */
import type { Condition, KubeObject } from '../../../api/object.ts';
import { CONDITION_SETS } from '../../../api/knative/conditions.ts';
import { sameJson } from '../../shared/objects.ts';
import type { KnativeConditions } from '../shared/conditions.ts';

export const SERVICE_CONDITIONS = CONDITION_SETS['Service.serving.knative.dev']!;

type Status = Record<string, unknown> & { conditions?: Condition[]; observedGeneration?: number };
type Traffic = Record<string, unknown> & { configurationName?: string; revisionName?: string };

const statusOf = (o: KubeObject): Status => (o.status ?? {}) as Status;
const readyOf = (o: KubeObject): Condition | undefined => statusOf(o).conditions?.find((c) => c.type === 'Ready');
const upToDate = (o: KubeObject): boolean => (o.metadata.generation ?? 0) === (statusOf(o).observedGeneration ?? -1);

export const CONFIGURATION_FIELDS = ['latestCreatedRevisionName', 'latestReadyRevisionName'] as const;
export const ROUTE_FIELDS = ['url', 'address', 'traffic'] as const;

export function markConfigurationNotReconciled(c: KnativeConditions): void {
  c.markUnknown('ConfigurationsReady', 'OutOfDate', 'The Configuration is still working to reflect the latest desired specification.');
}

export function markRouteNotReconciled(c: KnativeConditions): void {
  c.markUnknown('RoutesReady', 'OutOfDate', 'The Route is still working to reflect the latest desired specification.');
}

/** Copies the Configuration's status fields and Ready (PropagateConfigurationStatus). */
export function propagateConfiguration(status: Status, c: KnativeConditions, config: KubeObject): void {
  const cs = statusOf(config);
  for (const f of CONFIGURATION_FIELDS) {
    if (cs[f] === undefined) delete status[f];
    else status[f] = cs[f];
  }
  const ready = readyOf(config);
  if (ready) c.propagate('ConfigurationsReady', ready, { reason: '', message: '' });
}

/** Copies the Route's status fields and Ready (PropagateRouteStatus). */
export function propagateRoute(status: Status, c: KnativeConditions, route: KubeObject): void {
  const rs = statusOf(route);
  for (const f of ROUTE_FIELDS) {
    if (rs[f] === undefined) delete status[f];
    else status[f] = rs[f];
  }
  const ready = readyOf(route);
  if (ready) c.propagate('RoutesReady', ready, { reason: '', message: '' });
}

/** checkRoutesNotReady: RoutesReady True but the Route's traffic is not yet the latest revision. */
export function trafficMigrated(config: KubeObject, route: KubeObject): boolean {
  const want = (((route.spec ?? {}) as { traffic?: Traffic[] }).traffic ?? []).map((t) => ({ ...t }));
  const got = (statusOf(route).traffic as Traffic[] | undefined) ?? [];
  if (want.length !== got.length) return false;
  const latestReady = statusOf(config).latestReadyRevisionName as string | undefined;
  const strip = (t: Traffic): Traffic => {
    const { url: _u, latestRevision: _l, ...rest } = t;
    return rest;
  };
  for (const t of want) {
    if (t.configurationName === config.metadata.name) {
      if (latestReady) t.revisionName = latestReady;
      delete t.configurationName;
    }
  }
  return want.every((t, i) => sameJson(strip(got[i]!), strip(t)));
}

export function markRouteNotYetReady(c: KnativeConditions): void {
  c.markUnknown('RoutesReady', 'TrafficNotMigrated', 'Traffic is not yet migrated to the latest revision.');
}

export { upToDate };
