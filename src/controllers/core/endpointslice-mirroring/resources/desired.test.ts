import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, EndpointSubset } from '../../endpoints/resources/endpoints.ts';
import { canonicalIP, desiredMirror, shouldMirror } from './desired.ts';

function endpoints(subsets: EndpointSubset[], meta: Partial<Endpoints['metadata']> = {}): Endpoints {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'rev', namespace: 'default', uid: 'ep1', ...meta }, subsets };
}

const http = [{ name: 'http', port: 8012, protocol: 'TCP' }];

describe('shouldMirror', () => {
  it('skips Endpoints marked skip-mirror or used as a leader-election lock', () => {
    assert.equal(shouldMirror(endpoints([])), true);
    assert.equal(shouldMirror(endpoints([], { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } })), false);
    assert.equal(shouldMirror(endpoints([], { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'false' } })), true);
    assert.equal(shouldMirror(endpoints([], { annotations: { 'control-plane.alpha.kubernetes.io/leader': '{}' } })), false);
    assert.equal(shouldMirror(undefined), false);
  });
});

describe('canonicalIP', () => {
  it('rewrites IPs as Go prints them and tells the family', () => {
    assert.deepEqual(canonicalIP('127.1.0.9'), { address: '127.1.0.9', addressType: 'IPv4' });
    assert.deepEqual(canonicalIP('010.001.000.009'), { address: '10.1.0.9', addressType: 'IPv4' });
    assert.deepEqual(canonicalIP('2001:DB8:0:0:0:0:0:1'), { address: '2001:db8::1', addressType: 'IPv6' });
    assert.equal(canonicalIP('not-an-ip'), undefined);
  });
});

describe('desiredMirror', () => {
  it('mirrors ready and not-ready addresses with their target, node and hostname', () => {
    const d = desiredMirror(endpoints([{
      addresses: [{ ip: '127.1.0.2', nodeName: 'skiff', targetRef: { kind: 'Pod', namespace: 'default', name: 'p1', uid: 'u1' } }],
      notReadyAddresses: [{ ip: '127.1.0.3', hostname: 'h3' }],
      ports: http,
    }]));
    assert.equal(d.groups.size, 1);
    const [g] = d.groups.values();
    assert.equal(g!.addressType, 'IPv4');
    assert.deepEqual(g!.ports, [{ name: 'http', port: 8012, protocol: 'TCP' }]);
    assert.deepEqual(g!.endpoints, [
      { addresses: ['127.1.0.2'], conditions: { ready: true }, nodeName: 'skiff', targetRef: { kind: 'Pod', namespace: 'default', name: 'p1', uid: 'u1' } },
      { addresses: ['127.1.0.3'], conditions: { ready: false }, hostname: 'h3' },
    ]);
    assert.deepEqual([d.invalid, d.skipped], [0, 0]);
  });

  it('merges subsets with the same ports, splits families and port sets, defaults port names and protocols', () => {
    const d = desiredMirror(endpoints([
      { addresses: [{ ip: '127.1.0.2' }], ports: http },
      { addresses: [{ ip: '127.1.0.3' }, { ip: 'fd00::1' }], ports: http },
      { addresses: [{ ip: '127.1.0.4' }], ports: [{ port: 9090 } as never] },
    ]));
    const groups = [...d.groups.values()].map((g) => [g.addressType, g.ports, g.endpoints.map((e) => e.addresses[0])]);
    assert.deepEqual(groups, [
      ['IPv4', http, ['127.1.0.2', '127.1.0.3']],
      ['IPv6', http, ['fd00::1']],
      ['IPv4', [{ name: '', port: 9090, protocol: 'TCP' }], ['127.1.0.4']],
    ]);
  });

  it('keeps one endpoint per address (the later, not-ready copy wins) and mirrors nothing for empty subsets', () => {
    const d = desiredMirror(endpoints([{ addresses: [{ ip: '127.1.0.2' }], notReadyAddresses: [{ ip: '127.1.0.2' }], ports: http }]));
    assert.deepEqual([...d.groups.values()][0]!.endpoints, [{ addresses: ['127.1.0.2'], conditions: { ready: false } }]);
    assert.equal(desiredMirror(endpoints([{ ports: http }])).groups.size, 0);
    assert.equal(desiredMirror({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'x', namespace: 'default' } }).groups.size, 0);
  });

  it('caps each subset and counts what it skipped, invalid addresses apart', () => {
    const addresses = Array.from({ length: 5 }, (_, i) => ({ ip: `127.1.0.${i + 1}` }));
    const d = desiredMirror(endpoints([{ addresses: [{ ip: 'bogus' }, ...addresses], notReadyAddresses: [{ ip: '127.1.1.1' }], ports: http }]), 3);
    assert.deepEqual([...d.groups.values()][0]!.endpoints.map((e) => e.addresses[0]), ['127.1.0.1', '127.1.0.2', '127.1.0.3']);
    assert.deepEqual([d.invalid, d.skipped], [1, 4]);
  });
});
