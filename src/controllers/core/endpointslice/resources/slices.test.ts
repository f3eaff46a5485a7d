import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/builtin/core/pod-readiness.ts';
import type { EndpointSlice, Service } from '../../../../api/builtin/core/service-view.ts';
import { desiredGroups, planSlices, sliceLabels } from './slices.ts';

function pod(i: number, opts: { ready?: boolean; deleting?: boolean; port?: number } = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `p${i}`, namespace: 'default', uid: `u${i}`, labels: { app: 'web' }, ...(opts.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: 'skiff', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: opts.port ?? 8080 }] }] },
    status: { phase: 'Running', podIP: `127.1.${Math.floor(i / 200)}.${(i % 200) + 1}`, conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  };
}

const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', uid: 'svc1', labels: { app: 'web' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] } };

describe('EndpointSlice endpoints', () => {
  it('marks not-ready and terminating pods with their conditions and groups pods by resolved ports', () => {
    const groups = desiredGroups(svc, [pod(1), pod(2, { ready: false }), pod(3, { deleting: true }), pod(4, { port: 9090 })]);
    assert.equal(groups.size, 2);
    const [main, other] = [...groups.values()];
    assert.deepEqual(main!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(main!.endpoints.map((e) => [e.addresses[0], e.conditions]), [
      ['127.1.0.2', { ready: true, serving: true, terminating: false }],
      ['127.1.0.3', { ready: false, serving: false, terminating: false }],
      ['127.1.0.4', { ready: false, serving: true, terminating: true }],
    ]);
    assert.deepEqual(other!.ports, [{ name: 'http', port: 9090, protocol: 'TCP' }]);
    assert.deepEqual(sliceLabels({ ...svc, spec: { ...svc.spec, clusterIP: 'None' } }), {
      app: 'web', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'service.kubernetes.io/headless': '',
    });
  });
});

describe('planSlices', () => {
  it('creates 100-endpoint slices owned by the Service, and a placeholder when there are none', () => {
    const plan = planSlices(svc, [], desiredGroups(svc, Array.from({ length: 250 }, (_, i) => pod(i))));
    assert.deepEqual(plan.create.map((s) => s.endpoints?.length), [100, 100, 50]);
    assert.equal(plan.create[0]!.metadata.generateName, 'web-');
    assert.equal(plan.create[0]!.metadata.ownerReferences?.[0]?.uid, 'svc1');
    const empty = planSlices(svc, [], desiredGroups(svc, []));
    assert.deepEqual(empty.create.map((s) => [s.endpoints, s.ports]), [[[], []]]);
  });

  it('leaves equal slices alone, updates changed ones and deletes what is no longer wanted', () => {
    const desired = desiredGroups(svc, [pod(1), pod(2)]);
    const [current] = planSlices(svc, [], desired).create;
    const existing = { ...current!, metadata: { ...current!.metadata, name: 'web-aaaaa' } } as EndpointSlice;
    assert.deepEqual(planSlices(svc, [existing], desired), { create: [], update: [], delete: [] });
    const changed = planSlices(svc, [existing], desiredGroups(svc, [pod(1)]));
    assert.deepEqual(changed.update.map((s) => [s.metadata.name, s.endpoints?.length]), [['web-aaaaa', 1]]);
    const stale = { ...existing, metadata: { ...existing.metadata, name: 'web-bbbbb' }, ports: [{ name: 'old', port: 1, protocol: 'TCP' }] } as EndpointSlice;
    assert.deepEqual(planSlices(svc, [existing, stale], desired).delete.map((s) => s.metadata.name), ['web-bbbbb']);
  });

  it('turns the placeholder into the first real slice (one update, no delete and create), as upstream finalize does', () => {
    const [placeholder] = planSlices(svc, [], desiredGroups(svc, [])).create;
    const existing = { ...placeholder!, metadata: { ...placeholder!.metadata, name: 'web-ppppp', resourceVersion: '7' } } as EndpointSlice;
    const plan = planSlices(svc, [existing], desiredGroups(svc, [pod(1, { ready: false })]));
    assert.deepEqual(plan.create, []);
    assert.deepEqual(plan.delete, []);
    assert.equal(plan.update.length, 1);
    const [slice] = plan.update;
    assert.equal(slice!.metadata.name, 'web-ppppp');
    assert.equal(slice!.metadata.resourceVersion, '7');
    assert.deepEqual(slice!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(slice!.endpoints?.map((e) => [e.addresses[0], e.conditions?.ready]), [['127.1.0.2', false]]);
    // And back: the last endpoint gone, the slice becomes the placeholder again.
    const back = planSlices(svc, [slice!], desiredGroups(svc, []));
    assert.deepEqual([back.create.length, back.delete.length], [0, 0]);
    assert.deepEqual(back.update.map((s) => [s.metadata.name, s.endpoints, s.ports]), [['web-ppppp', [], []]]);
  });
});
