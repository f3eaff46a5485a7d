import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ingressStatus } from './status.ts';
import { helloIngress } from './testing-fixtures.ts';

const now = () => new Date('2026-01-01T00:00:00Z');
type Cond = { type: string; status: string; reason?: string };
const conds = (s: Record<string, unknown>) => Object.fromEntries((s.conditions as Cond[]).map((c) => [c.type, [c.status, c.reason]]));

test('configured, load balancer not ready yet', () => {
  const s = ingressStatus(helloIngress(), { kind: 'configured', loadBalancerReady: false }, now);
  assert.deepEqual(conds(s), { LoadBalancerReady: ['Unknown', 'Uninitialized'], NetworkConfigured: ['True', undefined], Ready: ['Unknown', 'Uninitialized'] });
  assert.equal(s.observedGeneration, 2);
  assert.equal(s.publicLoadBalancer, undefined);
});

test('ready: load balancers from the gateway services, meshOnly without a local gateway', () => {
  const s = ingressStatus(helloIngress(), { kind: 'configured', loadBalancerReady: true, publicService: 'istio-ingressgateway.istio-system.svc.cluster.local', privateService: undefined }, now);
  assert.deepEqual(conds(s), { LoadBalancerReady: ['True', undefined], NetworkConfigured: ['True', undefined], Ready: ['True', undefined] });
  assert.deepEqual(s.publicLoadBalancer, { ingress: [{ domainInternal: 'istio-ingressgateway.istio-system.svc.cluster.local' }] });
  assert.deepEqual(s.privateLoadBalancer, { ingress: [{ meshOnly: true }] });
});

test('a failed reconcile: Ready Unknown ReconcileIngressFailed', () => {
  const s = ingressStatus(helloIngress(), { kind: 'failed' }, now);
  assert.deepEqual(conds(s).Ready, ['Unknown', 'ReconcileIngressFailed']);
});
