/**
 * Which ready pod of a revision gets the next request (knative/serving
 * pkg/activator/net/lb_policy.go). Each pod has a tracker holding at most
 * containerConcurrency requests (unlimited when CC is 0):
 * - CC 0: the power of two random choices on in-flight counts (no pod is ever "full");
 * - CC ≤ 3: the first pod with a free slot (packs tiny-concurrency pods in a stable order);
 * - otherwise round robin over pods with a free slot.
 */

export class PodTracker {
  readonly dest: string;
  /** containerConcurrency, or Infinity for CC 0. */
  capacity: number;
  inFlight = 0;

  constructor(dest: string, capacity: number) {
    this.dest = dest;
    this.capacity = capacity;
  }

  /** Takes a slot if there is one; the caller releases it with `release()`. */
  reserve(): boolean {
    if (this.inFlight >= this.capacity) return false;
    this.inFlight++;
    return true;
  }

  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }
}

/** A pick holds a slot on `tracker` until the request ends. */
export type LoadBalancingPolicy = (trackers: readonly PodTracker[]) => PodTracker | undefined;

export function randomChoice2Policy(random: () => number = Math.random): LoadBalancingPolicy {
  return (trackers) => {
    const n = trackers.length;
    if (n === 0) return undefined;
    let r1 = 0;
    let r2 = 1;
    if (n === 1) r2 = 0;
    else if (n > 2) {
      r1 = Math.floor(random() * n);
      // Pick the second from the other n-1 indices.
      r2 = Math.floor(random() * (n - 1));
      if (r2 >= r1) r2++;
    }
    const a = trackers[r1];
    const b = trackers[r2];
    if (!a || !b) return undefined;
    let pick = a;
    if (a.inFlight > b.inFlight) pick = b;
    else if (a.inFlight === b.inFlight && random() < 0.5) pick = b;
    pick.inFlight++;
    return pick;
  };
}

export function firstAvailablePolicy(): LoadBalancingPolicy {
  return (trackers) => trackers.find((t) => t.reserve());
}

export function roundRobinPolicy(): LoadBalancingPolicy {
  let next = 0;
  return (trackers) => {
    const n = trackers.length;
    if (next >= n) next = 0;
    for (let i = 0; i < n; i++) {
      const p = (next + i) % n;
      const t = trackers[p];
      if (t?.reserve()) {
        next = p + 1;
        return t;
      }
    }
    return undefined;
  };
}

/** Upstream's choice by containerConcurrency (newRevisionThrottler). */
export function policyFor(containerConcurrency: number, random?: () => number): LoadBalancingPolicy {
  if (containerConcurrency === 0) return randomChoice2Policy(random);
  if (containerConcurrency <= 3) return firstAvailablePolicy();
  return roundRobinPolicy();
}
