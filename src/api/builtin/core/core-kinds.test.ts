import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../../field-error.ts';
import type { KindDefinition, ValidationContext } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';
import { configMapKind } from './config-map.ts';
import { endpointsKind } from './endpoints.ts';
import { eventKind } from './event.ts';
import { namespaceKind } from './namespace.ts';
import { nodeKind } from './node.ts';
import { secretKind } from './secret.ts';
import { serviceAccountKind } from './service-account.ts';
import { at } from '../testing.ts';

const now = new Date('2024-05-01T12:00:00Z');
const created = '2024-05-01T11:00:00Z';

function object(kind: string, fields: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'default', creationTimestamp: created, ...meta }, ...fields };
}

const check = (def: KindDefinition, o: KubeObject, ctx: ValidationContext = { operation: 'create' }): string[] => def.validate!(o, ctx).map(formatFieldError);

test('Namespace: label, kubernetes finalizer and Active phase on create; table', () => {
  const ns = namespaceKind();
  const o: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', creationTimestamp: created } };
  ns.defaults!(o);
  assert.deepEqual(o.metadata.labels, { 'kubernetes.io/metadata.name': 'demo' });
  assert.deepEqual(o.spec, { finalizers: ['kubernetes'] });
  assert.deepEqual(o.status, { phase: 'Active' });
  assert.deepEqual(ns.table!.row(o, now), ['demo', 'Active', '60m']);
  assert.deepEqual(check(ns, o), []);
  const stored = { ...structuredClone(o), metadata: { ...o.metadata, resourceVersion: '5' }, spec: { finalizers: [] } };
  ns.defaults!(stored, { operation: 'update', old: o });
  assert.deepEqual(stored.spec, { finalizers: [] }, 'the finalizer is not re-added once removed');
  assert.deepEqual(check(ns, object('Namespace', { spec: { finalizers: ['custom'] } })), ['spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified']);
  assert.deepEqual(ns.verbs, ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
  assert.equal(ns.nameRule, 'dns1123-label');
});

test('ConfigMap: key rules, duplicates across data and binaryData, immutability; DATA counts both', () => {
  const cm = configMapKind();
  const o = object('ConfigMap', { data: { 'a.conf': 'x', 'bad key': 'y', both: '1' }, binaryData: { both: 'AA==' } });
  assert.deepEqual(check(cm, o), [
    `data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    'data[both]: Invalid value: "both": duplicate of key present in binaryData',
  ]);
  assert.deepEqual(cm.table!.row(o, now), ['x', 4, '60m']);
  const old = object('ConfigMap', { immutable: true, data: { a: '1' } });
  const next = object('ConfigMap', { immutable: true, data: { a: '2' } });
  assert.deepEqual(check(cm, next, { operation: 'update', old }), ['data: Forbidden: field is immutable when `immutable` is set']);
  const unset = object('ConfigMap', { data: { a: '1' } });
  assert.deepEqual(check(cm, unset, { operation: 'update', old }), ['immutable: Forbidden: field is immutable when `immutable` is set']);
});

test('Secret: stringData folds into data, type defaults and is immutable, TLS keys required', () => {
  const secrets = secretKind();
  const o = object('Secret', { stringData: { user: 'admin' }, data: { pass: 'c2VjcmV0' } });
  secrets.defaults!(o);
  assert.deepEqual(o.data, { pass: 'c2VjcmV0', user: 'YWRtaW4=' });
  assert.equal(o.stringData, undefined);
  assert.equal(o.type, 'Opaque');
  assert.deepEqual(secrets.table!.row(o, now), ['x', 'Opaque', 2, '60m']);
  const tls = object('Secret', { type: 'kubernetes.io/tls', data: { 'tls.crt': 'AA==' } });
  assert.deepEqual(check(secrets, tls), ['data[tls.key]: Required value']);
  const old = object('Secret', { type: 'Opaque', data: {} });
  assert.deepEqual(check(secrets, object('Secret', { type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }), { operation: 'update', old }), [
    'type: Invalid value: "kubernetes.io/tls": field is immutable',
  ]);
  assert.equal(secrets.fieldSelectors!.type!(tls), 'kubernetes.io/tls');
});

test('ServiceAccount: SECRETS column', () => {
  const sa = serviceAccountKind();
  assert.deepEqual(sa.table!.row(object('ServiceAccount', { secrets: [{ name: 'a' }] }), now), ['x', 1, '60m']);
  assert.deepEqual(sa.shortNames, ['sa']);
});

test('Endpoints: protocol default, ENDPOINTS column, address validation', () => {
  const ep = endpointsKind();
  const o = object('Endpoints', { subsets: [{ addresses: [{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }], ports: [{ port: 8080 }, { port: 9090, name: 'm' }] }] });
  ep.defaults!(o);
  assert.equal(at(o, 'subsets.0.ports.0.protocol'), 'TCP');
  assert.deepEqual(ep.table!.row(o, now), ['x', '10.1.0.1:8080,10.1.0.2:8080,10.1.0.1:9090 + 1 more...', '60m']);
  assert.equal(ep.table!.row(object('Endpoints', {}), now)[1], '<none>');
  assert.equal(ep.table!.row(object('Endpoints', { subsets: [{ addresses: [{ ip: '10.1.0.3' }] }] }), now)[1], '10.1.0.3');
  assert.deepEqual(check(ep, o), ['subsets[0].ports[0].name: Required value']);
  // skiff's pod network is 127.0.0.0/8: loopback endpoint addresses are accepted; the other special ranges are not.
  assert.deepEqual(check(ep, object('Endpoints', { subsets: [{ addresses: [{ ip: '127.1.0.5' }] }] })), []);
  assert.deepEqual(check(ep, object('Endpoints', { subsets: [{ addresses: [{ ip: '169.254.0.1' }] }] })), [
    'subsets[0].addresses[0].ip: Invalid value: "169.254.0.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
  ]);
});

test('Event: columns, rows, legacy validation and field selectors', () => {
  const ev = eventKind();
  assert.deepEqual(ev.table!.columns.map((c) => [c.name, c.priority ?? 0]), [
    ['Last Seen', 0], ['Type', 0], ['Reason', 0], ['Object', 0], ['Subobject', 1], ['Source', 1], ['Message', 0], ['First Seen', 1], ['Count', 1], ['Name', 1],
  ]);
  const e = object('Event', {
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{app}' },
    reason: 'Pulled', type: 'Normal', message: ' Pulled image \n', source: { component: 'kubelet', host: 'skiff' },
    firstTimestamp: '2024-05-01T11:50:00Z', lastTimestamp: '2024-05-01T11:58:00Z', count: 3,
  }, { name: 'web-1.17c' });
  assert.deepEqual(ev.table!.row(e, now), ['2m', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{app}', 'kubelet, skiff', 'Pulled image', '10m', 3, 'web-1.17c']);
  const series = object('Event', { involvedObject: { kind: 'Node' }, eventTime: '2024-05-01T11:00:00.000000Z', series: { count: 7, lastObservedTime: '2024-05-01T11:59:00.000000Z' }, reportingComponent: 'c', reportingInstance: 'i' });
  const r = ev.table!.row(series, now);
  assert.deepEqual([r[0], r[3], r[5], r[7], r[8]], ['60s', 'node', 'c, i', '60m', 7]);
  assert.deepEqual(check(ev, e), []);
  assert.deepEqual(check(ev, object('Event', { involvedObject: { namespace: 'other' } })), ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  assert.equal(ev.fieldSelectors!['involvedObject.name']!(e), 'web-1');
  assert.equal(ev.fieldSelectors!.source!(e), 'kubelet');
  assert.equal(ev.nameRule, 'path-segment');
});

test('Node: STATUS, ROLES, wide cells, taint validation', () => {
  const nodes = nodeKind();
  const n: KubeObject = {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: 'skiff', creationTimestamp: created, labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/worker': '', 'kubernetes.io/role': 'edge' } },
    spec: { unschedulable: true },
    status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian' } },
  };
  assert.deepEqual(nodes.table!.row(n, now), ['skiff', 'Ready,SchedulingDisabled', 'control-plane,edge,worker', '60m', 'v1.32.0', '127.0.0.1', '<none>', 'Debian', '<unknown>', '<unknown>']);
  n.status = {};
  assert.equal(nodes.table!.row(n, now)[1], 'Unknown,SchedulingDisabled');
  const tainted = object('Node', { spec: { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'Sometimes' }] } });
  const msgs = check(nodes, tainted);
  assert.equal(msgs.length, 2);
  assert.match(msgs[0]!, /^metadata\.taints\[1\]: Duplicate value: .*: taints must be unique by key and effect pair$/);
  assert.equal(msgs[1], 'metadata.taints[2].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"');
  assert.equal(nodes.fieldSelectors!['spec.unschedulable']!(tainted), 'false');
});
