import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../../api/builtin/core/pod-readiness.ts';
import { autoscalerIdentity } from './pods.ts';

const pod = (name: string, extra: { phase?: string; ip?: string; sa?: string; deleting?: boolean } = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: 'knative-serving', ...(extra.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { containers: [], ...(extra.sa ? { serviceAccountName: extra.sa } : {}) },
  status: { phase: extra.phase ?? 'Running', ...(extra.ip === '' ? {} : { podIP: extra.ip ?? '127.244.0.9' }) },
});

test('the scrape identity: the first running autoscaler pod with an IP, its service account or default', () => {
  assert.equal(autoscalerIdentity([]), undefined);
  assert.equal(autoscalerIdentity([pod('a', { phase: 'Pending' }), pod('b', { ip: '' }), pod('c', { deleting: true })]), undefined);
  assert.deepEqual(autoscalerIdentity([pod('z', { sa: 'other', ip: '127.244.0.3' }), pod('m', { sa: 'controller', ip: '127.244.0.2' })]),
    { namespace: 'knative-serving', serviceAccount: 'controller', ip: '127.244.0.2' });
  assert.deepEqual(autoscalerIdentity([pod('a')]), { namespace: 'knative-serving', serviceAccount: 'default', ip: '127.244.0.9' });
});
