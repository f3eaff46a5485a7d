/**
 * Route → traffic-target metadata (knative/serving pkg/reconciler/labeler, "labeler v2"):
 * every Configuration and Revision a Route sends traffic to lists that Route in its
 * `serving.knative.dev/routes` annotation; Revisions also carry
 * `serving.knative.dev/routingState: active` (or `reserve` once no Route lists them) with the
 * time it last changed in `serving.knative.dev/routingStateModified`. The revision reconciler
 * turns routingState into the PodAutoscaler's reachability, which decides how fast an idle
 * revision may scale to zero, so this is what lets an unrouted revision go away.
 *
 * skiff also sets the older `serving.knative.dev/route: <route>` label on Configurations
 * (labeler v1 did; tools still select by it) when no other Route holds it.
 *
 * Writes are JSON merge patches of metadata only, computed from what the object already
 * says, so a converged pass writes nothing.
 */
import type { KubeObject } from '../../../api/object.ts';
import { ServingAnnotations, ServingLabels } from '../../../api/knative/serving/keys.ts';
import { controllerOf } from '../../core/replicaset/resources/controller-ref.ts';
import type { TrafficTarget } from './traffic.ts';

export type MetadataPatch = { metadata: { labels?: Record<string, string | null>; annotations?: Record<string, string | null> } };

/** GetListAnnValue: the names in a comma-separated annotation. */
export function listAnnotation(obj: KubeObject, key: string): Set<string> {
  const v = obj.metadata.annotations?.[key] ?? '';
  return new Set(v === '' ? [] : v.split(','));
}

/** RoutingStateModifiedString: RFC 3339 in UTC, whole seconds. */
export const routingStateModified = (now: Date): string => now.toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * makeMetadataPatch: add (or with `remove`, drop) `routeName` in the routes annotation;
 * for Revisions (`routingState`) also move the routingState label; for Configurations keep
 * the v1 route label. undefined when nothing changes.
 */
export function makeMetadataPatch(obj: KubeObject, routeName: string, opts: { remove: boolean; routingState: boolean; now: Date }): MetadataPatch | undefined {
  const labels: Record<string, string | null> = {};
  const annotations: Record<string, string | null> = {};
  const routes = listAnnotation(obj, ServingAnnotations.routes);
  const has = routes.has(routeName);
  if (has && opts.remove) {
    routes.delete(routeName);
    annotations[ServingAnnotations.routes] = routes.size === 0 ? null : [...routes].sort().join(',');
  } else if (!has && !opts.remove) {
    routes.add(routeName);
    annotations[ServingAnnotations.routes] = [...routes].sort().join(',');
  }
  if (opts.routingState) {
    const hasRoute = routes.size > 0;
    const want = hasRoute ? 'active' : 'reserve';
    if (obj.metadata.labels?.[ServingLabels.routingState] !== want) {
      labels[ServingLabels.routingState] = want;
      annotations[ServingAnnotations.routingStateModified] = routingStateModified(opts.now);
    }
  } else {
    const current = obj.metadata.labels?.[ServingLabels.route];
    if (!opts.remove && current === undefined) labels[ServingLabels.route] = routeName;
    if (opts.remove && current === routeName) labels[ServingLabels.route] = null;
  }
  const metadata: MetadataPatch['metadata'] = {};
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  return Object.keys(metadata).length > 0 ? { metadata } : undefined;
}

export interface LabelerLookup {
  configuration(name: string): KubeObject | undefined;
  revision(name: string): KubeObject | undefined;
}

/**
 * syncRoutingMeta's walk: the Revisions and Configurations a Route references through
 * status.traffic and spec.traffic. A revision's controlling Configuration counts as a
 * configuration target, and a latest-revision target also claims the Configuration's latest
 * created Revision, so a new revision is already active when it becomes ready.
 */
export function routingTargets(route: KubeObject, lookup: LabelerLookup): { revisions: Set<string>; configurations: Set<string> } {
  const revisions = new Set<string>();
  const configurations = new Set<string>();
  const status = ((route.status ?? {}) as { traffic?: TrafficTarget[] }).traffic ?? [];
  const spec = ((route.spec ?? {}) as { traffic?: TrafficTarget[] }).traffic ?? [];
  for (const tt of [...status, ...spec]) {
    let configName = tt.configurationName ?? '';
    if (tt.revisionName) {
      const rev = lookup.revision(tt.revisionName);
      if (!rev) continue;
      revisions.add(tt.revisionName);
      const owner = controllerOf(rev);
      if (owner?.kind === 'Configuration') configName = owner.name;
    }
    if (configName === '') continue;
    const config = lookup.configuration(configName);
    if (!config) continue;
    configurations.add(configName);
    const latestCreated = ((config.status ?? {}) as { latestCreatedRevisionName?: string }).latestCreatedRevisionName ?? '';
    if (latestCreated !== '' && tt.latestRevision === true) revisions.add(latestCreated);
  }
  return { revisions, configurations };
}
