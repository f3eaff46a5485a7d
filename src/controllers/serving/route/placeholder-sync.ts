/**
 * Writes the Route's placeholder Services (reconcilePlaceholderServices and
 * updatePlaceholderServices upstream): create the missing ones, refuse a same-named Service
 * the Route does not control (IngressReady False `NotOwned`), delete the ones no target
 * needs any more, and, once the KIngress has a load balancer, point each at it.
 */
import type { KubeObject } from '../../../api/object.ts';
import type { Client } from '../../../client/types.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { type EventRecorder, involvedObjectOf } from '../../../runtime/events/recorder.ts';
import { isControlledBy } from '../../core/replicaset/resources/controller-ref.ts';
import { deleteIfPresent, ensureObject } from '../../shared/objects.ts';
import type { KnativeConditions } from '../shared/conditions.ts';
import { KINDS } from '../shared/contracts.ts';
import type { RouteConfig } from './config.ts';
import { isClusterLocalService, makeLoadBalancedService, makePlaceholderService } from './placeholder.ts';
import { markServiceNotOwned } from './status.ts';
import type { TrafficConfig } from './traffic.ts';

export interface PlaceholderDeps {
  client: Client;
  events: EventRecorder;
  placeholders(namespace: string, route: string): KubeObject[];
}

export interface Placeholder {
  tag: string;
  service: KubeObject;
}

/** The placeholder per traffic name ('' first, then tags in order); throws after marking NotOwned. */
export async function reconcilePlaceholders(deps: PlaceholderDeps, cfg: RouteConfig, route: KubeObject, tc: TrafficConfig, c: KnativeConditions): Promise<Placeholder[]> {
  const ns = route.metadata.namespace!;
  const existing = new Map(deps.placeholders(ns, route.metadata.name!).map((s) => [s.metadata.name!, s]));
  const out: Placeholder[] = [];
  for (const tag of [...tc.targets.keys()].sort()) {
    const desired = makePlaceholderService(cfg, route, tag);
    const name = desired.metadata.name!;
    const service = existing.get(name) ?? await create(deps, route, desired);
    if (!isControlledBy(service, route)) {
      markServiceNotOwned(c, name);
      throw new Error(`route: "${route.metadata.name}" does not own Service: "${name}"`);
    }
    out.push({ tag, service });
  }
  const active = new Set(out.map((p) => p.service.metadata.name));
  for (const svc of existing.values()) {
    if (!active.has(svc.metadata.name) && isControlledBy(svc, route)) await deleteIfPresent(deps.client, KINDS.k8sService, ns, svc.metadata.name!);
  }
  return out;
}

/** Creates the placeholder; a same-named Service that already exists (not ours, or not yet in the cache) is returned as found. */
async function create(deps: PlaceholderDeps, route: KubeObject, desired: KubeObject): Promise<KubeObject> {
  const name = desired.metadata.name!;
  try {
    const created = await deps.client.create(desired);
    deps.events.event(involvedObjectOf(route), 'Normal', 'Created', `Created placeholder service "${name}"`);
    return created;
  } catch (err) {
    if (isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) {
      const live = await deps.client.get(desired, desired.metadata.namespace, name);
      if (live) return live;
    }
    deps.events.event(involvedObjectOf(route), 'Warning', 'CreationFailed', `Failed to create placeholder service "${name}": ${(err as Error).message}`);
    throw err;
  }
}

/**
 * updatePlaceholderServices: each placeholder pointed at the KIngress's load balancer. A type
 * change the API server allows (away from ExternalName, or between equal kinds) is an update;
 * others (ClusterIP ↔ headless, ClusterIP → ExternalName) delete and recreate, as upstream.
 */
export async function pointPlaceholdersAtIngress(deps: PlaceholderDeps, cfg: RouteConfig, route: KubeObject, placeholders: readonly Placeholder[], ingress: KubeObject): Promise<void> {
  for (const { tag, service: live } of placeholders) {
    const desired = makeLoadBalancedService(cfg, route, tag, ingress, isClusterLocalService(live));
    if (!desired) continue; // the load balancer is not known yet
    // Labels and annotations are unioned with what the Service has (kmap.Union upstream).
    desired.metadata.labels = { ...(live.metadata.labels ?? {}), ...(desired.metadata.labels ?? {}) };
    desired.metadata.annotations = { ...(live.metadata.annotations ?? {}), ...(desired.metadata.annotations ?? {}) };
    if (canUpdate(live, desired)) {
      await ensureObject(deps.client, desired);
    } else {
      await deleteIfPresent(deps.client, KINDS.k8sService, live.metadata.namespace, live.metadata.name!);
      await deps.client.create(desired);
    }
  }
}

function canUpdate(live: KubeObject, desired: KubeObject): boolean {
  const from = (live.spec ?? {}) as { type?: string; clusterIP?: string };
  const to = (desired.spec ?? {}) as { type?: string; clusterIP?: string };
  const fromType = from.type ?? 'ClusterIP';
  const toType = to.type ?? 'ClusterIP';
  if (fromType !== toType) return fromType === 'ExternalName';
  // Cluster IPs are immutable: a headless Service cannot become one with an address.
  if (fromType === 'ClusterIP') return (from.clusterIP ?? '') === (to.clusterIP ?? '') || (from.clusterIP !== 'None' && (to.clusterIP ?? '') === '');
  return true;
}
