import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePorts, namedPortsOf, portsAllow } from './ports.ts';
import type { NetworkPolicyPort, Protocol } from './types.ts';

const NAMED = namedPortsOf([
  { ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 7000 }] },
  { ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' }] },
  { ports: null },
]);

test('namedPortsOf keeps named ports of every container, protocol defaulted', () => {
  assert.deepEqual([...NAMED], [
    ['http', [{ port: 8080, protocol: 'TCP' }]],
    ['dns', [{ port: 53, protocol: 'UDP' }]],
    ['dns-tcp', [{ port: 53, protocol: 'TCP' }]],
  ]);
  assert.equal(namedPortsOf(undefined).size, 0);
});

const TABLE: Array<[string, NetworkPolicyPort[] | null | undefined, number, Protocol, boolean]> = [
  ['absent ports: all', undefined, 1, 'SCTP', true],
  ['null ports: all', null, 65535, 'UDP', true],
  ['empty ports: all', [], 80, 'TCP', true],
  ['number', [{ port: 80 }], 80, 'TCP', true],
  ['number, other protocol', [{ port: 80 }], 80, 'UDP', false],
  ['number, explicit UDP', [{ port: 80, protocol: 'UDP' }], 80, 'UDP', true],
  ['range', [{ port: 30000, endPort: 32767 }], 31000, 'TCP', true],
  ['range end', [{ port: 30000, endPort: 32767 }], 32767, 'TCP', true],
  ['range past end', [{ port: 30000, endPort: 32767 }], 32768, 'TCP', false],
  ['name', [{ port: 'http' }], 8080, 'TCP', true],
  ['name, other number', [{ port: 'http' }], 80, 'TCP', false],
  ['name, UDP declaration', [{ port: 'dns', protocol: 'UDP' }], 53, 'UDP', true],
  ['name, TCP rule on UDP declaration', [{ port: 'dns' }], 53, 'TCP', false],
  ['unknown name', [{ port: 'grpc' }], 8080, 'TCP', false],
  ['protocol only', [{ protocol: 'SCTP' }], 9, 'SCTP', true],
  ['protocol only, TCP default', [{}], 9, 'TCP', true],
  ['protocol only, TCP default, UDP', [{}], 9, 'UDP', false],
  ['any entry admits', [{ port: 1 }, { port: 'http' }, { port: 9000, endPort: 9100 }], 9050, 'TCP', true],
];

for (const [name, ports, port, protocol, expected] of TABLE) {
  test(`ports: ${name}`, () => assert.equal(portsAllow(compilePorts(ports), port, protocol, NAMED), expected));
}
