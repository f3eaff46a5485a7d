/**
 * The admin port's handler (pkg/queue/sharedmain/handlers.go adminHandler): `/wait-for-drain`
 * is the user container's preStop hook. It starts the drain and answers 200 once the drain is
 * over, so the app is not signalled while the queue-proxy still sends it requests. When no
 * SIGTERM reaches the queue-proxy within a second, the pod is not terminating (a liveness
 * failure restarts the user container): the drain is reset and the hook returns.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DRAIN_RESET_AFTER_MS } from './constants.ts';
import type { Drainer } from './drainer.ts';

export const DRAIN_PATH = '/wait-for-drain';

export interface AdminDeps {
  drainer: Drainer;
  /** Whether SIGTERM has been received. */
  terminating: () => boolean;
  log: (message: string) => void;
  /** Timers the program frees on close. */
  timers: Set<ReturnType<typeof setTimeout>>;
}

export function createAdminHandler(deps: AdminDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    req.resume();
    if ((req.url ?? '/').split('?')[0] !== DRAIN_PATH) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }).end('404 page not found\n');
      return;
    }
    deps.log('Attached drain handler from user-container');
    const check = setTimeout(() => {
      deps.timers.delete(check);
      if (!deps.terminating()) deps.drainer.reset();
    }, DRAIN_RESET_AFTER_MS);
    deps.timers.add(check);
    void deps.drainer.drain().then(() => {
      if (!res.destroyed) res.writeHead(200, { 'Content-Length': 0 }).end();
    });
  };
}
