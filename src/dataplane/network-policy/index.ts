/** NetworkPolicy semantics as a pure engine: compile on change, admit per connection. */
export { compileNetworkPolicies, policyTypesOf, type PolicyIndex, type CompiledPolicy, type CompiledRule, type IndexedPod } from './compile.ts';
export { admitIngress } from './admit.ts';
export { renderPolicyRuleset, type RulesetOptions } from './nft-ruleset.ts';
export { normalizeIp } from './ip-block.ts';
export type {
  CompileInput, ConnectionSource, Decision, IngressConnection, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort,
  NetworkPolicyIngressRule, NetworkPolicyEgressRule, PodRef, PolicyNamespace, PolicyPod, Protocol,
} from './types.ts';
