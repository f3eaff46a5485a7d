import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../object.ts';
import { ROUTE_TABLE } from './route-printer.ts';

const NOW = new Date('2024-05-01T00:00:00Z');

function route(spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject {
  return { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'hello', namespace: 'default' }, spec, ...(status ? { status } : {}) };
}

const admitted = (host: string, status: 'True' | 'False' = 'True', reason?: string): Record<string, unknown> => ({
  host, routerName: 'default', conditions: [{ type: 'Admitted', status, ...(reason ? { reason } : {}) }],
});

test('columns are the openshift-apiserver printer\'s: no Age, no wide column', () => {
  assert.deepEqual(ROUTE_TABLE.columns.map((c) => c.name), ['Name', 'Host/Port', 'Path', 'Services', 'Port', 'Termination', 'Wildcard']);
  assert.equal(ROUTE_TABLE.columns[0]!.format, 'name');
  assert.ok(ROUTE_TABLE.columns.every((c) => c.type === 'string' && c.priority === 0));
});

test('golden rows', () => {
  const rows: [KubeObject, unknown[]][] = [
    // Knative's passthrough route as the serverless integration creates it.
    [route({ host: 'hello-default.apps.openshift.example.com', to: { kind: 'Service', name: 'kourier', weight: 100 }, port: { targetPort: 'https' }, tls: { termination: 'passthrough', insecureEdgeTerminationPolicy: 'Redirect' }, wildcardPolicy: 'None' }, { ingress: [admitted('hello-default.apps.openshift.example.com')] }),
      ['hello', 'hello-default.apps.openshift.example.com', '', 'kourier', 'https', 'passthrough/Redirect', 'None']],
    // No status.ingress at all: the requested host; no port: <all>.
    [route({ host: 'a.example.com', path: '/api', to: { name: 'api', weight: 100 } }), ['hello', 'a.example.com', '/api', 'api', '<all>', '', '']],
    // status.ingress present but empty: Pending.
    [route({ host: 'a.example.com', to: { name: 'api', weight: 100 }, tls: { termination: 'edge' } }, { ingress: [] }), ['hello', 'Pending', '', 'api', '<all>', 'edge', '']],
    // Weighted backends: integer percentages of the total.
    [route({ to: { name: 'a', weight: 1 }, alternateBackends: [{ name: 'b', weight: 2 }], port: { targetPort: 8080 } }), ['hello', '', '', 'a(33%),b(66%)', '8080', '', '']],
    // All weights 0.
    [route({ to: { name: 'a', weight: 0 }, alternateBackends: [{ name: 'b', weight: 0 }] }), ['hello', '', '', 'a(0%),b(0%)', '<all>', '', '']],
    // A single backend with weight 0 is shown with its percentage; without a weight, bare.
    [route({ to: { name: 'a', weight: 0 } }), ['hello', '', '', 'a(0%)', '<all>', '', '']],
    [route({ to: { name: 'a' }, alternateBackends: [{ name: 'b', weight: 50 }] }), ['hello', '', '', 'a,b(100%)', '<all>', '', '']],
    // Only the insecure policy set.
    [route({ to: { name: 'a', weight: 100 }, tls: { insecureEdgeTerminationPolicy: 'Allow' } }), ['hello', '', '', 'a', '<all>', 'default/Allow', '']],
  ];
  for (const [obj, expected] of rows) assert.deepEqual(ROUTE_TABLE.row(obj, NOW), expected);
});

test('host/port with several routers', () => {
  const host = (spec: Record<string, unknown>, ingress: Record<string, unknown>[]): unknown => ROUTE_TABLE.row(route({ to: { name: 'a' }, ...spec }, { ingress }), NOW)[1];
  // The ingress matching spec.host wins; further admissions are counted.
  assert.equal(host({ host: 'b.example.com' }, [admitted('a.example.com'), admitted('b.example.com'), admitted('c.example.com')]), 'b.example.com ... 2 more');
  // No match: the last admitted host.
  assert.equal(host({ host: 'x.example.com' }, [admitted('a.example.com'), admitted('b.example.com')]), 'b.example.com ... 1 more');
  // Rejections: counted next to an admitted host, or the last rejection's reason alone.
  assert.equal(host({ host: 'a.example.com' }, [admitted('a.example.com'), admitted('a.example.com', 'False', 'HostAlreadyClaimed')]), 'a.example.com ... 1 rejected');
  assert.equal(host({ host: 'a.example.com' }, [admitted('a.example.com', 'False', 'InvalidHost'), admitted('a.example.com', 'False', 'HostAlreadyClaimed')]), 'HostAlreadyClaimed');
  // An ingress without an Admitted condition counts as neither.
  assert.equal(host({ host: 'a.example.com' }, [{ host: 'a.example.com', conditions: [] }]), 'Pending');
});
