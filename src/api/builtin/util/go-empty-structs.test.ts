import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fillEmptyStructs } from './go-empty-structs.ts';

describe('fillEmptyStructs', () => {
  it('adds missing and null structs at every depth', () => {
    const svc: Record<string, unknown> = { spec: {} };
    fillEmptyStructs(svc, { status: { loadBalancer: {} } });
    assert.deepEqual(svc, { spec: {}, status: { loadBalancer: {} } });
    const nulled: Record<string, unknown> = { status: null };
    fillEmptyStructs(nulled, { status: { loadBalancer: {} } });
    assert.deepEqual(nulled, { status: { loadBalancer: {} } });
  });

  it('fills scalars encoded without omitempty with their zero value', () => {
    const rs: Record<string, unknown> = {};
    fillEmptyStructs(rs, { status: { replicas: 0 } });
    assert.deepEqual(rs, { status: { replicas: 0 } });
    const scaled: Record<string, unknown> = { status: { replicas: 3 } };
    fillEmptyStructs(scaled, { status: { replicas: 0 } });
    assert.deepEqual(scaled, { status: { replicas: 3 } });
  });

  it('keeps what is there', () => {
    const svc: Record<string, unknown> = { status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] }, conditions: [] } };
    fillEmptyStructs(svc, { status: { loadBalancer: {} } });
    assert.deepEqual(svc, { status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] }, conditions: [] } });
  });
});
