/**
 * Whether the cluster's NetworkPolicies have their effect. A cluster whose network plugin
 * does not enforce NetworkPolicy stores them silently, the trap Kubernetes' docs warn of;
 * skiff enforces them in the kernel when it can (docs/network-policy.md) and says here when
 * it cannot — an error when policies exist (they are doing nothing), a warning otherwise.
 */
import { type CheckResult, type ClusterSnapshot, failed, passed, warned } from './types.ts';

const DESCRIPTION = 'NetworkPolicies are enforced';
const HINT = 'Run skiff as root on a kernel with nftables and cgroup v2, with Debian\'s nftables installed (scripts/ensure-tools.sh), in the loopback pod network (docs/network-policy.md).';

export function networkPolicyCheck(snapshot: ClusterSnapshot): CheckResult | undefined {
  const status = snapshot.networkPolicy;
  if (status === undefined) return undefined;
  const count = snapshot.networkPolicies?.length ?? 0;
  if (status.enforced && status.message === undefined) {
    return passed(`${DESCRIPTION} (${count} ${count === 1 ? 'policy' : 'policies'}, ${status.isolatedPods} ${status.isolatedPods === 1 ? 'pod' : 'pods'} isolated)`);
  }
  const why = status.message ?? 'not enforced';
  if (count === 0) return warned(DESCRIPTION, `NetworkPolicies would not be enforced: ${why}`, HINT);
  return failed(DESCRIPTION, `${count} ${count === 1 ? 'NetworkPolicy has' : 'NetworkPolicies have'} no effect: ${why}`, HINT);
}
