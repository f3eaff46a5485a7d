import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { injectionDecision } from './sidecar-injection-policy.ts';

const MEMBER = { 'maistra.io/member-of': 'istio-system' };
const pod = (meta: Partial<KubeObject['metadata']> = {}, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ...meta }, spec: { containers: [{ name: 'a' }], ...spec } });

test('a member pod that asks for a sidecar (annotation or label, any of Istio\'s yes spellings) is injected', () => {
  assert.deepEqual(injectionDecision(pod({ annotations: { 'sidecar.istio.io/inject': 'true' } }), MEMBER), { inject: true, meshNamespace: 'istio-system' });
  assert.equal(injectionDecision(pod({ labels: { 'sidecar.istio.io/inject': 'true' } }), MEMBER).inject, true);
  for (const yes of ['y', 'Yes', 'TRUE', 'on']) assert.equal(injectionDecision(pod({ annotations: { 'sidecar.istio.io/inject': yes } }), MEMBER).inject, true);
});

test('Maistra\'s policy is opt-in: no annotation, "false", or a namespace outside every mesh means no sidecar', () => {
  assert.equal(injectionDecision(pod(), MEMBER).inject, false);
  assert.equal(injectionDecision(pod({ annotations: { 'sidecar.istio.io/inject': 'false' } }), MEMBER).inject, false);
  assert.equal(injectionDecision(pod({ annotations: { 'sidecar.istio.io/inject': 'true' } }), {}).inject, false);
  assert.equal(injectionDecision(pod({ annotations: { 'sidecar.istio.io/inject': 'true' } }), undefined).inject, false);
});

test('the label wins over the annotation', () => {
  assert.equal(injectionDecision(pod({ labels: { 'sidecar.istio.io/inject': 'false' }, annotations: { 'sidecar.istio.io/inject': 'true' } }), MEMBER).inject, false);
});

test('host-network pods and already-injected pods are left alone', () => {
  const ask = { annotations: { 'sidecar.istio.io/inject': 'true' } };
  assert.equal(injectionDecision(pod(ask, { hostNetwork: true }), MEMBER).inject, false);
  assert.equal(injectionDecision(pod({ annotations: { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/status': '{}' } }), MEMBER).inject, false);
});
