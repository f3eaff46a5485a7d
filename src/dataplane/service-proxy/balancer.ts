/**
 * Chooses the backend for each new connection of one listener: round-robin or fewest open
 * connections (ties go round-robin), with optional ClientIP affinity as kube-proxy has it
 * (a client keeps its backend while it stays within the timeout and the backend stays).
 */
import { backendKey, type Backend, type BalancingStrategy } from './snapshot.ts';

export class Balancer {
  #backends: readonly Backend[] = [];
  #next = 0;
  readonly #open = new Map<string, number>();
  readonly #affinity = new Map<string, { backend: string; until: number }>();
  #affinityMs = 0;
  readonly #strategy: BalancingStrategy;
  readonly #now: () => number;

  constructor(strategy: BalancingStrategy, now: () => number = Date.now) {
    this.#strategy = strategy;
    this.#now = now;
  }

  /** Replaces the backends (the order given is the rotation order) and the affinity timeout. */
  update(backends: readonly Backend[], affinityTimeoutSeconds: number | undefined): void {
    this.#backends = backends;
    this.#affinityMs = (affinityTimeoutSeconds ?? 0) * 1000;
    if (this.#affinityMs === 0) this.#affinity.clear();
    if (this.#next >= backends.length) this.#next = 0;
  }

  get size(): number {
    return this.#backends.length;
  }

  /**
   * Backends to try for a new connection, best first (the rest are fall-backs when a
   * connect fails). Empty when there is no backend.
   */
  order(clientAddress: string | undefined): Backend[] {
    const list = this.#backends;
    if (list.length === 0) return [];
    const now = this.#now();
    if (this.#affinityMs > 0 && clientAddress) {
      const sticky = this.#affinity.get(clientAddress);
      const found = sticky && sticky.until > now ? list.find((b) => backendKey(b) === sticky.backend) : undefined;
      if (found) return [found, ...list.filter((b) => b !== found)];
    }
    const start = this.#next;
    this.#next = (this.#next + 1) % list.length;
    let rotated = [...list.slice(start), ...list.slice(0, start)];
    if (this.#strategy === 'least-connections') {
      // A stable sort keeps the round-robin order among backends with as few connections.
      rotated = rotated.sort((a, b) => (this.#open.get(backendKey(a)) ?? 0) - (this.#open.get(backendKey(b)) ?? 0));
    }
    return rotated;
  }

  /** A connection to `backend` was established for `clientAddress`. */
  opened(backend: Backend, clientAddress: string | undefined): void {
    const key = backendKey(backend);
    this.#open.set(key, (this.#open.get(key) ?? 0) + 1);
    if (this.#affinityMs > 0 && clientAddress) this.#affinity.set(clientAddress, { backend: key, until: this.#now() + this.#affinityMs });
  }

  closed(backend: Backend): void {
    const key = backendKey(backend);
    const n = (this.#open.get(key) ?? 1) - 1;
    if (n <= 0) this.#open.delete(key);
    else this.#open.set(key, n);
  }

  openConnections(backend: Backend): number {
    return this.#open.get(backendKey(backend)) ?? 0;
  }
}
