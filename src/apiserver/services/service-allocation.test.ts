import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpv4Range, parsePortRange } from '../../api/builtin/core/service-network.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import { allocateServiceFields, heldBy, type InUse, type ServiceNetwork } from './service-allocation.ts';
import { pickFree, staticBand, IP_BAND, PORT_BAND } from './pick-free.ts';

const network: ServiceNetwork = { serviceRange: parseIpv4Range('127.96.0.0/24'), nodePorts: parsePortRange('30000-30099') };
const none: InUse = { clusterIPs: new Set(), nodePorts: new Set() };
const first = () => 0;

function svc(spec: Record<string, unknown>): Record<string, unknown> & { spec: Record<string, unknown> } {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], ...spec } };
}

function messageOf(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail('expected an error');
}

describe('pickFree', () => {
  it('scans the upper band from the random start, then the lower band', () => {
    assert.equal(staticBand(254, IP_BAND), 16);
    assert.equal(staticBand(65534, IP_BAND), 256);
    assert.equal(staticBand(2768, PORT_BAND), 86);
    assert.equal(staticBand(10, IP_BAND), 0);
    assert.equal(pickFree(100, 16, () => false, first), 16);
    assert.equal(pickFree(100, 16, (i) => i >= 16, first), 0);
    assert.equal(pickFree(100, 16, () => true, first), undefined);
    assert.equal(pickFree(100, 16, (i) => i === 20, () => 4), 21);
  });
});

describe('allocateServiceFields', () => {
  it('gives a ClusterIP service an address from the upper band of the range', () => {
    const s = svc({});
    allocateServiceFields(s, undefined, network, none, first);
    assert.equal(s.spec.clusterIP, '127.96.0.17');
    assert.deepEqual(s.spec.clusterIPs, ['127.96.0.17']);
    assert.deepEqual(heldBy(s), { clusterIPs: ['127.96.0.17'], nodePorts: [] });
  });

  it('skips addresses in use and honours a requested one', () => {
    const s = svc({});
    allocateServiceFields(s, undefined, network, { clusterIPs: new Set(['127.96.0.17']), nodePorts: new Set() }, first);
    assert.equal(s.spec.clusterIP, '127.96.0.18');
    const requested = svc({ clusterIP: '127.96.0.5', clusterIPs: ['127.96.0.5'] });
    allocateServiceFields(requested, undefined, network, none, first);
    assert.equal(requested.spec.clusterIP, '127.96.0.5');
  });

  it('refuses a requested address that is taken or outside the range, as kube-apiserver words it', () => {
    const taken = messageOf(() => allocateServiceFields(svc({ clusterIP: '127.96.0.5', clusterIPs: ['127.96.0.5'] }), undefined, network, { clusterIPs: new Set(['127.96.0.5']), nodePorts: new Set() }));
    assert.equal(taken, 'Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"127.96.0.5"}: failed to allocate IP 127.96.0.5: provided IP is already allocated');
    const outside = messageOf(() => allocateServiceFields(svc({ clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1'] }), undefined, network, none));
    assert.match(outside, /failed to allocate IP 10\.0\.0\.1: the provided IP \(10\.0\.0\.1\) is not in the valid range\. The range of valid IPs is 127\.96\.0\.0\/24$/);
    const broadcast = messageOf(() => allocateServiceFields(svc({ clusterIP: '127.96.0.255', clusterIPs: ['127.96.0.255'] }), undefined, network, none));
    assert.match(broadcast, /not in the valid range/);
  });

  it('leaves headless and ExternalName services without an address', () => {
    const headless = svc({ clusterIP: 'None', clusterIPs: ['None'] });
    allocateServiceFields(headless, undefined, network, none);
    assert.deepEqual(headless.spec.clusterIPs, ['None']);
    const external = svc({ type: 'ExternalName', externalName: 'example.com', ports: [] });
    allocateServiceFields(external, undefined, network, none);
    assert.equal(external.spec.clusterIP, undefined);
  });

  it('allocates one node port per service port number and reuses a named one for the same number', () => {
    const s = svc({ type: 'NodePort', ports: [{ name: 'dns-tcp', port: 53, protocol: 'TCP' }, { name: 'dns-udp', port: 53, protocol: 'UDP', nodePort: 30050 }, { name: 'web', port: 80, protocol: 'TCP' }] });
    allocateServiceFields(s, undefined, network, none, first);
    const ports = s.spec.ports as Array<{ nodePort: number }>;
    assert.deepEqual(ports.map((p) => p.nodePort), [30050, 30050, 30016]);
    assert.deepEqual(heldBy(s).nodePorts.sort(), [30016, 30050]);
  });

  it('refuses a node port in use or out of range with a 422 naming the port', () => {
    const err = (() => {
      try {
        allocateServiceFields(svc({ type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] }), undefined, network, { clusterIPs: new Set(), nodePorts: new Set([30080]) });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(isSkiffError(err, 'SKF_API_INVALID'));
    assert.match(err.message, /spec\.ports\[0\]\.nodePort: Invalid value: 30080: provided port is already allocated$/);
    const outside = messageOf(() => allocateServiceFields(svc({ type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 31000 }] }), undefined, network, none));
    assert.match(outside, /spec\.ports\[0\]\.nodePort: Invalid value: 31000: provided port is not in the valid range\. The range of valid ports is 30000-30099$/);
  });

  it('keeps what an update already holds, allocates for new ports and for ExternalName turning into ClusterIP', () => {
    const old = svc({ type: 'NodePort', clusterIP: '127.96.0.20', clusterIPs: ['127.96.0.20'], ports: [{ port: 80, protocol: 'TCP', nodePort: 30001 }] });
    const next = svc({ type: 'NodePort', clusterIP: '127.96.0.20', clusterIPs: ['127.96.0.20'], ports: [{ port: 80, protocol: 'TCP', nodePort: 30001 }, { port: 443, protocol: 'TCP' }] });
    allocateServiceFields(next, old, network, none, first);
    assert.deepEqual((next.spec.ports as Array<{ nodePort: number }>).map((p) => p.nodePort), [30001, 30016]);
    const fromExternal = svc({});
    allocateServiceFields(fromExternal, svc({ type: 'ExternalName', externalName: 'x.example' }), network, none, first);
    assert.equal(fromExternal.spec.clusterIP, '127.96.0.17');
  });

  it('gives LoadBalancer services with externalTrafficPolicy Local a health-check node port, and none when node ports are off', () => {
    const local = svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', allocateLoadBalancerNodePorts: true });
    allocateServiceFields(local, undefined, network, none, first);
    assert.equal(local.spec.healthCheckNodePort, 30017);
    const noPorts = svc({ type: 'LoadBalancer', allocateLoadBalancerNodePorts: false });
    allocateServiceFields(noPorts, undefined, network, none, first);
    assert.equal((noPorts.spec.ports as Array<{ nodePort?: number }>)[0]!.nodePort, undefined);
  });

  it('says the range is full when it is', () => {
    const tiny: ServiceNetwork = { serviceRange: parseIpv4Range('127.96.0.0/30'), nodePorts: network.nodePorts };
    const err = (() => {
      try {
        allocateServiceFields(svc({}), undefined, tiny, { clusterIPs: new Set(['127.96.0.1', '127.96.0.2']), nodePorts: new Set() });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(isSkiffError(err, 'SKF_SERVICE_RANGE_FULL'));
    assert.equal(err.message, 'Internal error occurred: failed to allocate a serviceIP: range is full');
  });
});
