import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.ts';
import { setCondition } from './conditions.ts';
import { contains, overlay, sameJson } from './objects.ts';

test('a condition keeps its transition time while its status holds, and takes now when it flips', () => {
  const t0 = new Date('2030-01-01T00:00:00.123Z');
  const t1 = new Date('2030-01-01T01:00:00Z');
  let c = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'A', message: '' }, t0);
  assert.deepEqual(c, [{ type: 'Ready', status: 'False', reason: 'A', lastTransitionTime: '2030-01-01T00:00:00Z' }]);
  c = setCondition(c, { type: 'Ready', status: 'False', reason: 'B' }, t1);
  assert.equal(c[0]!.lastTransitionTime, '2030-01-01T00:00:00Z');
  assert.equal(c[0]!.reason, 'B');
  c = setCondition(c, { type: 'Ready', status: 'True' }, t1);
  assert.deepEqual(c, [{ type: 'Ready', status: 'True', lastTransitionTime: '2030-01-01T01:00:00Z' }]);
});

test('desired fields contained in a defaulted live object are not drift; an overlay keeps what the server allocated', () => {
  const desired: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', labels: { a: '1' } }, spec: { type: 'NodePort', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] } };
  const live: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', resourceVersion: '7', labels: { a: '1', other: 'x' } }, spec: { type: 'NodePort', clusterIP: '127.96.0.9', clusterIPs: ['127.96.0.9'], sessionAffinity: 'None', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30001 }] } };
  assert.ok(contains(live, { spec: desired.spec }));
  assert.ok(!contains(live, { spec: { ports: [] } }), 'lists must match in length');
  const next = overlay(live, { ...desired, metadata: { name: 's', labels: { a: '2' } }, spec: { ...(desired.spec as object), ports: [{ port: 80, targetPort: 9090, protocol: 'TCP' }] } });
  assert.deepEqual(next.metadata.labels, { a: '2', other: 'x' });
  assert.equal(next.metadata.resourceVersion, '7');
  assert.deepEqual(next.spec, { type: 'NodePort', clusterIP: '127.96.0.9', clusterIPs: ['127.96.0.9'], ports: [{ port: 80, targetPort: 9090, protocol: 'TCP', nodePort: 30001 }] });
  assert.ok(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }));
  assert.ok(!sameJson({ a: 1 }, { a: 1, b: 2 }));
});
