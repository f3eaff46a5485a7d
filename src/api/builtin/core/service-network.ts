/**
 * The address ranges Services are given on one machine, and IPv4 range arithmetic over them.
 *
 * Linux routes all of 127.0.0.0/8 to the loopback interface, so any address in it can be
 * bound and reached by every program on the machine without root and without creating
 * interfaces. Service cluster IPs come from 127.96.0.0/16 (an echo of kube-apiserver's
 * 10.96.0.0/12 default) and LoadBalancer ingress addresses from 127.97.0.0/24; pod
 * addresses must stay out of 127.96.0.0/15. Node ports are kube-apiserver's 30000-32767.
 */
export const DEFAULT_SERVICE_CIDR = '127.96.0.0/16';
export const DEFAULT_LOAD_BALANCER_POOL = '127.97.0.0/24';
export const DEFAULT_NODE_PORT_RANGE = '30000-32767';

export interface Ipv4Range {
  /** The CIDR as written, e.g. `127.96.0.0/16`. */
  readonly cidr: string;
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  /** Number of addresses in the block (2^(32-bits)). */
  readonly size: number;
}

export function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses an IPv4 CIDR; throws an Error naming the problem (configuration is checked at start). */
export function parseIpv4Range(cidr: string): Ipv4Range {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr.trim());
  const ip = m ? ipv4ToInt(m[1]!) : undefined;
  const bits = m ? Number(m[2]) : NaN;
  if (ip === undefined || !(bits >= 8 && bits <= 30)) throw new Error(`invalid IPv4 range ${JSON.stringify(cidr)}: expected a CIDR such as 127.96.0.0/16 with a prefix between /8 and /30`);
  const size = 2 ** (32 - bits);
  return { cidr: `${intToIpv4(ip - (ip % size))}/${bits}`, base: ip - (ip % size), size };
}

/** The offset of `ip` inside the range, or undefined when outside it. */
export function offsetInRange(range: Ipv4Range, ip: string): number | undefined {
  const n = ipv4ToInt(ip);
  if (n === undefined || n < range.base || n >= range.base + range.size) return undefined;
  return n - range.base;
}

export function addressAt(range: Ipv4Range, offset: number): string {
  return intToIpv4(range.base + offset);
}

export interface PortRange {
  readonly min: number;
  readonly max: number;
}

/** Parses `30000-32767` (or a single port) as kube-apiserver's --service-node-port-range. */
export function parsePortRange(text: string): PortRange {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  const min = m ? Number(m[1]) : NaN;
  const max = m ? Number(m[2] ?? m[1]) : NaN;
  if (!(min >= 1 && max <= 65535 && min <= max)) throw new Error(`invalid port range ${JSON.stringify(text)}: expected MIN-MAX within 1-65535`);
  return { min, max };
}

export function formatPortRange(r: PortRange): string {
  return `${r.min}-${r.max}`;
}

/**
 * The cluster DNS address: the tenth address of the Service range, as kubeadm gives
 * kube-dns `10.96.0.10` in 10.96.0.0/12. It lies in the range's static band, which dynamic
 * ClusterIP allocation uses last.
 */
export function clusterDnsAddress(range: Ipv4Range): string {
  return addressAt(range, 10);
}
