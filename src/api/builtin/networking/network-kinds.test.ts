import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../../field-error.ts';
import type { KubeObject } from '../../object.ts';
import { endpointSliceKind } from '../discovery/endpoint-slice.ts';
import { networkPolicyKind } from './network-policy.ts';
import { at } from '../testing.ts';

const now = new Date('2024-05-01T12:00:00Z');
const meta = { name: 'x', namespace: 'default', creationTimestamp: '2024-05-01T11:59:30Z' };

test('NetworkPolicy: the seed policies default, validate and print', () => {
  const np = networkPolicyKind();
  const seed: KubeObject = {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { ...meta, name: 'allow-from-openshift-monitoring-ns', namespace: 'knative-serving' },
    spec: { ingress: [{ from: [{ namespaceSelector: { matchLabels: { name: 'openshift-monitoring' } } }] }], podSelector: {} },
  };
  np.defaults!(seed);
  assert.deepEqual(at(seed, 'spec.policyTypes'), ['Ingress']);
  assert.deepEqual(np.validate!(seed, { operation: 'create' }), []);
  assert.deepEqual(np.table!.row(seed, now), ['allow-from-openshift-monitoring-ns', '<none>', '30s']);
  const egress: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta, spec: { podSelector: { matchLabels: { app: 'a' } }, egress: [{ ports: [{ port: 53 }] }] } };
  np.defaults!(egress);
  assert.deepEqual(at(egress, 'spec.policyTypes'), ['Ingress', 'Egress']);
  assert.equal(at(egress, 'spec.egress.0.ports.0.protocol'), 'TCP');
  assert.equal(np.table!.row(egress, now)[1], 'app=a');
  const bad: KubeObject = {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta,
    spec: { podSelector: {}, ingress: [{ from: [{}, { ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] }, podSelector: {} }], ports: [{ port: 'http', endPort: 90 }] }], policyTypes: ['Inbound'] },
  };
  assert.deepEqual(np.validate!(bad, { operation: 'create' }).map(formatFieldError), [
    'spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
    'spec.ingress[0].from[0]: Required value: must specify a peer',
    'spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`',
    'spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer',
    'spec.policyTypes[0]: Unsupported value: "Inbound": supported values: "Ingress", "Egress"',
  ]);
  assert.equal(np.generation, 'spec');
});

test('EndpointSlice: defaults, table, address type rules', () => {
  const slices = endpointSliceKind();
  const s: KubeObject = {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta, addressType: 'IPv4',
    endpoints: [{ addresses: ['10.1.0.1', '10.1.0.2'] }, { addresses: ['10.1.0.3', '10.1.0.4'] }],
    ports: [{ port: 8080 }, { name: 'metrics' }],
  };
  slices.defaults!(s);
  assert.deepEqual(s.ports, [{ port: 8080, name: '', protocol: 'TCP' }, { name: 'metrics', protocol: 'TCP' }]);
  assert.deepEqual(slices.table!.row(s, now), ['x', 'IPv4', '8080,metrics', '10.1.0.1,10.1.0.2,10.1.0.3 + 1 more...', '30s']);
  assert.deepEqual(slices.validate!(s, { operation: 'create' }), []);
  const empty: KubeObject = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta, addressType: 'IPv4' };
  assert.deepEqual(slices.table!.row(empty, now).slice(2, 4), ['<unset>', '<unset>']);
  assert.deepEqual(slices.validate!({ ...s, addressType: 'IPv5', endpoints: [{ addresses: [] }] }, { operation: 'create' }).map(formatFieldError), [
    'addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"',
    'endpoints[0].addresses: Required value: must contain at least 1 address',
  ]);
  assert.deepEqual(slices.validate!({ ...s, addressType: 'IPv6' }, { operation: 'update', old: s }).map(formatFieldError).slice(-1), ['addressType: Invalid value: "IPv6": field is immutable']);
  assert.equal(slices.generation, 'spec');
});
