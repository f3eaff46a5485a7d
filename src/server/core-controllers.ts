/** Starts the core controllers (namespace lifecycle, garbage collector, scheduler) over the client. */
import type { Client } from '../client/types.ts';
import { startGarbageCollector } from '../controllers/core/gc/controller.ts';
import { startNamespaceController } from '../controllers/core/namespace/controller.ts';
import { startScheduler } from '../controllers/core/scheduler/controller.ts';
import type { Logger } from '../util/log.ts';
import type { ComponentHealth } from './types.ts';

export interface RunningControllers {
  health(): ComponentHealth[];
  stop(): Promise<void>;
}

export async function startCoreControllers(client: Client, log: Logger): Promise<RunningControllers> {
  const started: Array<{ name: string; stop(): Promise<void> }> = [];
  try {
    started.push({ name: 'namespace-controller', ...(await startNamespaceController(client, log)) });
    started.push({ name: 'garbage-collector', ...(await startGarbageCollector(client, log)) });
    started.push({ name: 'scheduler', ...(await startScheduler(client, log)) });
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
