/**
 * Cluster DNS names, as Kubernetes' DNS specification (CoreDNS's kubernetes plugin) defines
 * them, resolved from Services and Endpoints:
 *   <service>.<ns>.svc.<domain>           the cluster IP; a headless service's ready endpoint
 *                                          addresses; an ExternalName service's CNAME
 *   <hostname>.<service>.<ns>.svc.<domain> an endpoint address with that hostname
 *   <a-b-c-d>.<ns>.pod.<domain>           that address
 * Anything else under the domain does not exist; names outside it are not ours (forwarded).
 */
import type { KubeObject } from '../../../api/object.ts';
import { TYPE_A, TYPE_AAAA, TYPE_CNAME, type DnsRecord } from './dns-message.ts';

export const CLUSTER_DOMAIN = 'cluster.local';
export const CLUSTER_TTL = 5;

export interface ClusterObjects {
  service(namespace: string, name: string): KubeObject | undefined;
  endpoints(namespace: string, name: string): KubeObject | undefined;
}

export type ClusterAnswer = { found: true; records: DnsRecord[] } | { found: false };

/** Whether `name` is under the cluster domain (answered here, never by the host's resolvers). */
export function isClusterName(name: string, domain = CLUSTER_DOMAIN): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  return n === domain || n.endsWith(`.${domain}`);
}

/** How many ExternalName services in a row are followed (CoreDNS stops a CNAME chain too). */
const MAX_CNAME_CHAIN = 8;

/**
 * Resolves a cluster name; undefined when the name is outside the cluster domain. An
 * ExternalName service answers its CNAME and, when the target is a cluster name too, the
 * target's records after it, as CoreDNS answers: a stub resolver (glibc, musl) does not chase
 * a CNAME itself, so without them `curl http://<ksvc>.<ns>.svc.cluster.local` (Knative's
 * ExternalName to knative-local-gateway) could not resolve.
 */
export function resolveClusterName(name: string, type: number, objects: ClusterObjects, domain = CLUSTER_DOMAIN, chain = 0): ClusterAnswer | undefined {
  if (!isClusterName(name, domain)) return undefined;
  const n = name.toLowerCase().replace(/\.$/, '');
  const labels = n.slice(0, Math.max(0, n.length - domain.length - 1)).split('.').filter((l) => l !== '');
  const want = (ip: string) => (ip.includes(':') ? type === TYPE_AAAA : type === TYPE_A);
  const addresses = (ips: string[]): ClusterAnswer => ({ found: true, records: ips.filter(want).map((address) => ({ name: n, type: address.includes(':') ? TYPE_AAAA : TYPE_A, ttl: CLUSTER_TTL, address }) as DnsRecord) });

  if (labels.length === 3 && labels[2] === 'pod') {
    const ip = labels[0]!.includes('-') && !labels[0]!.includes(':') ? labels[0]!.replace(/-/g, '.') : '';
    return /^\d+\.\d+\.\d+\.\d+$/.test(ip) ? addresses([ip]) : { found: false };
  }
  if ((labels.length === 3 || labels.length === 4) && labels.at(-1) === 'svc') {
    const [serviceName, namespace] = labels.length === 3 ? [labels[0]!, labels[1]!] : [labels[1]!, labels[2]!];
    const svc = objects.service(namespace, serviceName);
    if (!svc) return { found: false };
    const spec = (svc.spec ?? {}) as { type?: string; clusterIP?: string; clusterIPs?: string[]; externalName?: string };
    const ready = readyAddresses(objects.endpoints(namespace, serviceName));
    if (labels.length === 4) {
      const ips = ready.filter((a) => a.hostname === labels[0]).map((a) => a.ip);
      return ips.length > 0 ? addresses(ips) : { found: false };
    }
    if (spec.type === 'ExternalName' && spec.externalName) {
      const cname: DnsRecord = { name: n, type: TYPE_CNAME, ttl: CLUSTER_TTL, target: spec.externalName };
      const target = type !== TYPE_CNAME && chain < MAX_CNAME_CHAIN ? resolveClusterName(spec.externalName, type, objects, domain, chain + 1) : undefined;
      return { found: true, records: [cname, ...(target?.found ? target.records : [])] };
    }
    if (spec.clusterIP === 'None') return addresses(ready.map((a) => a.ip));
    return addresses(spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []));
  }
  return { found: false };
}

function readyAddresses(endpoints: KubeObject | undefined): Array<{ ip: string; hostname?: string }> {
  const subsets = ((endpoints as { subsets?: Array<{ addresses?: Array<{ ip: string; hostname?: string }> }> } | undefined)?.subsets) ?? [];
  return subsets.flatMap((s) => s.addresses ?? []);
}
