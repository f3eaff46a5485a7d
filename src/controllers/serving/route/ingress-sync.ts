/**
 * Writes the Route's KIngress (reconcileIngress upstream): create it, or overwrite its spec,
 * labels and annotations whenever they differ from what the Route wants (a change of the
 * ingress class or of the Route's labels is a change too). Reads the live one from the
 * informer cache.
 */
import type { KubeObject } from '../../../api/object.ts';
import type { Client } from '../../../client/types.ts';
import { isSkiffError } from '../../../errors/skiff-error.ts';
import { type EventRecorder, involvedObjectOf } from '../../../runtime/events/recorder.ts';
import { sameJson } from '../../shared/objects.ts';
import type { RouteConfig } from './config.ts';
import type { Visibility } from './domains.ts';
import { makeIngress } from './ingress.ts';
import type { TrafficConfig } from './traffic.ts';

export interface IngressDeps {
  client: Client;
  events: EventRecorder;
  ingress(namespace: string, name: string): KubeObject | undefined;
}

export async function reconcileIngress(deps: IngressDeps, cfg: RouteConfig, route: KubeObject, tc: TrafficConfig, visibility: ReadonlyMap<string, Visibility>): Promise<KubeObject> {
  const desired = makeIngress(route, tc, visibility, cfg);
  const live = deps.ingress(desired.metadata.namespace!, desired.metadata.name!) ?? await create(deps, route, desired);
  if (sameJson(live.spec ?? {}, desired.spec) && sameJson(live.metadata.annotations ?? {}, desired.metadata.annotations) && sameJson(live.metadata.labels ?? {}, desired.metadata.labels)) return live;
  return deps.client.update({ ...live, metadata: { ...live.metadata, labels: desired.metadata.labels, annotations: desired.metadata.annotations }, spec: desired.spec });
}

/** Creates the KIngress; one that exists already (created a moment ago, not yet in the cache) is read and compared instead. */
async function create(deps: IngressDeps, route: KubeObject, desired: KubeObject): Promise<KubeObject> {
  try {
    const created = await deps.client.create(desired);
    deps.events.event(involvedObjectOf(route), 'Normal', 'Created', `Created Ingress "${desired.metadata.name}"`);
    return created;
  } catch (err) {
    if (isSkiffError(err, 'SKF_API_ALREADY_EXISTS')) {
      const live = await deps.client.get(desired, desired.metadata.namespace, desired.metadata.name!);
      if (live) return live;
    }
    deps.events.event(involvedObjectOf(route), 'Warning', 'CreationFailed', `Failed to create Ingress: ${(err as Error).message}`);
    throw new Error(`failed to create Ingress: ${(err as Error).message}`, { cause: err });
  }
}
