/**
 * A controller: informers feed a work queue of keys; workers call the reconciler for each
 * key. Reconcilers are level-triggered and idempotent — they read the current state and
 * converge, so a crash or a duplicate run is harmless (design §3 rule 2).
 */
import type { Logger } from '../util/log.ts';
import { isSkiffError } from '../errors/skiff-error.ts';
import type { ReconcileResult } from './workqueue.ts';
import { WorkQueue } from './workqueue.ts';

export interface Reconciler {
  readonly name: string;
  reconcile(key: string): Promise<ReconcileResult>;
}

export class Controller {
  readonly queue = new WorkQueue();
  readonly #reconciler: Reconciler;
  readonly #log: Logger;
  readonly #workers: Promise<void>[] = [];

  constructor(reconciler: Reconciler, log: Logger) {
    this.#reconciler = reconciler;
    this.#log = log.child({ controller: reconciler.name });
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  run(workers = 1): void {
    for (let i = 0; i < workers; i++) this.#workers.push(this.#work());
  }

  async stop(): Promise<void> {
    this.queue.stop();
    await Promise.all(this.#workers);
  }

  async #work(): Promise<void> {
    for (;;) {
      const key = await this.queue.next();
      if (key === undefined) return;
      try {
        const result = await this.#reconciler.reconcile(key);
        this.queue.forget(key);
        if (result && result.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
      } catch (err) {
        // Conflicts are routine (another writer got there first): retry quietly.
        if (!isSkiffError(err, 'SKF_API_CONFLICT')) this.#log.warn({ err, key }, 'reconcile failed; will retry');
        this.queue.retry(key);
      } finally {
        this.queue.done(key);
      }
    }
  }
}
