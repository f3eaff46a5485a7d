import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../api/object.ts';
import { decideClaim } from './claim.ts';

const dm = (namespace: string, created: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'serving.knative.dev/v1beta1', kind: 'DomainMapping',
  metadata: { name: 'example.org', namespace, uid: `uid-${namespace}`, creationTimestamp: created, ...extra },
});

describe('decideClaim', () => {
  it('claims a free domain when autocreate is on, and nothing when it is off', () => {
    const a = dm('a', '2026-01-01T00:00:00Z');
    assert.deepEqual(decideClaim(a, [a], true), { claimed: true });
    assert.deepEqual(decideClaim(a, [a], false), { claimed: false, reason: 'NotAutocreated' });
  });

  it('gives the domain to the namespace whose DomainMapping came first', () => {
    const first = dm('b', '2026-01-01T00:00:00Z');
    const second = dm('a', '2026-01-01T00:00:05Z');
    assert.deepEqual(decideClaim(first, [second, first], true), { claimed: true });
    assert.deepEqual(decideClaim(second, [second, first], true), { claimed: false, reason: 'OwnedElsewhere', ownerNamespace: 'b' });
  });

  it('breaks a same-second tie by namespace, and passes the claim on when the holder is deleted', () => {
    const a = dm('a', '2026-01-01T00:00:00Z');
    const b = dm('b', '2026-01-01T00:00:00Z');
    assert.deepEqual(decideClaim(a, [b, a], true), { claimed: true });
    assert.equal(decideClaim(b, [b, a], true).claimed, false);
    const goingA = dm('a', '2026-01-01T00:00:00Z', { deletionTimestamp: '2026-01-02T00:00:00Z' });
    assert.deepEqual(decideClaim(b, [b, goingA], true), { claimed: true });
  });
});
