/**
 * Starts the core controllers — kube-controller-manager's (namespace lifecycle, garbage
 * collector, workloads, endpoints, service accounts, root CA publisher, ClusterRole
 * aggregation) and the scheduler —
 * each over the client of the component it belongs to, so managedFields and events name
 * `kube-controller-manager` and `kube-scheduler` as on a real cluster.
 */
import type { Client } from '../client/types.ts';
import { startClusterRoleAggregationController } from '../controllers/core/clusterrole-aggregation/controller.ts';
import { startGarbageCollector } from '../controllers/core/gc/controller.ts';
import { startNamespaceController } from '../controllers/core/namespace/controller.ts';
import { startRootCaPublisher } from '../controllers/core/root-ca-publisher/controller.ts';
import { startServiceAccountsController } from '../controllers/core/serviceaccounts/controller.ts';
import { startScheduler } from '../controllers/core/scheduler/controller.ts';
import { startDeploymentController } from '../controllers/core/deployment/controller.ts';
import { startEndpointsController } from '../controllers/core/endpoints/controller.ts';
import { startEndpointSliceController } from '../controllers/core/endpointslice/controller.ts';
import { startEndpointSliceMirroringController } from '../controllers/core/endpointslice-mirroring/controller.ts';
import { startReplicaSetController } from '../controllers/core/replicaset/controller.ts';
import { startServiceCaController } from '../controllers/openshift/service-ca/controller.ts';
import { EventRecorder } from '../runtime/events/recorder.ts';
import type { Logger } from '../util/log.ts';
import type { ComponentHealth } from './types.ts';

export interface RunningControllers {
  health(): ComponentHealth[];
  stop(): Promise<void>;
}

export interface CoreControllerClients {
  controllerManager: Client;
  scheduler: Client;
}

export interface CoreControllerOptions {
  /** The cluster CA (PEM) published in every namespace as `kube-root-ca.crt`. */
  rootCaPem: string;
}

export async function startCoreControllers(clients: CoreControllerClients, opts: CoreControllerOptions, log: Logger): Promise<RunningControllers> {
  const client = clients.controllerManager;
  const started: Array<{ name: string; stop(): Promise<void> }> = [];
  try {
    started.push({ name: 'namespace-controller', ...(await startNamespaceController(client, log)) });
    started.push({ name: 'garbage-collector', ...(await startGarbageCollector(client, log)) });
    started.push({ name: 'serviceaccount-controller', ...(await startServiceAccountsController(client, log)) });
    started.push({ name: 'root-ca-cert-publisher', ...(await startRootCaPublisher(client, opts.rootCaPem, log)) });
    started.push({ name: 'scheduler', ...(await startScheduler(clients.scheduler, log)) });
    started.push({ name: 'replicaset-controller', ...(await withEvents(client, 'replicaset-controller', log, (events) => startReplicaSetController(client, events, log))) });
    started.push({ name: 'deployment-controller', ...(await withEvents(client, 'deployment-controller', log, (events) => startDeploymentController(client, events, log))) });
    started.push({ name: 'endpoints-controller', ...(await startEndpointsController(client, log)) });
    started.push({ name: 'endpointslice-controller', ...(await startEndpointSliceController(client, log)) });
    started.push({ name: 'service-ca-controller', ...(await startServiceCaController(client, log)) });
    started.push({ name: 'clusterrole-aggregation-controller', ...(await startClusterRoleAggregationController(client, log)) });
    started.push({ name: 'endpointslice-mirroring-controller', ...(await withEvents(client, 'endpointslice-mirroring-controller', log, (events) => startEndpointSliceMirroringController(client, events, log))) });
  } catch (err) {
    for (const c of started.reverse()) await c.stop();
    throw err;
  }
  return {
    health: () => started.map((c) => ({ name: c.name, healthy: true })),
    stop: async () => {
      for (const c of started.reverse()) await c.stop();
    },
  };
}

/** Starts a controller with its own event recorder (the event source component), flushed on stop. */
async function withEvents(client: Client, component: string, log: Logger, start: (events: EventRecorder) => Promise<{ stop(): Promise<void> }>): Promise<{ stop(): Promise<void> }> {
  const events = new EventRecorder(client, { component }, log);
  const running = await start(events);
  return {
    stop: async () => {
      await running.stop();
      await events.flush();
    },
  };
}
