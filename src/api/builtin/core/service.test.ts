import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../../field-error.ts';
import type { KubeObject } from '../../object.ts';
import { serviceKind } from './service.ts';
import { at, dig } from '../testing.ts';

const now = new Date('2024-05-01T12:00:00Z');
const services = serviceKind();

function svc(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-04-30T12:00:00Z' }, spec, status };
}

const messages = (s: KubeObject, ctx: Parameters<NonNullable<typeof services.validate>>[1] = { operation: 'create' }): string[] =>
  services.validate!(s, ctx).map(formatFieldError);

test('Service defaults: type, affinity, ports, traffic policies, IP families', () => {
  const s = svc({ selector: { app: 'web' }, ports: [{ port: 80 }, { port: 443, targetPort: 'https', name: 'https' }] });
  services.defaults!(s);
  assert.deepEqual(s.spec, {
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 443, targetPort: 'https', name: 'https', protocol: 'TCP' }],
    sessionAffinity: 'None', type: 'ClusterIP', internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
  });
  const lb = svc({ type: 'LoadBalancer', ports: [{ port: 80 }], clusterIP: '10.96.0.10' });
  services.defaults!(lb);
  const spec = lb.spec as Record<string, unknown>;
  assert.equal(spec.externalTrafficPolicy, 'Cluster');
  assert.equal(spec.allocateLoadBalancerNodePorts, true);
  assert.deepEqual(spec.clusterIPs, ['10.96.0.10']);
  const headless = svc({ clusterIP: 'None', ports: [{ port: 80 }] });
  services.defaults!(headless);
  assert.equal(at(headless, 'spec.ipFamilyPolicy'), 'RequireDualStack');
  assert.deepEqual(at(headless, 'spec.ipFamilies'), ['IPv4', 'IPv6']);
  const ext = svc({ type: 'ExternalName', externalName: 'example.com' });
  services.defaults!(ext);
  assert.equal(at(ext, 'spec.ipFamilies'), undefined);
});

test('Service table: ClusterIP, LoadBalancer pending and with ingress, ExternalName', () => {
  const s = svc({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], selector: { app: 'web', tier: 'fe' }, ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }] });
  assert.deepEqual(services.table!.row(s, now), ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP,443/TCP', '24h', 'app=web,tier=fe']);
  const lb = svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.11'], ports: [{ port: 80, nodePort: 31380, protocol: 'TCP' }] });
  assert.deepEqual(services.table!.row(lb, now).slice(1, 5), ['LoadBalancer', '10.96.0.11', '<pending>', '80:31380/TCP']);
  lb.status = { loadBalancer: { ingress: [{ ip: '127.0.0.1' }, { hostname: 'lb.local' }] } };
  assert.equal(services.table!.row(lb, now)[3], '127.0.0.1,lb.local');
  const ext = svc({ type: 'ExternalName', externalName: 'kafka.example.com' });
  assert.deepEqual(services.table!.row(ext, now).slice(1, 7), ['ExternalName', '<none>', 'kafka.example.com', '<none>', '24h', '<none>']);
  assert.deepEqual(services.table!.columns.map((c) => c.name), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
});

test('Service validation: ports required, names required when several, type enum', () => {
  const noPorts = svc({ selector: { app: 'x' } });
  services.defaults!(noPorts);
  assert.deepEqual(messages(noPorts), ['spec.ports: Required value']);
  const headless = svc({ clusterIP: 'None', selector: { app: 'x' } });
  services.defaults!(headless);
  assert.deepEqual(messages(headless), []);
  const twoPorts = svc({ ports: [{ port: 80 }, { port: 81 }] });
  services.defaults!(twoPorts);
  assert.deepEqual(messages(twoPorts), ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']);
  const dup = svc({ ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }], type: 'Bogus' });
  services.defaults!(dup);
  assert.deepEqual(messages(dup), [
    'spec.ports[1].name: Duplicate value: "http"',
    'spec.type: Unsupported value: "Bogus": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
  ]);
  const external = svc({ type: 'ExternalName' });
  services.defaults!(external);
  assert.deepEqual(messages(external), ['spec.externalName: Required value']);
});

test('Service update: the cluster IP cannot change, a re-applied manifest keeps it', () => {
  const old = svc({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80 }] });
  services.defaults!(old);
  const changed = structuredClone(old);
  dig(changed, 'spec').clusterIP = '10.96.0.20';
  dig(changed, 'spec').clusterIPs = ['10.96.0.20'];
  const errs = messages(changed, { operation: 'update', old });
  assert.equal(errs.length, 1);
  assert.equal(errs[0], 'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.20"}: may not change once set');
  const reapplied = svc({ ports: [{ port: 80 }] });
  services.defaults!(reapplied, { operation: 'update', old });
  assert.deepEqual(messages(reapplied, { operation: 'update', old }), []);
  assert.equal(at(reapplied, 'spec.clusterIP'), '10.96.0.10');
});

test('Service update: switching type drops what the new type does not need, unless the client changed it', () => {
  const old = svc({ type: 'NodePort', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, nodePort: 30080 }] });
  services.defaults!(old);
  const toClusterIP = structuredClone(old);
  dig(toClusterIP, 'spec').type = 'ClusterIP';
  services.defaults!(toClusterIP, { operation: 'update', old });
  assert.deepEqual(messages(toClusterIP, { operation: 'update', old }), []);
  assert.equal(at(toClusterIP, 'spec.ports.0.nodePort'), undefined);
  assert.equal(at(toClusterIP, 'spec.externalTrafficPolicy'), undefined);
  assert.equal(at(toClusterIP, 'spec.clusterIP'), '10.96.0.10');
  const keptPort = structuredClone(old);
  dig(keptPort, 'spec').type = 'ClusterIP';
  dig(keptPort, 'spec').ports = [{ port: 80, nodePort: 30081, protocol: 'TCP', targetPort: 80 }];
  services.defaults!(keptPort, { operation: 'update', old });
  assert.deepEqual(messages(keptPort, { operation: 'update', old }), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
  const toExternal = structuredClone(old);
  Object.assign(dig(toExternal, 'spec'), { type: 'ExternalName', externalName: 'example.com' });
  services.defaults!(toExternal, { operation: 'update', old });
  assert.equal(at(toExternal, 'spec.clusterIP'), undefined);
  assert.equal(at(toExternal, 'spec.ipFamilies'), undefined);
});

test('Service field selectors: spec.clusterIP and spec.type', () => {
  const s = svc({ type: 'ClusterIP', clusterIP: 'None' });
  assert.equal(services.fieldSelectors!['spec.clusterIP']!(s), 'None');
  assert.equal(services.fieldSelectors!['spec.type']!(s), 'ClusterIP');
  assert.equal(services.nameRule, 'dns1035-label');
});
