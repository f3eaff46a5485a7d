import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../../api/object.ts';
import { fitNode, tolerates, unschedulableMessage } from './node-fit.ts';

const ready = { conditions: [{ type: 'Ready', status: 'True' }] };
const node = (name: string, extra: { labels?: Record<string, string>; spec?: object; status?: object } = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name, labels: extra.labels ?? { 'kubernetes.io/hostname': name } }, spec: extra.spec ?? {}, status: extra.status ?? ready,
});
const pod = (spec: object = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [], ...spec } });

test('a plain pod fits a ready node', () => {
  assert.deepEqual(fitNode(pod(), node('n1')), { node: 'n1' });
});

test('a node that is not ready carries the not-ready taint', () => {
  assert.deepEqual(fitNode(pod(), node('n1', { status: { conditions: [{ type: 'Ready', status: 'False' }] } })), { node: 'n1', failure: 'taint', taint: '{node.kubernetes.io/not-ready: }' });
  assert.equal(fitNode(pod({ tolerations: [{ operator: 'Exists' }] }), node('n1', { status: {} })).failure, undefined);
});

test('cordoned nodes and untolerated NoSchedule taints refuse pods', () => {
  assert.equal(fitNode(pod(), node('n1', { spec: { unschedulable: true } })).failure, 'unschedulable');
  const tainted = node('n1', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }, { key: 'soft', effect: 'PreferNoSchedule' }] } });
  assert.equal(fitNode(pod(), tainted).failure, 'taint');
  assert.equal(fitNode(pod({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }] }), tainted).failure, undefined);
});

test('node selectors and required node affinity', () => {
  const n = node('n1', { labels: { zone: 'a', size: '4' } });
  assert.equal(fitNode(pod({ nodeSelector: { zone: 'a' } }), n).failure, undefined);
  assert.equal(fitNode(pod({ nodeSelector: { zone: 'b' } }), n).failure, 'affinity');
  const affinity = (terms: object[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
  assert.equal(fitNode(pod(affinity([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }, { matchExpressions: [{ key: 'size', operator: 'Gt', values: ['2'] }] }])), n).failure, undefined);
  assert.equal(fitNode(pod(affinity([{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }])), n).failure, 'affinity');
  assert.equal(fitNode(pod(affinity([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }])), n).failure, undefined);
});

test('toleration matching follows ToleratesTaint', () => {
  assert.ok(tolerates({ operator: 'Exists' }, { key: 'a', effect: 'NoSchedule' }));
  assert.ok(!tolerates({ key: 'a', effect: 'NoExecute', operator: 'Exists' }, { key: 'a', effect: 'NoSchedule' }));
  assert.ok(tolerates({ key: 'a', value: 'x' }, { key: 'a', value: 'x', effect: 'NoSchedule' }));
});

test('the unschedulable message reads as kube-scheduler writes it', () => {
  assert.equal(unschedulableMessage([]), 'no nodes available to schedule pods');
  assert.equal(unschedulableMessage([{ node: 'n1', failure: 'affinity' }]),
    "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.");
});
