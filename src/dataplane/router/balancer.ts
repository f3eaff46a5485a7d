/**
 * Picks an endpoint for a route among its backends. Each backend's weight is shared by its
 * endpoints (as the OpenShift router spreads a Service's weight over its servers), then
 * HAProxy's algorithm named by `haproxy.router.openshift.io/balance` chooses: smooth
 * weighted round-robin (default), weighted random, least connections, or a hash of the
 * client's address (`source`).
 */
import type { BalanceAlgorithm, RouterBackend, RouterEndpoint } from './model.ts';

interface Candidate {
  endpoint: RouterEndpoint;
  weight: number;
  current: number;
  active: number;
}

export class Balancer {
  readonly algorithm: BalanceAlgorithm;
  /** Identifies the candidate set, so a table push keeps state when nothing changed. */
  readonly signature: string;
  readonly #candidates: Candidate[];
  readonly #total: number;

  constructor(backends: readonly RouterBackend[], algorithm: BalanceAlgorithm) {
    this.algorithm = algorithm;
    this.#candidates = backends.flatMap((b) => (b.weight > 0 ? b.endpoints.map((endpoint) => ({ endpoint, weight: b.weight / b.endpoints.length, current: 0, active: 0 })) : []));
    this.#total = this.#candidates.reduce((sum, c) => sum + c.weight, 0);
    this.signature = `${algorithm}|${this.#candidates.map((c) => `${c.endpoint.address}:${c.endpoint.port}*${c.weight}`).join(',')}`;
  }

  get empty(): boolean {
    return this.#candidates.length === 0;
  }

  /** The endpoint for a new connection; call the returned `release` when it closes. */
  pick(clientAddress: string): { endpoint: RouterEndpoint; release: () => void } | undefined {
    const chosen = this.#choose(clientAddress);
    if (!chosen) return undefined;
    chosen.active++;
    let released = false;
    return {
      endpoint: chosen.endpoint,
      release: () => {
        if (!released) chosen.active--;
        released = true;
      },
    };
  }

  #choose(clientAddress: string): Candidate | undefined {
    const all = this.#candidates;
    if (all.length <= 1) return all[0];
    switch (this.algorithm) {
      case 'random': {
        let r = Math.random() * this.#total;
        for (const c of all) if ((r -= c.weight) < 0) return c;
        return all[all.length - 1];
      }
      case 'leastconn':
        return all.reduce((best, c) => (c.active / c.weight < best.active / best.weight ? c : best));
      case 'source': {
        let hash = 2166136261;
        for (let i = 0; i < clientAddress.length; i++) hash = Math.imul(hash ^ clientAddress.charCodeAt(i), 16777619) >>> 0;
        return all[hash % all.length];
      }
      case 'roundrobin': {
        // Nginx's smooth weighted round-robin: even spread, exact proportions.
        let best = all[0]!;
        for (const c of all) {
          c.current += c.weight;
          if (c.current > best.current) best = c;
        }
        best.current -= this.#total;
        return best;
      }
    }
  }
}
