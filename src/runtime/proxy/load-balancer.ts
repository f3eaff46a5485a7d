/**
 * LoadBalancer addresses from a local pool, as a cloud provider's service controller (or
 * MetalLB) hands them out: each `type: LoadBalancer` Service without a loadBalancerClass
 * gets one IP (its `spec.loadBalancerIP` when that is in the pool and free, else the lowest
 * free one) in `status.loadBalancer.ingress`, keeps it while it stays a LoadBalancer, and
 * loses it when it changes type. Ingress entries from outside the pool are left alone. The service proxy then listens on that IP.
 */
import { addressAt, offsetInRange, type Ipv4Range } from '../../api/builtin/core/service-network.ts';
import type { LoadBalancerIngress, Service } from '../../api/builtin/core/service-view.ts';

export interface LoadBalancerChange {
  service: Service;
  /** The ingress to write; an empty list clears it. */
  ingress: LoadBalancerIngress[];
}

export interface LoadBalancerPlan {
  changes: LoadBalancerChange[];
  /** Services that want an address the pool cannot give. */
  exhausted: Service[];
}

function inPool(pool: Ipv4Range, ip: string | undefined): boolean {
  const off = ip ? offsetInRange(pool, ip) : undefined;
  return off !== undefined && off !== 0 && off !== pool.size - 1;
}

const wantsAddress = (svc: Service) => svc.spec.type === 'LoadBalancer' && !svc.spec.loadBalancerClass;
const currentIP = (svc: Service) => svc.status?.loadBalancer?.ingress?.[0]?.ip;

export function planLoadBalancers(services: readonly Service[], pool: Ipv4Range): LoadBalancerPlan {
  const taken = new Set<string>();
  const assigned = new Map<Service, string>();
  const ordered = [...services].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  // Keep what is already handed out first, so addresses never move between Services.
  for (const svc of ordered) {
    const ip = currentIP(svc);
    if (wantsAddress(svc) && inPool(pool, ip) && !taken.has(ip!)) {
      taken.add(ip!);
      assigned.set(svc, ip!);
    }
  }
  const plan: LoadBalancerPlan = { changes: [], exhausted: [] };
  for (const svc of ordered) {
    if (!wantsAddress(svc)) {
      // Only what this pool handed out is taken back; other ingress entries are someone else's.
      const ingress = svc.status?.loadBalancer?.ingress ?? [];
      if (svc.spec.type !== 'LoadBalancer' && ingress.some((i) => inPool(pool, i.ip))) plan.changes.push({ service: svc, ingress: ingress.filter((i) => !inPool(pool, i.ip)) });
      continue;
    }
    let ip = assigned.get(svc);
    if (!ip) {
      const requested = svc.spec.loadBalancerIP;
      if (requested && inPool(pool, requested) && !taken.has(requested)) ip = requested;
      else for (let off = 1; off < pool.size - 1 && !ip; off++) if (!taken.has(addressAt(pool, off))) ip = addressAt(pool, off);
      if (!ip) {
        plan.exhausted.push(svc);
        continue;
      }
      taken.add(ip);
    }
    const ingress = [{ ip, ipMode: 'VIP' }];
    if (JSON.stringify(svc.status?.loadBalancer?.ingress ?? []) !== JSON.stringify(ingress)) plan.changes.push({ service: svc, ingress });
  }
  return plan;
}
