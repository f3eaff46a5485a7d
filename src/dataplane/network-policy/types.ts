/**
 * The shapes the NetworkPolicy engine reads and answers with. Inputs are structural (the
 * stored objects as the API server serves them, defaulted or not) so the engine stays pure
 * and callers pass informer caches straight in. Decisions name the policy that allowed a
 * connection so proxies can log and count it.
 */
import type { LabelSelectorObject } from '../../api/selectors/index.ts';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface NetworkPolicyPort {
  protocol?: string | null;
  /** A number, or the name of a destination container port (IANA_SVC_NAME). */
  port?: number | string | null;
  endPort?: number | null;
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelectorObject | null;
  namespaceSelector?: LabelSelectorObject | null;
  ipBlock?: { cidr: string; except?: string[] | null } | null;
}

export interface NetworkPolicyIngressRule {
  ports?: NetworkPolicyPort[] | null;
  from?: NetworkPolicyPeer[] | null;
}

/** Egress rules are read only to default policyTypes; the engine does not evaluate egress yet. */
export interface NetworkPolicyEgressRule {
  ports?: NetworkPolicyPort[] | null;
  to?: NetworkPolicyPeer[] | null;
}

export interface NetworkPolicy {
  metadata: { name?: string; namespace?: string };
  spec?: {
    podSelector?: LabelSelectorObject | null;
    ingress?: NetworkPolicyIngressRule[] | null;
    egress?: NetworkPolicyEgressRule[] | null;
    policyTypes?: string[] | null;
  };
}

export interface PolicyPod {
  metadata: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: {
    hostNetwork?: boolean;
    containers?: Array<{ ports?: Array<{ name?: string; containerPort: number; protocol?: string }> | null }>;
  };
  status?: { phase?: string; podIP?: string; podIPs?: Array<{ ip: string }> | null };
}

export interface PolicyNamespace {
  metadata: { name?: string; labels?: Record<string, string> };
}

export interface CompileInput {
  policies: readonly NetworkPolicy[];
  pods: readonly PolicyPod[];
  namespaces: readonly PolicyNamespace[];
  /**
   * More addresses a pod answers or connects from besides status.podIP(s) — e.g. a meshed
   * pod's inner address (`innerAddressOf`), so a connection from an app container is
   * recognised as its pod's. Optional; the engine itself knows nothing of sidecars.
   */
  extraAddresses?: (pod: PolicyPod) => readonly string[];
}

export type PodRef = { namespace: string; name: string };

export type ConnectionSource =
  | { kind: 'pod'; ip: string }
  /** The node the destination pod runs on (kubelet probes, the node proxy itself). */
  | { kind: 'node' }
  | { kind: 'external'; ip: string };

export interface IngressConnection {
  destinationPod: PodRef | { ip: string };
  port: number;
  protocol: Protocol;
  source: ConnectionSource;
}

export interface Decision {
  allowed: boolean;
  /** `namespace/name` of the first policy (in index order) whose rule allowed it. */
  policy?: string;
  reason: string;
}
