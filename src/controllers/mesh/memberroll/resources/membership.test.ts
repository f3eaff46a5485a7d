import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../api/object.ts';
import { requiredNamespaces } from './membership.ts';

test('a member roll takes its listed namespaces, and through * or selectors every other one except the mesh\'s and the system ones', () => {
  const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  const all = [ns('istio-system'), ns('a', { team: 'x' }), ns('b'), ns('kube-system'), ns('openshift-monitoring'), ns('ibm-cloud'), ns('kube')];
  const roll = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'maistra.io/v1', kind: 'ServiceMeshMemberRoll', metadata: { name: 'default', namespace: 'istio-system' }, spec });
  assert.deepEqual([...requiredNamespaces(roll({ members: ['a', 'later'] }), all)].sort(), ['a', 'later']);
  assert.deepEqual([...requiredNamespaces(roll({ members: ['*'] }), all)].sort(), ['a', 'b']);
  assert.deepEqual([...requiredNamespaces(roll({ memberSelectors: [{ matchLabels: { team: 'x' } }] }), all)], ['a']);
  assert.deepEqual([...requiredNamespaces(roll({ members: ['kube-system'] }), all)], ['kube-system'], 'a listed system namespace is still listed');
});
