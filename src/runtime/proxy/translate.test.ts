import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpv4Range } from '../../api/builtin/core/service-network.ts';
import type { EndpointSlice, Service, SliceEndpoint } from '../../api/builtin/core/service-view.ts';
import { planLoadBalancers } from './load-balancer.ts';
import { buildSnapshot } from './translate.ts';

function svc(name: string, spec: Partial<Service['spec']>, extra: Partial<Service> = {}): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default', creationTimestamp: `2024-01-01T00:00:0${name.length % 10}Z` }, spec: { type: 'ClusterIP', clusterIP: '127.96.0.10', ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }], ...spec }, ...extra };
}

function ep(ip: string, conditions: SliceEndpoint['conditions'], nodeName = 'node-a'): SliceEndpoint {
  return { addresses: [ip], conditions, nodeName };
}

function slice(service: string, endpoints: SliceEndpoint[], port = 8080, name = 'http'): EndpointSlice {
  return { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: `${service}-x`, namespace: 'default', labels: { 'kubernetes.io/service-name': service } }, addressType: 'IPv4', endpoints, ports: [{ name, port, protocol: 'TCP' }] };
}

const nodes = { nodeAddresses: ['127.0.0.1'] };

describe('buildSnapshot', () => {
  it('listens on the cluster IP and sends to ready endpoints only', () => {
    const snap = buildSnapshot([svc('web', {})], [slice('web', [ep('127.244.0.3', { ready: true }), ep('127.244.0.2', {}), ep('127.244.0.4', { ready: false, serving: false })])], nodes);
    assert.deepEqual(snap.listeners, [{ address: '127.96.0.10', port: 80, service: 'default/web:http', backends: [{ address: '127.244.0.2', port: 8080 }, { address: '127.244.0.3', port: 8080 }] }]);
  });

  it('falls back to serving terminating endpoints when none is ready', () => {
    const snap = buildSnapshot([svc('web', {})], [slice('web', [ep('127.244.0.5', { ready: false, serving: true, terminating: true }), ep('127.244.0.6', { ready: false, serving: false, terminating: true })])], nodes);
    assert.deepEqual(snap.listeners[0]!.backends, [{ address: '127.244.0.5', port: 8080 }]);
  });

  it('adds node ports, load balancer ingress and external IPs; skips headless, ExternalName and UDP', () => {
    const services = [
      svc('np', { type: 'NodePort', clusterIP: '127.96.0.11', ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 }, { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 }] }),
      svc('lb', { type: 'LoadBalancer', clusterIP: '127.96.0.12', externalIPs: ['127.98.0.1'], sessionAffinity: 'ClientIP', ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30081 }] }, { status: { loadBalancer: { ingress: [{ ip: '127.97.0.1', ipMode: 'VIP' }] } } }),
      svc('hl', { clusterIP: 'None' }),
      svc('ext', { type: 'ExternalName', externalName: 'example.com', clusterIP: '' }),
    ];
    const snap = buildSnapshot(services, [slice('lb', [ep('127.244.0.9', { ready: true })])], nodes);
    assert.deepEqual(snap.listeners.map((l) => `${l.address}:${l.port} ${l.service} ${l.backends.length} ${l.affinityTimeoutSeconds ?? '-'}`), [
      '127.96.0.12:80 default/lb:http 1 10800',
      '127.0.0.1:30081 default/lb:http 1 10800',
      '127.97.0.1:80 default/lb:http 1 10800',
      '127.98.0.1:80 default/lb:http 1 10800',
      '127.96.0.11:80 default/np:http 0 -',
      '127.0.0.1:30080 default/np:http 0 -',
    ]);
  });

  it('keeps only this node\'s endpoints for a Local traffic policy', () => {
    const s = svc('web', { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30090 }] });
    const snap = buildSnapshot([s], [slice('web', [ep('127.244.0.2', { ready: true }, 'node-a'), ep('127.244.0.3', { ready: true }, 'node-b')])], { nodeAddresses: ['127.0.0.1'], nodeName: 'node-a' });
    assert.deepEqual(snap.listeners.map((l) => l.backends.length), [2, 1]);
  });
});

describe('planLoadBalancers', () => {
  const pool = parseIpv4Range('127.97.0.0/30');
  it('hands out pool addresses, keeps the ones given, honours loadBalancerIP and clears on type change', () => {
    const kept = svc('kept', { type: 'LoadBalancer' }, { status: { loadBalancer: { ingress: [{ ip: '127.97.0.2', ipMode: 'VIP' }] } } });
    const asked = svc('asked', { type: 'LoadBalancer', loadBalancerIP: '127.97.0.2' });
    const fresh = svc('fresh', { type: 'LoadBalancer' });
    const classed = svc('classed', { type: 'LoadBalancer', loadBalancerClass: 'example.com/lb' });
    const former = svc('former', { type: 'ClusterIP' }, { status: { loadBalancer: { ingress: [{ ip: '127.97.0.1' }] } } });
    const foreign = svc('foreign', { type: 'ClusterIP' }, { status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } } });
    const plan = planLoadBalancers([kept, asked, fresh, classed, former, foreign], pool);
    assert.deepEqual(plan.changes.map((c) => [c.service.metadata.name, c.ingress.map((i) => i.ip)]).sort(), [['asked', ['127.97.0.1']], ['former', []]]);
    assert.deepEqual(plan.exhausted.map((s) => s.metadata.name), ['fresh']);
  });
});
