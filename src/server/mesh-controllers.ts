/**
 * Starts the mesh control plane's controllers over the client, as the Maistra operator
 * and istiod run them: ServiceMeshControlPlane, ServiceMeshMemberRoll, ServiceMeshMember,
 * and the distribution of each mesh's root certificate to its namespaces.
 */
import type { Client } from '../client/types.ts';
import { startControlPlaneController } from '../controllers/mesh/controlplane/controller.ts';
import { startMemberController } from '../controllers/mesh/member/controller.ts';
import { startMemberRollController } from '../controllers/mesh/memberroll/controller.ts';
import { startRootCertController } from '../controllers/mesh/rootcert/controller.ts';
import { EventRecorder } from '../runtime/events/recorder.ts';
import type { Logger } from '../util/log.ts';
import type { ComponentHealth } from './types.ts';

export interface RunningMeshControllers {
  health(): ComponentHealth[];
  stop(): Promise<void>;
}

export async function startMeshControllers(client: Client, log: Logger): Promise<RunningMeshControllers> {
  const started: Array<{ name: string; stop(): Promise<void> }> = [];
  const withEvents = async (name: string, start: (events: EventRecorder) => Promise<{ stop(): Promise<void> }>) => {
    const events = new EventRecorder(client, { component: name }, log);
    const running = await start(events);
    started.push({ name, stop: async () => { await running.stop(); await events.flush(); } });
  };
  try {
    await withEvents('servicemeshcontrolplane-controller', (events) => startControlPlaneController(client, events, log));
    await withEvents('servicemeshmemberroll-controller', () => startMemberRollController(client, log));
    await withEvents('servicemeshmember-controller', (events) => startMemberController(client, events, log));
    await withEvents('istio-ca-root-cert-publisher', () => startRootCertController(client, log));
  } catch (err) {
    for (const c of started.reverse()) await c.stop();
    throw err;
  }
  return {
    health: () => started.map((c) => ({ name: c.name, healthy: true })),
    stop: async () => {
      for (const c of [...started].reverse()) await c.stop();
    },
  };
}
