/**
 * Picking an endpoint of a cluster as its DestinationRule's `loadBalancer` asks: ROUND_ROBIN
 * (Istio's default; LEAST_REQUEST is treated alike, the engine does not report in-flight
 * counts per endpoint), RANDOM, or consistent hashing on a header, cookie, query parameter
 * or the client's IP — the same key lands on the same endpoint while the endpoint set is
 * unchanged (a plain modulo over the sorted endpoints, not Envoy's ring: keys move when the
 * set changes).
 */
import type { Cluster, Endpoint, LoadBalancerPolicy } from '../config/model.ts';

export interface PickContext {
  headers: Readonly<Record<string, string>>;
  path: string;
  clientIp: string;
  random: () => number;
}

/** FNV-1a, 32 bits: fast, stable across runs. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function hashKey(policy: Extract<LoadBalancerPolicy, { type: 'consistent-hash' }>, ctx: PickContext): string | undefined {
  const key = policy.key;
  if ('header' in key) return ctx.headers[key.header.toLowerCase()];
  if ('cookie' in key) return cookie(ctx.headers.cookie, key.cookie);
  if ('sourceIp' in key) return ctx.clientIp;
  const q = ctx.path.indexOf('?');
  return q < 0 ? undefined : new URLSearchParams(ctx.path.slice(q + 1)).get(key.queryParameter) ?? undefined;
}

export class EndpointPicker {
  readonly #next = new Map<string, number>();
  /** Ready endpoints per compiled cluster, sorted for hashing: computed once per configuration. */
  readonly #ready = new WeakMap<Cluster, Endpoint[]>();

  ready(cluster: Cluster): Endpoint[] {
    let list = this.#ready.get(cluster);
    if (!list) {
      list = cluster.endpoints.filter((e) => e.ready).sort((a, b) => (a.address === b.address ? a.port - b.port : a.address < b.address ? -1 : 1));
      this.#ready.set(cluster, list);
    }
    return list;
  }

  /**
   * `attempt` > 0 is a retry: hashing moves on to the next endpoint so a retry can succeed
   * elsewhere. `ejected` (outlier detection) removes endpoints while any other is left.
   */
  pick(cluster: Cluster, ctx: PickContext, attempt = 0, ejected?: (e: Endpoint) => boolean): Endpoint | undefined {
    let ready = this.ready(cluster);
    if (ready.length === 0) return undefined;
    if (ejected && cluster.outlierDetection) {
      const healthy = ready.filter((e) => !ejected(e));
      if (healthy.length > 0) ready = healthy;
    }
    const lb = cluster.loadBalancer;
    if (lb.type === 'consistent-hash') {
      const key = hashKey(lb, ctx);
      if (key !== undefined) return ready[(hash(key) + attempt) % ready.length];
    } else if (lb.algorithm === 'RANDOM') {
      return ready[Math.floor(ctx.random() * ready.length)];
    }
    const i = this.#next.get(cluster.name) ?? 0;
    this.#next.set(cluster.name, i + 1);
    return ready[i % ready.length];
  }
}
