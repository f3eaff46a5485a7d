/**
 * Renders a PolicyIndex as an nftables table: the kernel then enforces NetworkPolicy on
 * every new connection into a pod, whichever process listens there (an app on its pod
 * address, a gateway, a sidecar, the activator) and whichever way the client came (direct
 * to the pod, or through a Service: the service proxy keeps the client pod's address).
 *
 * The shape, for one isolated pod:
 *
 *   chain ingress { type filter hook input …; ct state established,related accept;
 *                   ip saddr != <pod CIDR> accept;      # the node: always allowed
 *                   ip daddr vmap @isolated }           # pod address → its chain
 *   chain pod_3   { ip saddr { <its own addresses> } accept;
 *                   ip saddr { <peers' addresses> } tcp dport { 8080, 9000-9100 } accept;
 *                   counter drop }
 *
 * Sources are addresses: the kernel sees each pod's connections come from its pod IP (the
 * runtime's per-pod source NAT, docs/network-policy.md), so a pod selector becomes the set
 * of the live addresses of the pods it picks, recomputed on every pod change. Dropping
 * (not rejecting) is what CNIs do, and it lets a client whose first SYN raced the rules
 * for its brand-new address succeed on the retransmission.
 */
import { cidrContains, parseCIDR } from '../../api/builtin/util/names.ts';
import type { CompiledRule, IndexedPod, PolicyIndex } from './compile.ts';
import { peerMatches, type CompiledPeer } from './peers.ts';
import type { CompiledPorts, NamedPorts } from './ports.ts';

export interface RulesetOptions {
  /** The nft table (family `ip`). */
  table: string;
  /** Written as the table's comment (who owns it, for stale-table cleanup). */
  comment: string;
  /** The pod CIDR: only sources inside it can be refused (everything else is the node). */
  podCidr: string;
}

const L4 = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' } as const;

/** The whole table as one `nft -f` script that replaces any previous version atomically. */
export function renderPolicyRuleset(index: PolicyIndex, o: RulesetOptions): string {
  const addresses = addressesByPod(index);
  const chains: string[] = [];
  const isolated: string[] = [];
  let n = 0;
  for (const [key, policies] of [...index.ingressSelecting].sort(([a], [b]) => a.localeCompare(b))) {
    const pod = index.pods.get(key);
    const own = addresses.get(key);
    if (!pod || !own || own.length === 0) continue;
    const chain = `pod_${n++}`;
    const lines = [`# ${key}: ${policies.map((p) => p.key).join(', ')}`, `ip saddr ${set(own)} accept`];
    for (const policy of policies) {
      for (const rule of policy.ingressRules) for (const line of ruleLines(rule, pod.namedPorts, index)) lines.push(`${line} accept comment "${policy.key}"`);
    }
    lines.push('counter drop');
    chains.push(chainBlock(chain, lines));
    for (const ip of own) isolated.push(`${ip} : jump ${chain}`);
  }
  const entry = chainBlock('ingress_input', [
    'type filter hook input priority filter; policy accept;',
    'ct state established,related accept',
    `ip saddr != ${o.podCidr} accept`,
    ...(isolated.length > 0 ? ['ip daddr vmap @isolated'] : []),
  ]);
  const body = [
    `comment "${o.comment}"`,
    ...(isolated.length > 0 ? [`map isolated {\n    type ipv4_addr : verdict\n    elements = { ${isolated.join(', ')} }\n  }`] : []),
    ...chains,
    entry,
  ];
  // add + delete + define in one transaction: the old table goes and the new one comes at once.
  return `add table ip ${o.table}\ndelete table ip ${o.table}\ntable ip ${o.table} {\n  ${body.join('\n  ')}\n}\n`;
}

function chainBlock(name: string, lines: readonly string[]): string {
  return `chain ${name} {\n    ${lines.join('\n    ')}\n  }`;
}

function set(items: readonly string[]): string {
  return items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`;
}

function addressesByPod(index: PolicyIndex): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [ip, pod] of index.podsByIp) {
    if (ip.includes(':')) continue; // the table is IPv4: pods here have IPv4 addresses
    out.set(pod.key, [...(out.get(pod.key) ?? []), ip]);
  }
  for (const list of out.values()) list.sort(compareIp);
  return out;
}

/** The nft match lines one rule admits (each ends before its verdict); none when it admits nothing. */
export function ruleLines(rule: CompiledRule, named: NamedPorts, index: PolicyIndex): string[] {
  const sources = sourceClauses(rule.peers, index);
  const ports = portClauses(rule.ports, named);
  const out: string[] = [];
  for (const s of sources) for (const p of ports) out.push([s, p].filter(Boolean).join(' '));
  return out;
}

/** `''` matches every source; an empty list matches none. */
function sourceClauses(peers: readonly CompiledPeer[] | undefined, index: PolicyIndex): string[] {
  if (peers === undefined) return [''];
  const out: string[] = [];
  const podIps = new Set<string>();
  for (const peer of peers) {
    if (peer.kind === 'ipBlock') {
      const clause = ipBlockClause(peer.cidr, peer.except);
      if (clause) out.push(clause);
      continue;
    }
    for (const [ip, pod] of index.podsByIp) if (!ip.includes(':') && podMatches(peer, pod)) podIps.add(ip);
  }
  if (podIps.size > 0) out.unshift(`ip saddr ${set([...podIps].sort(compareIp))}`);
  return out;
}

function podMatches(peer: CompiledPeer, pod: IndexedPod): boolean {
  return peerMatches(peer, { pod: pod.source, ip: () => undefined });
}

/**
 * An ipBlock → nft. IPv6 blocks match nothing in an IPv4 table; an except inside another
 * except is dropped, since nft refuses overlapping elements in one set.
 */
function ipBlockClause(cidr: string, except: readonly string[]): string | undefined {
  const block = parseCIDR(cidr);
  if (!block || cidr.includes(':')) return undefined;
  const parsed = except.filter((e) => !e.includes(':')).map((text) => ({ text, cidr: parseCIDR(text) })).filter((e) => e.cidr !== undefined);
  const outer = parsed.filter((e, i) => !parsed.some((o, j) => j !== i && cidrContains(o.cidr!, e.cidr!) && (!cidrContains(e.cidr!, o.cidr!) || j < i)));
  const excepts = outer.map((e) => e.text);
  return `ip saddr ${cidr}${excepts.length > 0 ? ` ip saddr != ${set(excepts)}` : ''}`;
}

/** `''` matches every port of every protocol; an empty list matches nothing. */
function portClauses(ports: CompiledPorts, named: NamedPorts): string[] {
  if (ports === undefined) return [''];
  const byProtocol = new Map<string, Array<[number, number]> | 'any'>();
  for (const m of ports) {
    const proto = L4[m.protocol as keyof typeof L4];
    if (!proto) continue;
    if (m.kind === 'any-port') {
      byProtocol.set(proto, 'any');
      continue;
    }
    const current = byProtocol.get(proto);
    if (current === 'any') continue;
    const values = current ?? [];
    if (m.kind === 'range') values.push([m.from, m.to]);
    else for (const d of named.get(m.name) ?? []) if (L4[d.protocol] === proto) values.push([d.port, d.port]);
    byProtocol.set(proto, values);
  }
  const out: string[] = [];
  for (const [proto, values] of byProtocol) {
    if (values === 'any') out.push(`meta l4proto ${proto}`);
    else if (values.length > 0) out.push(`${proto} dport ${set(mergeRanges(values).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)))}`);
  }
  return out;
}

/** Sorted, with overlapping and adjacent ranges joined (nft refuses overlapping set elements). */
export function mergeRanges(ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const sorted = [...ranges].map(([a, b]): [number, number] => [Math.min(a, b), Math.max(a, b)]).sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

function compareIp(a: string, b: string): number {
  const na = a.split('.').map(Number);
  const nb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (na[i] !== nb[i]) return (na[i] ?? 0) - (nb[i] ?? 0);
  return 0;
}
