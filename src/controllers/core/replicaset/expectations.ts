/**
 * Controller expectations (controller_utils.go UIDTrackingControllerExpectations): after a
 * controller creates or deletes pods it waits until its informer has seen those changes
 * before it counts pods again, so a slow cache never makes it create or delete twice. An
 * expectation that is not met within five minutes is dropped (ExpectationsTimeout).
 */
const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

interface Expectation {
  adds: number;
  /** Keys of pods whose deletion is expected. */
  deletes: Set<string>;
  setAt: number;
}

export class Expectations {
  readonly #byController = new Map<string, Expectation>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** True when the controller may act: nothing pending, or what was pending timed out. */
  satisfied(controllerKey: string): boolean {
    const e = this.#byController.get(controllerKey);
    if (!e) return true;
    if (e.adds <= 0 && e.deletes.size === 0) return true;
    return this.#now() - e.setAt > EXPECTATIONS_TIMEOUT_MS;
  }

  expectCreations(controllerKey: string, count: number): void {
    this.#byController.set(controllerKey, { adds: count, deletes: new Set(), setAt: this.#now() });
  }

  expectDeletions(controllerKey: string, podKeys: readonly string[]): void {
    this.#byController.set(controllerKey, { adds: 0, deletes: new Set(podKeys), setAt: this.#now() });
  }

  creationObserved(controllerKey: string): void {
    const e = this.#byController.get(controllerKey);
    if (e) e.adds--;
  }

  /** Creations that will not happen (a create failed or was skipped). */
  lowerCreations(controllerKey: string, count: number): void {
    const e = this.#byController.get(controllerKey);
    if (e) e.adds -= count;
  }

  deletionObserved(controllerKey: string, podKey: string): void {
    this.#byController.get(controllerKey)?.deletes.delete(podKey);
  }

  forget(controllerKey: string): void {
    this.#byController.delete(controllerKey);
  }
}
