/**
 * Compiles NetworkPolicies, pods and namespaces into a PolicyIndex: for every pod, the
 * ingress policies that select it, and for every live pod address, the pod behind it. The
 * index is rebuilt whenever any of the three inputs changes (informer events), so
 * admitting a connection is two map lookups plus the rules of the few policies that
 * select the destination.
 */
import { labelSelectorFromObject, type LabelSelector } from '../../api/selectors/index.ts';
import { normalizeIp } from './ip-block.ts';
import { compilePeer, type CompiledPeer, type NamespaceLabels, type SourcePod } from './peers.ts';
import { compilePorts, namedPortsOf, type CompiledPorts, type NamedPorts } from './ports.ts';
import type { CompileInput, NetworkPolicy, PolicyPod } from './types.ts';

export interface CompiledRule {
  ports: CompiledPorts;
  /** `undefined`: the rule has no `from`, so every source (pods, node, external). */
  peers: readonly CompiledPeer[] | undefined;
}

export interface CompiledPolicy {
  /** `namespace/name`. */
  key: string;
  namespace: string;
  podSelector: LabelSelector;
  /** Whether the policy isolates selected pods for ingress (policyTypes, defaulted). */
  ingress: boolean;
  /** Whether it isolates for egress (kept for the egress evaluator; unused here). */
  egress: boolean;
  ingressRules: readonly CompiledRule[];
}

export interface IndexedPod {
  key: string;
  source: SourcePod;
  namedPorts: NamedPorts;
  hostNetwork: boolean;
  /** Succeeded or Failed: such pods hold no address as sources. */
  terminal: boolean;
}

export interface PolicyIndex {
  readonly policies: readonly CompiledPolicy[];
  /** `namespace/name` → the pod. */
  readonly pods: ReadonlyMap<string, IndexedPod>;
  /** Normalised IP → the live pod holding it (pod IPs and any extra addresses). */
  readonly podsByIp: ReadonlyMap<string, IndexedPod>;
  /** `namespace/name` of a pod → the ingress policies selecting it, by policy key. */
  readonly ingressSelecting: ReadonlyMap<string, readonly CompiledPolicy[]>;
  /** Policies skipped because a selector did not parse (the API server refuses these). */
  readonly errors: readonly string[];
}

/** policyTypes as the API server defaults them when absent: Ingress, plus Egress with egress rules. */
export function policyTypesOf(policy: NetworkPolicy): { ingress: boolean; egress: boolean } {
  const types = policy.spec?.policyTypes ?? [];
  if (types.length === 0) return { ingress: true, egress: (policy.spec?.egress ?? []).length > 0 };
  return { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
}

function compilePolicy(policy: NetworkPolicy, namespaces: NamespaceLabels): CompiledPolicy {
  const namespace = policy.metadata.namespace ?? 'default';
  const spec = policy.spec ?? {};
  // An absent podSelector is the empty one (every pod of the namespace), as in the API.
  const podSelector = labelSelectorFromObject(spec.podSelector ?? {});
  const ingressRules = (spec.ingress ?? []).map((rule): CompiledRule => ({
    ports: compilePorts(rule.ports),
    peers: rule.from && rule.from.length > 0 ? rule.from.map((p) => compilePeer(p, namespace, namespaces)) : undefined,
  }));
  return { key: `${namespace}/${policy.metadata.name ?? ''}`, namespace, podSelector, ...policyTypesOf(policy), ingressRules };
}

function indexPod(pod: PolicyPod): IndexedPod {
  const namespace = pod.metadata.namespace ?? 'default';
  const phase = pod.status?.phase;
  return {
    key: `${namespace}/${pod.metadata.name ?? ''}`,
    source: { namespace, labels: pod.metadata.labels ?? {} },
    namedPorts: namedPortsOf(pod.spec?.containers),
    hostNetwork: pod.spec?.hostNetwork === true,
    terminal: phase === 'Succeeded' || phase === 'Failed',
  };
}

function addressesOf(pod: PolicyPod, extra: CompileInput['extraAddresses']): string[] {
  const ips = new Set<string>();
  if (pod.status?.podIP) ips.add(normalizeIp(pod.status.podIP));
  for (const { ip } of pod.status?.podIPs ?? []) if (ip) ips.add(normalizeIp(ip));
  if (ips.size > 0 && extra) for (const ip of extra(pod)) ips.add(normalizeIp(ip));
  return [...ips];
}

export function compileNetworkPolicies(input: CompileInput): PolicyIndex {
  const namespaces: NamespaceLabels = new Map(input.namespaces.map((ns) => [ns.metadata.name ?? '', ns.metadata.labels ?? {}]));
  const errors: string[] = [];
  const policies: CompiledPolicy[] = [];
  const ordered = [...input.policies].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  for (const policy of ordered) {
    try {
      policies.push(compilePolicy(policy, namespaces));
    } catch (err) {
      errors.push(`${keyOf(policy)}: ${(err as Error).message}`);
    }
  }
  const pods = new Map<string, IndexedPod>();
  const podsByIp = new Map<string, IndexedPod>();
  const ingressSelecting = new Map<string, CompiledPolicy[]>();
  const ingressByNamespace = new Map<string, CompiledPolicy[]>();
  for (const p of policies) {
    if (p.ingress) ingressByNamespace.set(p.namespace, [...(ingressByNamespace.get(p.namespace) ?? []), p]);
  }
  for (const pod of input.pods) {
    const indexed = indexPod(pod);
    pods.set(indexed.key, indexed);
    // Host-network pods share the node's address: their traffic is node traffic, and
    // NetworkPolicy does not apply to them as destinations either.
    if (indexed.hostNetwork) continue;
    if (!indexed.terminal) {
      // Terminal pods are skipped: their address may already belong to a new pod.
      for (const ip of addressesOf(pod, input.extraAddresses)) podsByIp.set(ip, indexed);
    }
    const candidates = ingressByNamespace.get(indexed.source.namespace) ?? [];
    const selecting = candidates.filter((p) => p.podSelector.matches(indexed.source.labels));
    if (selecting.length > 0) ingressSelecting.set(indexed.key, selecting);
  }
  return { policies, pods, podsByIp, ingressSelecting, errors };
}

function keyOf(policy: NetworkPolicy): string {
  return `${policy.metadata.namespace ?? 'default'}/${policy.metadata.name ?? ''}`;
}
