/**
 * ipBlock peers: `cidr` minus its `except` CIDRs, matched against a connection's source IP.
 * Node sockets report IPv4 peers on dual-stack listeners as `::ffff:a.b.c.d`; those are
 * unwrapped first so a `10.0.0.0/8` block matches them, as a CNI sees the IPv4 packet.
 */
import { cidrContains, parseCIDR, type Cidr } from '../../api/builtin/util/names.ts';

export interface IpBlockMatcher {
  /** The block as written, for reasons and debugging. */
  readonly text: string;
  matches(ip: ParsedIp): boolean;
}

/** A source address parsed once per connection and shared by every ipBlock check. */
export type ParsedIp = Cidr | undefined;

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** The canonical text of an address: IPv4-mapped IPv6 unwrapped, everything else as given. */
export function normalizeIp(ip: string): string {
  const mapped = MAPPED_V4.exec(ip);
  return mapped ? mapped[1]! : ip;
}

/** Parses an address as a host CIDR (/32 or /128); undefined when it is not an IP. */
export function parseIp(ip: string): ParsedIp {
  const text = normalizeIp(ip);
  return parseCIDR(`${text}/${text.includes(':') ? 128 : 32}`);
}

/**
 * Compiles an ipBlock. A block whose cidr does not parse matches nothing (validation keeps
 * such objects out of the store; failing closed is the safe reading of a broken peer). An
 * `except` that does not parse is ignored, as it can only narrow the block.
 */
export function compileIpBlock(block: { cidr: string; except?: readonly string[] | null }): IpBlockMatcher {
  const cidr = parseCIDR(block.cidr);
  const excepts = (block.except ?? []).map((e) => parseCIDR(e)).filter((e): e is Cidr => e !== undefined);
  const text = excepts.length > 0 ? `${block.cidr} except ${(block.except ?? []).join(',')}` : block.cidr;
  if (!cidr) return { text, matches: () => false };
  return {
    text,
    matches: (ip) => ip !== undefined && cidrContains(cidr, ip) && !excepts.some((e) => cidrContains(e, ip)),
  };
}
