import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KindDefinition } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';
import { deleteResponse } from './delete-response.ts';

const kind = (group: string, plural: string, fromCrd = false) => ({ group, plural, fromCrd }) as unknown as KindDefinition;
const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'd', uid: 'u-1' } };
const deploy: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'd', uid: 'u-2' } };

describe('deleteResponse', () => {
  it('answers an immediate deletion with a Success Status naming the resource', () => {
    assert.deepEqual(deleteResponse(kind('', 'configmaps'), { object: cm, deleted: true }, undefined), {
      code: 200,
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'web', kind: 'configmaps', uid: 'u-1' } },
    });
    assert.deepEqual(deleteResponse(kind('apps', 'deployments'), { object: deploy, deleted: true }, false).body, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'web', group: 'apps', kind: 'deployments', uid: 'u-2' },
    });
  });

  it('returns the deleted object for the registries that do (pods, services, serviceaccounts, namespaces)', () => {
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } };
    assert.deepEqual(deleteResponse(kind('', 'pods'), { object: pod, deleted: true }, undefined), { code: 200, body: pod });
    assert.equal(deleteResponse(kind('', 'services'), { object: pod, deleted: true }, undefined).body, pod);
  });

  it('a custom resource named like a core resource still gets a Status', () => {
    assert.equal((deleteResponse(kind('', 'pods', true), { object: cm, deleted: true }, undefined).body as { kind: string }).kind, 'Status');
  });

  it('answers a pending deletion with the object: 200, or 202 when orphanDependents is false', () => {
    const terminating = { ...cm, metadata: { ...cm.metadata, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['x'] } };
    assert.deepEqual(deleteResponse(kind('', 'configmaps'), { object: terminating, deleted: false }, undefined), { code: 200, body: terminating });
    assert.equal(deleteResponse(kind('', 'configmaps'), { object: terminating, deleted: false }, true).code, 200);
    assert.equal(deleteResponse(kind('', 'configmaps'), { object: terminating, deleted: false }, false).code, 202);
  });
});
