import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../../../api/builtin/core/pod-readiness.ts';
import type { Service } from '../../../../api/builtin/core/service-view.ts';
import { desiredSubsets, endpointsLabels, truncate, type EndpointSubset } from './endpoints.ts';

function pod(name: string, ip: string, opts: { ready?: boolean; deleting?: boolean; phase?: string; ports?: Array<{ name: string; containerPort: number }> } = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' }, ...(opts.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: 'skiff', containers: [{ name: 'c', ports: opts.ports ?? [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: opts.phase ?? 'Running', podIP: ip, conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  };
}

function svc(spec: Partial<Service['spec']> = {}): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } }, spec: { selector: { app: 'web' }, clusterIP: '127.96.0.9', ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], ...spec } };
}

describe('desiredSubsets', () => {
  it('puts ready pods under addresses and the others under notReadyAddresses, with the resolved port', () => {
    const subsets = desiredSubsets(svc(), [pod('b', '127.1.0.10'), pod('a', '127.1.0.9'), pod('c', '127.1.0.11', { ready: false })]);
    assert.deepEqual(subsets, [{
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      addresses: [
        { ip: '127.1.0.9', nodeName: 'skiff', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } },
        { ip: '127.1.0.10', nodeName: 'skiff', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } },
      ],
      notReadyAddresses: [{ ip: '127.1.0.11', nodeName: 'skiff', targetRef: { kind: 'Pod', namespace: 'default', name: 'c', uid: 'uid-c' } }],
    }]);
  });

  it('leaves out terminating, finished and port-less pods; keeps not-ready ones when publishing them', () => {
    const pods = [pod('gone', '127.1.0.1', { deleting: true }), pod('done', '127.1.0.2', { phase: 'Succeeded' }), pod('noport', '127.1.0.3', { ports: [] }), pod('slow', '127.1.0.4', { ready: false })];
    assert.deepEqual(desiredSubsets(svc(), pods).map((s) => [s.addresses?.length ?? 0, s.notReadyAddresses?.length ?? 0]), [[0, 1]]);
    const published = desiredSubsets(svc({ publishNotReadyAddresses: true }), pods);
    assert.deepEqual(published[0]!.addresses!.map((a) => a.ip), ['127.1.0.1', '127.1.0.4']);
  });

  it('gives a headless Service without ports bare addresses and the headless label', () => {
    const headless = svc({ clusterIP: 'None', ports: [] });
    assert.deepEqual(desiredSubsets(headless, [pod('a', '127.1.0.9')]), [{ addresses: [{ ip: '127.1.0.9', nodeName: 'skiff', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }] }]);
    assert.deepEqual(endpointsLabels(headless), { app: 'web', 'service.kubernetes.io/headless': '' });
    assert.deepEqual(endpointsLabels(svc()), { app: 'web' });
  });
});

describe('truncate', () => {
  const addrs = (n: number, base: number) => Array.from({ length: n }, (_, i) => ({ ip: `127.2.${Math.floor((base + i) / 250)}.${(base + i) % 250}` }));
  it('keeps 1000 addresses, ready ones first, in proportion to each subset', () => {
    const subsets: EndpointSubset[] = [{ addresses: addrs(600, 0), notReadyAddresses: addrs(100, 600) }, { addresses: addrs(300, 700), notReadyAddresses: addrs(200, 1000) }];
    assert.equal(truncate(subsets), true);
    assert.deepEqual(subsets.map((s) => [s.addresses?.length, s.notReadyAddresses?.length]), [[600, 34], [300, 66]]);
    assert.equal(truncate([{ addresses: addrs(10, 0) }]), false);
  });
});
