/**
 * Which of a revision's pods the activator may send to (pure; upstream's revisionWatcher
 * healthy set, pkg/activator/net/revision_backends.go): the pods its private Service's
 * endpoints call ready, and the not-ready ones the activator itself probed successfully.
 * The kubelet marks a pod ready only on its next readiness probe (seconds later); the
 * activator's own probe sees the queue-proxy ready at once, which is what makes a cold start
 * fast. A ready pod needs no probe of ours (upstream's probe optimisation). A pod that was
 * ready and turns not-ready (it is failing or draining) loses its health and must pass a
 * probe again, as upstream re-probes pods that became non-ready; a pod that leaves the
 * endpoints is forgotten.
 */
import type { RevisionDests } from './revision-backends.ts';
import type { Backend } from './revision-throttler.ts';

const destOf = (b: Backend): string => `${b.ip}:${b.port}`;

export class RevisionHealth {
  readonly #ready = new Map<string, Backend>();
  readonly #notReady = new Map<string, Backend>();
  /** Not-ready pods that passed a probe. */
  readonly #probedHealthy = new Set<string>();

  /** New endpoints; true when the backends to use changed. */
  update(dests: RevisionDests): boolean {
    const before = this.#key();
    this.#ready.clear();
    this.#notReady.clear();
    for (const b of dests.ready) this.#ready.set(destOf(b), b);
    for (const b of dests.notReady) if (!this.#ready.has(destOf(b))) this.#notReady.set(destOf(b), b);
    // Probed health belongs to the not-ready spell it was found in: a pod that turns ready
    // needs it no more, and one that later turns not-ready again is probed afresh.
    for (const dest of [...this.#probedHealthy]) if (!this.#notReady.has(dest)) this.#probedHealthy.delete(dest);
    return this.#key() !== before;
  }

  /** Probes passed: true when the backends to use changed. Pods no longer listed as not-ready are ignored. */
  markHealthy(dests: readonly string[]): boolean {
    let changed = false;
    for (const dest of dests) {
      if (!this.#notReady.has(dest) || this.#probedHealthy.has(dest)) continue;
      this.#probedHealthy.add(dest);
      changed = true;
    }
    return changed;
  }

  /** Not-ready pods that have not passed a probe yet, as `ip:port`. */
  toProbe(): string[] {
    return [...this.#notReady.keys()].filter((d) => !this.#probedHealthy.has(d)).sort();
  }

  get readyCount(): number {
    return this.#ready.size;
  }

  /** Ready ∪ probed-healthy, in a stable order. */
  backends(): Backend[] {
    const out = new Map(this.#ready);
    for (const dest of this.#probedHealthy) {
      const b = this.#notReady.get(dest);
      if (b) out.set(dest, b);
    }
    return [...out.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, b]) => b);
  }

  #key(): string {
    return this.backends().map(destOf).join(',');
  }
}
