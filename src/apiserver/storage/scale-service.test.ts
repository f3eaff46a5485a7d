import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.ts';
import { scaleOf } from './scale-service.ts';

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', creationTimestamp: '2024-05-01T00:00:00Z', labels: { app: 'web' } },
  spec: { replicas: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] } },
  status: { replicas: 2 },
};

describe('scaleOf', () => {
  it('reads replicas and the selector object of a built-in kind, keeping only identity metadata', () => {
    assert.deepEqual(scaleOf(deployment, { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' }), {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', creationTimestamp: '2024-05-01T00:00:00Z' },
      spec: { replicas: 3 },
      status: { replicas: 2, selector: 'app=web,tier in (a,b)' },
    });
  });

  it('reads a custom resource whose selector is already a string, and leaves zero spec replicas out', () => {
    const cr: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 0 }, status: { count: 4, selector: 'app=w' } };
    assert.deepEqual(scaleOf(cr, { specReplicasPath: '.spec.size', statusReplicasPath: '.status.count', labelSelectorPath: '.status.selector' }), {
      apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'w' }, spec: {}, status: { replicas: 4, selector: 'app=w' },
    });
  });
});
