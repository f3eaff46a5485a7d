/**
 * The `from` peers of an ingress rule. Namespace selectors are evaluated at compile time
 * into the set of namespace names they pick (namespaces are few and their labels change
 * rarely, and any change recompiles the index); pod selectors stay selectors and run
 * against the source pod's labels per connection, which costs one pass over a handful of
 * requirements and keeps the index linear in the number of peers rather than peers × pods.
 */
import { labelSelectorFromObject, type LabelSelector } from '../../api/selectors/index.ts';
import { compileIpBlock, type IpBlockMatcher, type ParsedIp } from './ip-block.ts';
import type { NetworkPolicyPeer } from './types.ts';

/** What the engine knows about a connection's source pod. */
export interface SourcePod {
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

/** The source as peers see it: the pod (when the address is a known, live pod) and the IP. */
export interface PeerSource {
  pod: SourcePod | undefined;
  /** Parsed lazily: only rules with ipBlock peers need it. */
  ip: () => ParsedIp;
}

export type CompiledPeer =
  | { kind: 'pods'; namespaces: ReadonlySet<string> | 'all'; pods: LabelSelector | undefined; text: string }
  | { kind: 'ipBlock'; block: IpBlockMatcher; cidr: string; except: readonly string[]; text: string };

/** namespace → its labels (a namespace object that is missing has no labels). */
export type NamespaceLabels = ReadonlyMap<string, Readonly<Record<string, string>>>;

/**
 * Compiles one peer of a policy in `policyNamespace`. Throws (SKF_API_BAD_SELECTOR) on a
 * selector the API server would have refused; the caller skips the policy and says so.
 */
export function compilePeer(peer: NetworkPolicyPeer, policyNamespace: string, namespaces: NamespaceLabels): CompiledPeer {
  if (peer.ipBlock) {
    const block = compileIpBlock(peer.ipBlock);
    return { kind: 'ipBlock', block, cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [], text: `ipBlock ${block.text}` };
  }
  const pods = peer.podSelector ? labelSelectorFromObject(peer.podSelector) : undefined;
  const podText = pods ? `pods {${pods.toString()}}` : 'all pods';
  if (!peer.namespaceSelector) {
    // podSelector alone: pods of the policy's own namespace.
    return { kind: 'pods', namespaces: new Set([policyNamespace]), pods, text: `${podText} in ${policyNamespace}` };
  }
  const selector = labelSelectorFromObject(peer.namespaceSelector);
  // `namespaceSelector: {}` is every namespace, including ones the index has no object for.
  const picked: ReadonlySet<string> | 'all' = selector.empty
    ? 'all'
    : new Set([...namespaces].filter(([, labels]) => selector.matches(labels)).map(([name]) => name));
  return { kind: 'pods', namespaces: picked, pods, text: `${podText} in namespaces {${selector.toString()}}` };
}

export function peerMatches(peer: CompiledPeer, source: PeerSource): boolean {
  if (peer.kind === 'ipBlock') return peer.block.matches(source.ip());
  const pod = source.pod;
  if (pod === undefined) return false;
  if (peer.namespaces !== 'all' && !peer.namespaces.has(pod.namespace)) return false;
  return peer.pods === undefined || peer.pods.matches(pod.labels);
}
