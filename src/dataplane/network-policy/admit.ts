/**
 * admitIngress: the Kubernetes decision for one new inbound connection. A pod that no
 * Ingress policy selects is not isolated and admits everything; a selected pod admits a
 * connection iff some ingress rule of some selecting policy admits both its port and its
 * source (policies are additive, there is no deny). Traffic from the pod's own node, and
 * from the pod to itself, is always allowed.
 */
import type { PolicyIndex, IndexedPod, CompiledRule } from './compile.ts';
import { normalizeIp, parseIp, type ParsedIp } from './ip-block.ts';
import { peerMatches, type PeerSource } from './peers.ts';
import { describePort, portsAllow } from './ports.ts';
import type { ConnectionSource, Decision, IngressConnection } from './types.ts';

function destinationOf(index: PolicyIndex, destination: IngressConnection['destinationPod']): IndexedPod | undefined {
  if ('ip' in destination) return index.podsByIp.get(normalizeIp(destination.ip));
  return index.pods.get(`${destination.namespace}/${destination.name}`);
}

function describeSource(source: ConnectionSource, pod: IndexedPod | undefined): string {
  if (source.kind === 'node') return 'the node';
  if (source.kind === 'external') return `external ${source.ip}`;
  return pod ? `pod ${pod.key} (${source.ip})` : `unknown pod address ${source.ip}`;
}

function peerSourceOf(index: PolicyIndex, source: ConnectionSource): { peer: PeerSource; pod: IndexedPod | undefined } {
  if (source.kind === 'node') return { peer: { pod: undefined, ip: () => undefined }, pod: undefined };
  // Only a `pod` source is looked up: the caller knows an external client from a pod
  // (which listener accepted it), and a terminal or unknown address selects as no pod.
  const pod = source.kind === 'pod' ? index.podsByIp.get(normalizeIp(source.ip)) : undefined;
  let parsed: ParsedIp | null = null;
  const ip = (): ParsedIp => (parsed === null ? (parsed = parseIp(source.ip)) : parsed);
  return { peer: { pod: pod?.source, ip }, pod };
}

function ruleAdmits(rule: CompiledRule, conn: IngressConnection, destination: IndexedPod, source: PeerSource): boolean {
  if (!portsAllow(rule.ports, conn.port, conn.protocol, destination.namedPorts)) return false;
  return rule.peers === undefined || rule.peers.some((peer) => peerMatches(peer, source));
}

export function admitIngress(index: PolicyIndex, conn: IngressConnection): Decision {
  const destination = destinationOf(index, conn.destinationPod);
  if (destination === undefined) return { allowed: true, reason: 'destination is not a known pod: no NetworkPolicy applies' };
  if (destination.hostNetwork) return { allowed: true, reason: `${destination.key} uses the host network: NetworkPolicy does not apply` };
  if (conn.source.kind === 'node') return { allowed: true, reason: `traffic from the node to ${destination.key} is always allowed` };
  const selecting = index.ingressSelecting.get(destination.key);
  if (selecting === undefined) return { allowed: true, reason: `no NetworkPolicy selects ${destination.key} for Ingress` };
  const { peer, pod } = peerSourceOf(index, conn.source);
  // The docs' other exception: "a pod cannot block access to itself".
  if (pod === destination) return { allowed: true, reason: `${destination.key} may always reach itself` };
  for (const policy of selecting) {
    if (policy.ingressRules.some((rule) => ruleAdmits(rule, conn, destination, peer))) {
      return { allowed: true, policy: policy.key, reason: `allowed by ${policy.key}` };
    }
  }
  const names = selecting.map((p) => p.key).join(', ');
  return {
    allowed: false,
    reason: `${destination.key} is isolated for Ingress by ${names}; no rule admits ${describeSource(conn.source, pod)} on ${describePort(conn.port, conn.protocol)}`,
  };
}
