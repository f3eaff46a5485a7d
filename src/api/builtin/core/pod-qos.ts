/**
 * A pod's QoS class (pkg/apis/core/helper/qos ComputePodQOS), which the Pod strategy records
 * in `status.qosClass` on create: BestEffort with no cpu/memory requests or limits at all,
 * Guaranteed when every container limits cpu and memory and requests equal limits,
 * Burstable otherwise.
 */
import { obj, objs } from '../util/obj.ts';
import { parseQuantity } from '../util/quantity.ts';

const COMPUTE = ['cpu', 'memory'];

export type QOSClass = 'BestEffort' | 'Burstable' | 'Guaranteed';

export function podQOSClass(spec: unknown): QOSClass {
  const s = obj(spec);
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...objs(s.containers), ...objs(s.initContainers)]) {
    const res = obj(c.resources);
    for (const [name, q] of Object.entries(obj(res.requests))) {
      const v = parseQuantity(q);
      if (!COMPUTE.includes(name) || v === undefined || v === 0) continue;
      requests.set(name, (requests.get(name) ?? 0) + v);
    }
    const found = new Set<string>();
    for (const [name, q] of Object.entries(obj(res.limits))) {
      const v = parseQuantity(q);
      if (!COMPUTE.includes(name) || v === undefined || v === 0) continue;
      found.add(name);
      limits.set(name, (limits.get(name) ?? 0) + v);
    }
    if (!COMPUTE.every((n) => found.has(n))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, v] of requests) if (limits.get(name) !== v) guaranteed = false;
    if (requests.size !== limits.size) guaranteed = false;
  }
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
