/**
 * A reconcile loop fed by change notifications, the shape every data plane's loop has
 * (mesh, Kourier, activator): the changes that arrive within `delayMs` of the first are
 * folded into one run (istiod's debounce: a `kubectl apply` of a file is a burst of
 * changes), runs never overlap (each starts after the previous one ended), and a run that
 * fails is reported to `onError`, never thrown at the notifier.
 */
export class DebouncedRunner {
  readonly #run: () => Promise<void> | void;
  readonly #delayMs: number;
  readonly #onError: (err: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(run: () => Promise<void> | void, delayMs: number, onError: (err: unknown) => void) {
    this.#run = run;
    this.#delayMs = delayMs;
    this.#onError = onError;
  }

  /** Something the loop reads changed: a run follows within `delayMs`, one for all such changes. */
  changed(): void {
    if (!this.#stopped && !this.#timer) this.#timer = setTimeout(() => this.runNow(), this.#delayMs);
  }

  /** Starts a run now (after the current one), in place of a scheduled one. */
  runNow(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped) return;
    this.#running = this.#running.then(() => this.#run()).catch((err: unknown) => this.#onError(err));
  }

  /** Runs what is scheduled at once; resolves when every run so far has ended. */
  async settled(): Promise<void> {
    if (this.#timer) this.runNow();
    await this.#running;
  }

  /** No more runs; resolves when the current one has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
