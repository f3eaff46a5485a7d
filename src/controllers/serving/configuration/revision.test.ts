import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../api/object.ts';
import { makeRevision, revisionNameFor } from './revision.ts';

const config = (extra: Record<string, unknown> = {}, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'serving.knative.dev/v1', kind: 'Configuration',
  metadata: { name: 'hello', namespace: 'default', uid: 'c-1', generation: 3, labels: { 'serving.knative.dev/service': 'hello', 'serving.knative.dev/serviceUID': 's-1' }, annotations },
  spec: { template: { metadata: { annotations: { 'sidecar.istio.io/inject': 'true' }, ...extra }, spec: { containers: [{ image: 'x' }] } } },
});

test('revisions are named after the configuration generation, five digits', () => {
  assert.equal(revisionNameFor(config()), 'hello-00003');
  assert.equal(revisionNameFor(config({ name: 'hello-blue' })), 'hello-blue');
});

test('a revision carries the configuration labels, routing state and creator', () => {
  const rev = makeRevision(config({}, { 'serving.knative.dev/lastModifier': 'admin', 'serving.knative.dev/routes': 'hello' }), new Date('2026-01-02T03:04:05.678Z'));
  assert.deepEqual(rev.metadata.labels, {
    'serving.knative.dev/configuration': 'hello', 'serving.knative.dev/service': 'hello', 'serving.knative.dev/configurationGeneration': '3',
    'serving.knative.dev/configurationUID': 'c-1', 'serving.knative.dev/serviceUID': 's-1', 'serving.knative.dev/routingState': 'active',
  });
  assert.deepEqual(rev.metadata.annotations, {
    'sidecar.istio.io/inject': 'true', 'serving.knative.dev/creator': 'admin', 'serving.knative.dev/routes': 'hello', 'serving.knative.dev/routingStateModified': '2026-01-02T03:04:05Z',
  });
  assert.deepEqual(rev.spec, { containers: [{ image: 'x' }] });
  assert.equal(rev.metadata.ownerReferences?.[0]?.uid, 'c-1');
});

test('a revision of a configuration no route serves yet is pending', () => {
  assert.equal(makeRevision(config(), new Date(0)).metadata.labels?.['serving.knative.dev/routingState'], 'pending');
});
