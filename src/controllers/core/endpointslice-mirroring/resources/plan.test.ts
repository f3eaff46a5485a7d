import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice } from '../../../../api/builtin/core/service-view.ts';
import type { Endpoints, EndpointSubset } from '../../endpoints/resources/endpoints.ts';
import { desiredMirror } from './desired.ts';
import { planMirror } from './plan.ts';

const http = [{ name: 'http', port: 8012, protocol: 'TCP' }];

function endpoints(subsets: EndpointSubset[], meta: Partial<Endpoints['metadata']> = {}): Endpoints {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'rev', namespace: 'default', uid: 'ep1', ...meta }, subsets };
}

function ips(...list: string[]): EndpointSubset {
  return { addresses: list.map((ip) => ({ ip })), ports: http };
}

/** What the API server would hold after the plan's create, under a given name. */
function stored(ep: Endpoints, name: string): EndpointSlice {
  const [created] = planMirror(ep, [], desiredMirror(ep)).create;
  const { generateName: _g, ...meta } = created!.metadata;
  return { ...created!, metadata: { ...meta, name, resourceVersion: '7' } };
}

describe('planMirror', () => {
  it('creates one slice per group, labelled, annotated and owned as upstream writes it', () => {
    const ep = endpoints([ips('127.1.0.2')], {
      labels: { app: 'rev', 'kubernetes.io/service-name': 'other' },
      annotations: { team: 'a', 'endpoints.kubernetes.io/last-change-trigger-time': 'x', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    });
    const plan = planMirror(ep, [], desiredMirror(ep));
    assert.deepEqual([plan.update, plan.delete], [[], []]);
    assert.equal(plan.create.length, 1);
    const s = plan.create[0]!;
    assert.deepEqual(s.metadata, {
      generateName: 'rev-',
      namespace: 'default',
      labels: { app: 'rev', 'kubernetes.io/service-name': 'rev', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' },
      annotations: { team: 'a' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: 'rev', uid: 'ep1', controller: true, blockOwnerDeletion: true }],
    });
    assert.equal(s.addressType, 'IPv4');
    assert.deepEqual(s.ports, http);
    assert.deepEqual(s.endpoints, [{ addresses: ['127.1.0.2'], conditions: { ready: true } }]);
  });

  it('leaves a matching slice alone whatever the order of its endpoints', () => {
    const ep = endpoints([ips('127.1.0.2', '127.1.0.3')]);
    const live = stored(ep, 'rev-abcde');
    live.endpoints = [...live.endpoints!].reverse();
    assert.deepEqual(planMirror(ep, [live], desiredMirror(ep)), { create: [], update: [], delete: [] });
  });

  it('updates the first slice of a group in place, keeping its name and resourceVersion, and deletes extra ones', () => {
    const before = endpoints([ips('127.1.0.2')]);
    const first = stored(before, 'rev-aaaaa');
    const extra = stored(before, 'rev-bbbbb');
    const after = endpoints([ips('127.1.0.2', '127.1.0.9')], { labels: { tier: 'x' } });
    const plan = planMirror(after, [extra, first], desiredMirror(after));
    assert.deepEqual(plan.create, []);
    assert.deepEqual(plan.update.map((s) => [s.metadata.name, s.metadata.resourceVersion, s.metadata.generateName, s.metadata.labels?.tier, s.endpoints?.length]), [['rev-aaaaa', '7', undefined, 'x', 2]]);
    assert.deepEqual(plan.delete.map((s) => s.metadata.name), ['rev-bbbbb']);
  });

  it('reuses a slice of a port set no longer wanted for a new one of the same family', () => {
    const old = stored(endpoints([ips('127.1.0.2')]), 'rev-aaaaa');
    const ep = endpoints([{ addresses: [{ ip: '127.1.0.2' }], ports: [{ name: 'https', port: 8112, protocol: 'TCP' }] }]);
    const plan = planMirror(ep, [old], desiredMirror(ep));
    assert.deepEqual([plan.create, plan.delete], [[], []]);
    assert.deepEqual(plan.update.map((s) => [s.metadata.name, s.ports]), [['rev-aaaaa', [{ name: 'https', port: 8112, protocol: 'TCP' }]]]);
  });

  it('deletes every slice when no address is left, and rewrites a slice owned by an earlier Endpoints', () => {
    const live = stored(endpoints([ips('127.1.0.2')]), 'rev-aaaaa');
    const empty = endpoints([{ ports: http }]);
    assert.deepEqual(planMirror(empty, [live], desiredMirror(empty)).delete.map((s) => s.metadata.name), ['rev-aaaaa']);
    const recreated = endpoints([ips('127.1.0.2')], { uid: 'ep2' });
    assert.deepEqual(planMirror(recreated, [live], desiredMirror(recreated)).update.map((s) => s.metadata.ownerReferences?.[0]?.uid), ['ep2']);
  });

  it('holds at most the cap in one slice even when subsets with the same ports add up past it', () => {
    const ep = endpoints([ips('127.1.0.1', '127.1.0.2'), ips('127.1.0.3', '127.1.0.4')]);
    assert.deepEqual(planMirror(ep, [], desiredMirror(ep, 3), 3).create.map((s) => s.endpoints?.length), [3]);
  });
});
