import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkPolicyCheck } from './network-policy.ts';
import type { ClusterSnapshot } from './types.ts';

const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'a' } };
const snapshot = (extra: Partial<ClusterSnapshot>) => extra as ClusterSnapshot;

test('no report from skiff: no check', () => {
  assert.equal(networkPolicyCheck(snapshot({ networkPolicies: [policy] })), undefined);
});

test('enforced: passes and says how many policies and isolated pods', () => {
  const r = networkPolicyCheck(snapshot({ networkPolicies: [policy], networkPolicy: { enforced: true, isolatedPods: 3, policies: 1 } }));
  assert.deepEqual(r, { description: 'NetworkPolicies are enforced (1 policy, 3 pods isolated)', result: 'success' });
});

test('not enforced with policies stored: an error naming why; without policies only a warning', () => {
  const off = { enforced: false, message: 'pod source addresses need root (cgroups and nftables)', isolatedPods: 0, policies: 0 };
  const r = networkPolicyCheck(snapshot({ networkPolicies: [policy, policy], networkPolicy: off }));
  assert.equal(r?.result, 'error');
  assert.equal(r?.error, '2 NetworkPolicies have no effect: pod source addresses need root (cgroups and nftables)');
  assert.match(r?.hint ?? '', /root.*nftables/);
  assert.equal(networkPolicyCheck(snapshot({ networkPolicies: [], networkPolicy: off }))?.result, 'warning');
});

test('enforced but the last table was refused: an error with the kernel\'s message', () => {
  const r = networkPolicyCheck(snapshot({ networkPolicies: [policy], networkPolicy: { enforced: true, message: 'cannot program the kernel\'s NetworkPolicy table: syntax error', isolatedPods: 1, policies: 1 } }));
  assert.equal(r?.result, 'error');
  assert.match(r?.error ?? '', /syntax error/);
});
