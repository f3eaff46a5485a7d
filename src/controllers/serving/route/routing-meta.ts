/**
 * Applies the labeler's metadata patches (labeler.ts) through the client: sets them on the
 * targets a Route references, clears them from targets it no longer references (only once the
 * Route has settled, Ready or failed, as upstream waits so a rollout never unroutes the
 * revision still serving), and clears everything when the Route goes away.
 */
import type { KubeObject } from '../../../api/object.ts';
import { ServingAnnotations, ServingLabels } from '../../../api/knative/serving/keys.ts';
import type { Client, TypeRef } from '../../../client/types.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { KINDS } from '../shared/contracts.ts';
import { listAnnotation, makeMetadataPatch, routingTargets } from './labeler.ts';

export interface RoutingMetaDeps {
  client: Client;
  configurations(namespace: string): KubeObject[];
  revisions(namespace: string): KubeObject[];
  configuration(namespace: string, name: string): KubeObject | undefined;
  revision(namespace: string, name: string): KubeObject | undefined;
  now(): Date;
}

interface Target {
  type: TypeRef;
  routingState: boolean;
  get(ns: string, name: string): KubeObject | undefined;
  /** What currently lists the route (revisions: only the active ones, as upstream's lister selects). */
  listed(ns: string, route: string): KubeObject[];
}

function targetsOf(deps: RoutingMetaDeps): { revisions: Target; configurations: Target } {
  return {
    revisions: {
      type: KINDS.revision,
      routingState: true,
      get: (ns, n) => deps.revision(ns, n),
      listed: (ns, route) => deps.revisions(ns).filter((r) => r.metadata.labels?.[ServingLabels.routingState] === 'active' && listAnnotation(r, ServingAnnotations.routes).has(route)),
    },
    configurations: {
      type: KINDS.configuration,
      routingState: false,
      get: (ns, n) => deps.configuration(ns, n),
      listed: (ns, route) => deps.configurations(ns).filter((c) => listAnnotation(c, ServingAnnotations.routes).has(route)),
    },
  };
}

async function setMeta(deps: RoutingMetaDeps, t: Target, route: KubeObject, name: string, remove: boolean): Promise<void> {
  const ns = route.metadata.namespace!;
  const obj = t.get(ns, name);
  if (!obj) return;
  const patch = makeMetadataPatch(obj, route.metadata.name!, { remove, routingState: t.routingState, now: deps.now() });
  if (!patch) return;
  try {
    await deps.client.patch(t.type, ns, name, 'merge', patch);
  } catch (err) {
    // The target was deleted meanwhile: nothing left to label.
    if (!isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
  }
}

async function clearNotListed(deps: RoutingMetaDeps, t: Target, route: KubeObject, keep: ReadonlySet<string>): Promise<void> {
  for (const obj of t.listed(route.metadata.namespace!, route.metadata.name!)) {
    if (!keep.has(obj.metadata.name!)) await setMeta(deps, t, route, obj.metadata.name!, true);
  }
}

/** syncRoutingMeta: `settled` is Route.IsReady() || Route.IsFailed() for the status just computed. */
export async function syncRoutingMeta(deps: RoutingMetaDeps, route: KubeObject, settled: boolean): Promise<void> {
  const ns = route.metadata.namespace!;
  const { revisions, configurations } = routingTargets(route, { configuration: (n) => deps.configuration(ns, n), revision: (n) => deps.revision(ns, n) });
  const t = targetsOf(deps);
  if (settled) {
    await clearNotListed(deps, t.revisions, route, revisions);
    await clearNotListed(deps, t.configurations, route, configurations);
  }
  for (const name of [...revisions].sort()) await setMeta(deps, t.revisions, route, name, false);
  for (const name of [...configurations].sort()) await setMeta(deps, t.configurations, route, name, false);
}

/** FinalizeKind: the Route is going away; no target lists it any more. */
export async function clearRoutingMeta(deps: RoutingMetaDeps, route: KubeObject): Promise<void> {
  const t = targetsOf(deps);
  await clearNotListed(deps, t.revisions, route, new Set());
  await clearNotListed(deps, t.configurations, route, new Set());
}
