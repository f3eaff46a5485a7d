import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/builtin/core/pod-readiness.ts';
import { adoptPatch, controllerOf, releasePatch } from './controller-ref.ts';
import { podsToDelete } from './deletion-order.ts';
import { podFromTemplate, podNamePrefix } from './pod-template.ts';
import { replicaSetStatus, statusChanged } from './status.ts';
import type { ReplicaSet } from './types.ts';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();

function pod(name: string, opts: { node?: string; phase?: string; readySince?: number; created?: number; restarts?: number; labels?: Record<string, string>; cost?: string } = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, uid: name, creationTimestamp: iso(opts.created ?? 3_600_000), labels: opts.labels ?? { app: 'web' }, ...(opts.cost ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': opts.cost } } : {}) },
    spec: { nodeName: opts.node ?? 'skiff' },
    status: {
      phase: opts.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: opts.readySince !== undefined ? 'True' : 'False', ...(opts.readySince !== undefined ? { lastTransitionTime: iso(opts.readySince) } : {}) }],
      containerStatuses: [{ restartCount: opts.restarts ?? 0 }],
    },
  };
}

const rs: ReplicaSet = {
  apiVersion: 'apps/v1', kind: 'ReplicaSet',
  metadata: { name: 'web-abc', namespace: 'default', uid: 'rs1', generation: 2 },
  spec: { replicas: 3, minReadySeconds: 10, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', tier: 'f' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
};

describe('deletion order', () => {
  it('deletes unscheduled, then pending, then not-ready pods first', () => {
    const pods = [pod('ready', { readySince: 60_000 }), pod('unscheduled', { node: '', phase: 'Pending' }), pod('pending', { phase: 'Pending' }), pod('notready')];
    assert.deepEqual(podsToDelete(pods, pods, 3, NOW).map((p) => p.metadata.name), ['unscheduled', 'pending', 'notready']);
  });

  it('prefers lower deletion cost, then the most recently ready, then more restarts, then the newest', () => {
    const cost = [pod('expensive', { readySince: 10_000, cost: '100' }), pod('cheap', { readySince: 3_600_000 })];
    assert.equal(podsToDelete(cost, cost, 1, NOW)[0]!.metadata.name, 'cheap');
    const ready = [pod('old', { readySince: 7_200_000 }), pod('recent', { readySince: 5_000 })];
    assert.equal(podsToDelete(ready, ready, 1, NOW)[0]!.metadata.name, 'recent');
    const restarts = [pod('calm'), pod('flaky', { restarts: 4 })];
    assert.equal(podsToDelete(restarts, restarts, 1, NOW)[0]!.metadata.name, 'flaky');
    const ages = [pod('old', { created: 86_400_000 }), pod('young', { created: 1_000 })];
    assert.equal(podsToDelete(ages, ages, 1, NOW)[0]!.metadata.name, 'young');
  });

  it('returns every pod when asked for as many', () => {
    const pods = [pod('a'), pod('b')];
    assert.equal(podsToDelete(pods, pods, 5, NOW).length, 2);
  });
});

describe('pods from the template', () => {
  it('copies labels, annotations and spec, names them <rs>- and points at the ReplicaSet', () => {
    const p = podFromTemplate(rs);
    assert.equal(p.metadata.generateName, 'web-abc-');
    assert.deepEqual(p.metadata.labels, { app: 'web', tier: 'f' });
    assert.deepEqual(p.metadata.annotations, { a: 'b' });
    assert.deepEqual(controllerOf(p), { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs1', controller: true, blockOwnerDeletion: true });
    assert.equal(podNamePrefix('Bad_Name'), 'Bad_Name');
  });

  it('adopts and releases through strategic merge patches keyed by uid', () => {
    assert.deepEqual(adoptPatch(rs, pod('p')), { metadata: { ownerReferences: [controllerOf(podFromTemplate(rs))], uid: 'p' } });
    assert.deepEqual(releasePatch(rs, pod('p')), { metadata: { ownerReferences: [{ $patch: 'delete', uid: 'rs1' }], uid: 'p' } });
  });
});

describe('ReplicaSet status', () => {
  it('counts fully labelled, ready and available (minReadySeconds) pods and records failures', () => {
    const pods = [pod('a', { labels: { app: 'web', tier: 'f' }, readySince: 60_000 }), pod('b', { readySince: 2_000 }), pod('c')];
    const status = replicaSetStatus(rs, pods, undefined, new Date(NOW));
    assert.deepEqual(status, { replicas: 3, fullyLabeledReplicas: 1, readyReplicas: 2, availableReplicas: 1, observedGeneration: 2 });
    assert.equal(statusChanged(rs, status), true);
    assert.equal(statusChanged({ ...rs, status }, status), false);
    const failed = replicaSetStatus(rs, [pod('a')], 'quota exceeded', new Date(NOW));
    assert.deepEqual(failed.conditions?.map((c) => [c.type, c.reason, c.message]), [['ReplicaFailure', 'FailedCreate', 'quota exceeded']]);
    assert.equal(replicaSetStatus({ ...rs, status: failed }, [pod('a')], undefined, new Date(NOW)).conditions, undefined);
  });
});
