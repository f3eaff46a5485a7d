/**
 * Wires the clusterrole-aggregation controller: one informer over ClusterRoles; any change to
 * any of them requeues every role that aggregates (as upstream's enqueue does, since a label
 * change can move a role into or out of a selector).
 */
import { Controller } from '../../../client/controller.ts';
import { Informer } from '../../../client/informer.ts';
import type { Client } from '../../../client/types.ts';
import type { Logger } from '../../../util/log.ts';
import { aggregateClusterRole, CLUSTER_ROLE } from './reconcile.ts';

export async function startClusterRoleAggregationController(client: Client, log: Logger): Promise<{ stop(): Promise<void> }> {
  const roles = new Informer(client, CLUSTER_ROLE, {}, log);
  const controller = new Controller({
    name: 'clusterrole-aggregation',
    reconcile: (name) => aggregateClusterRole({ client, clusterRole: (n) => roles.get(n), clusterRoles: () => roles.list() }, name),
  }, log);
  const enqueueAggregating = () => {
    for (const role of roles.list()) if ((role as { aggregationRule?: unknown }).aggregationRule) controller.enqueue(role.metadata.name!);
  };
  roles.addHandlers({ add: enqueueAggregating, update: enqueueAggregating, delete: enqueueAggregating });
  await roles.start();
  controller.run(1);
  return { stop: async () => { roles.stop(); await controller.stop(); } };
}
