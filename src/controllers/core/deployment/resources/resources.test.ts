import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ReplicaSet } from '../../replicaset/resources/types.ts';
import { maxSurge, maxUnavailable, resolveFenceposts, scaledValue } from './fenceposts.ts';
import { canonicalJson, computeHash, fnv32a, safeEncode } from './hash.ts';
import { equalIgnoreHash, findActiveOrLatest, findNewReplicaSet, setNewReplicaSetAnnotations } from './replica-sets.ts';
import { deploymentComplete, getProportion, isSaturated, newRSNewReplicas } from './rollout.ts';
import { calculateStatus, rolloutStatus } from './status.ts';
import type { Deployment } from './types.ts';

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };

function deployment(spec: Partial<Deployment['spec']> = {}, extra: Partial<Deployment> = {}): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd1', generation: 1 },
    spec: { replicas: 10, selector: { matchLabels: { app: 'web' } }, template, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, progressDeadlineSeconds: 600, ...spec },
    ...extra,
  };
}

function rs(name: string, replicas: number, opts: { available?: number; created?: string; annotations?: Record<string, string>; image?: string } = {}): ReplicaSet {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name, uid: name, creationTimestamp: opts.created ?? '2024-01-01T00:00:00Z', annotations: opts.annotations ?? {} },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', 'pod-template-hash': name } }, spec: { containers: [{ name: 'c', image: opts.image ?? 'nginx' }] } } },
    status: { replicas, availableReplicas: opts.available ?? replicas, readyReplicas: opts.available ?? replicas },
  };
}

describe('pod-template-hash', () => {
  it('is FNV-32a over canonical JSON, rendered with the safe alphabet', () => {
    assert.equal(fnv32a(new Uint8Array()), 0x811c9dc5);
    assert.equal(fnv32a(new TextEncoder().encode('foobar')), 0xbf9cf968);
    assert.equal(safeEncode('123'), '567');
    assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] }), '{"a":[{"d":2}],"b":1}');
    const h = computeHash(template);
    assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(computeHash(structuredClone(template)), h);
    assert.notEqual(computeHash(template, 1), h);
    assert.notEqual(computeHash({ ...template, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }), h);
  });
});

describe('fenceposts', () => {
  it('rounds surge up and unavailable down, and never lets both be zero', () => {
    assert.equal(scaledValue('25%', 10, true), 3);
    assert.equal(scaledValue('25%', 10, false), 2);
    assert.equal(scaledValue(4, 10, false), 4);
    assert.deepEqual(resolveFenceposts('1%', '1%', 2), { surge: 1, unavailable: 0 });
    assert.deepEqual(resolveFenceposts(0, '1%', 2), { surge: 0, unavailable: 1 });
    assert.equal(maxSurge(deployment()), 3);
    assert.equal(maxUnavailable(deployment()), 2);
    assert.equal(maxUnavailable(deployment({ replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 5 } } })), 2);
    assert.equal(maxSurge(deployment({ strategy: { type: 'Recreate' } })), 0);
  });
});

describe('rollout arithmetic', () => {
  it('grows the new ReplicaSet up to replicas + maxSurge in total', () => {
    const d = deployment();
    const old = rs('old', 10);
    const fresh = rs('new', 0);
    assert.equal(newRSNewReplicas(d, [old, fresh], fresh), 3);
    assert.equal(newRSNewReplicas(d, [rs('old', 8), rs('new', 5)], rs('new', 5)), 5);
    assert.equal(newRSNewReplicas(deployment({ strategy: { type: 'Recreate' } }), [old, fresh], fresh), 10);
  });

  it('spreads a scaling event in proportion to the max-replicas annotation', () => {
    const d = deployment({ replicas: 20 });
    const a = rs('a', 6, { annotations: { 'deployment.kubernetes.io/max-replicas': '13' } });
    // 6 * (20 + 5) / 13 = 11.5 → 12, so +6; never more than allowed.
    assert.equal(getProportion(a, d, 12, 0), 6);
    assert.equal(getProportion(a, d, 4, 0), 4);
    assert.equal(getProportion(rs('z', 0), d, 4, 0), 0);
  });

  it('is saturated only with the whole desired count annotated and available', () => {
    const d = deployment({ replicas: 3 });
    assert.equal(isSaturated(d, rs('n', 3, { annotations: { 'deployment.kubernetes.io/desired-replicas': '3' } })), true);
    assert.equal(isSaturated(d, rs('n', 3, { available: 2, annotations: { 'deployment.kubernetes.io/desired-replicas': '3' } })), false);
    assert.equal(isSaturated(d, rs('n', 3)), false);
  });

  it('finds the single active or the newest ReplicaSet', () => {
    const a = rs('a', 0, { created: '2024-01-01T00:00:00Z' });
    const b = rs('b', 0, { created: '2024-01-02T00:00:00Z' });
    assert.equal(findActiveOrLatest(undefined, [a, b])?.metadata.name, 'b');
    assert.equal(findActiveOrLatest(rs('n', 2), [a, b])?.metadata.name, 'n');
    assert.equal(findActiveOrLatest(rs('n', 2), [rs('c', 1)]), undefined);
  });
});

describe('ReplicaSets of a Deployment', () => {
  it('matches the new ReplicaSet ignoring the hash label and empty fields', () => {
    const d = deployment();
    assert.equal(equalIgnoreHash({ ...template, metadata: { labels: { app: 'web', 'pod-template-hash': 'x' }, annotations: {} } }, template), true);
    assert.equal(findNewReplicaSet(d, [rs('old', 1, { image: 'old' }), rs('cur', 1)])?.metadata.name, 'cur');
  });

  it('copies annotations, bumps the revision and keeps the old one in revision-history', () => {
    const d = deployment({}, { metadata: { name: 'web', annotations: { 'kubernetes.io/change-cause': 'v2', 'deployment.kubernetes.io/revision': '9', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } });
    const back = rs('back', 0, { annotations: { 'deployment.kubernetes.io/revision': '1' } });
    assert.equal(setNewReplicaSetAnnotations(d, back, 3, true, 3), true);
    assert.deepEqual(back.metadata.annotations, { 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1', 'kubernetes.io/change-cause': 'v2' });
    const fresh = rs('fresh', 0, { annotations: {} });
    setNewReplicaSetAnnotations(d, fresh, 4, false, 3);
    assert.deepEqual(fresh.metadata.annotations, { 'kubernetes.io/change-cause': 'v2', 'deployment.kubernetes.io/revision': '4', 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '13' });
  });
});

describe('Deployment status', () => {
  const now = new Date('2024-06-01T00:00:00Z');

  it('counts replicas over all ReplicaSets and sets Available by minimum availability', () => {
    const d = deployment({ replicas: 4 });
    const status = calculateStatus([rs('old', 1), rs('new', 3, { available: 2 })], rs('new', 3, { available: 2 }), d, now);
    assert.equal(status.replicas, 4);
    assert.equal(status.updatedReplicas, 3);
    assert.equal(status.availableReplicas, 3);
    assert.equal(status.unavailableReplicas, 1);
    assert.equal(status.observedGeneration, 1);
    assert.deepEqual(status.conditions?.map((c) => [c.type, c.status, c.reason]), [['Available', 'True', 'MinimumReplicasAvailable']]);
  });

  it('reports NewReplicaSetAvailable when complete, ReplicaSetUpdated on progress, ProgressDeadlineExceeded when stuck', () => {
    const d = deployment({ replicas: 2, progressDeadlineSeconds: 60 }, { status: { replicas: 2, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2024-05-31T23:58:00Z', lastTransitionTime: '2024-05-31T23:58:00Z' }] } });
    const done = rolloutStatus([rs('new', 2)], rs('new', 2), d, now);
    assert.equal(deploymentComplete(d, done), true);
    assert.equal(done.conditions?.find((c) => c.type === 'Progressing')?.reason, 'NewReplicaSetAvailable');
    assert.equal(done.conditions?.find((c) => c.type === 'Progressing')?.message, 'ReplicaSet "new" has successfully progressed.');
    const progressing = rolloutStatus([rs('old', 0), rs('new', 2, { available: 1 })], rs('new', 2, { available: 1 }), d, now);
    assert.equal(progressing.conditions?.find((c) => c.type === 'Progressing')?.lastUpdateTime, '2024-06-01T00:00:00Z');
    const stuck = rolloutStatus([rs('old', 1), rs('new', 1, { available: 0 })], rs('new', 1, { available: 0 }), d, now);
    assert.deepEqual(stuck.conditions?.find((c) => c.type === 'Progressing')?.reason, 'ProgressDeadlineExceeded');
  });
});
