import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../api/object.ts';
import { makeConfiguration, makeRoute } from './children.ts';

const ksvc = (): KubeObject => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: {
    name: 'hello', namespace: 'default', uid: 'u-1',
    labels: { team: 'a' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'serving.knative.openshift.io/enablePassthrough': 'true', 'serving.knative.dev/rollout-duration': '10s' },
  },
  spec: { template: { spec: { containers: [{ image: 'helloworld' }] } }, traffic: [{ percent: 90, latestRevision: true }, { percent: 10, revisionName: 'hello-00001', latestRevision: false }] },
});

test('the Configuration carries the template, the Service labels and the routes annotation', () => {
  const c = makeConfiguration(ksvc(), { apiVersion: 'v', kind: 'Configuration', metadata: { annotations: { 'serving.knative.dev/routes': 'other' } } });
  assert.deepEqual(c.metadata.labels, { team: 'a', 'serving.knative.dev/service': 'hello', 'serving.knative.dev/serviceUID': 'u-1' });
  assert.deepEqual(c.metadata.annotations, { 'serving.knative.openshift.io/enablePassthrough': 'true', 'serving.knative.dev/routes': 'hello,other' });
  assert.deepEqual(c.spec, { template: { spec: { containers: [{ image: 'helloworld' }] } } });
  assert.equal(c.metadata.ownerReferences?.[0]?.controller, true);
});

test('the Route points configuration-less targets at the Service\'s Configuration', () => {
  const r = makeRoute(ksvc());
  assert.deepEqual(r.spec, { traffic: [{ percent: 90, latestRevision: true, configurationName: 'hello' }, { percent: 10, revisionName: 'hello-00001', latestRevision: false }] });
  assert.deepEqual(r.metadata.labels, { team: 'a', 'serving.knative.dev/service': 'hello' });
  assert.equal(r.metadata.annotations?.['serving.knative.dev/rollout-duration'], '10s');
  assert.equal(r.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], undefined);
});
