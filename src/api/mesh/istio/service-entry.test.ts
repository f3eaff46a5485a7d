import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { ADDRESSES_WARNING, checkServiceEntry } from './service-entry.ts';

function se(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.istio.io/v1alpha3', kind: 'ServiceEntry', metadata: { name: 'kafka-cluster', namespace: 'knative-eventing' }, spec };
}

const port = (number: number, name: string, protocol = 'TCP'): Record<string, unknown> => ({ number, name, protocol });

test('the seed\'s Kafka ServiceEntry is accepted, its repeated port names named in warnings', () => {
  const found = checkServiceEntry(se({
    hosts: ['my-cluster-kafka-bootstrap.kafka'],
    exportTo: ['.'],
    ports: [port(9092, 'tcp-plain'), port(9093, 'tcp-tls'), port(9094, 'tcp-sasl-tls'), port(9095, 'tcp-sasl-tls'), port(9096, 'tcp-tls')],
    location: 'MESH_EXTERNAL',
    resolution: 'NONE',
  }));
  assert.deepEqual(found.errors, []);
  assert.deepEqual(found.warnings, [
    ADDRESSES_WARNING,
    'spec.ports[3].name: service entry port name "tcp-sasl-tls" already defined; skiff accepts it, but istiod rejects a ServiceEntry with repeated ports in mesh member namespaces: give every port its own name, e.g. "tcp-sasl-tls-9095"',
    'spec.ports[4].name: service entry port name "tcp-tls" already defined; skiff accepts it, but istiod rejects a ServiceEntry with repeated ports in mesh member namespaces: give every port its own name, e.g. "tcp-tls-9096"',
  ]);
});

test('repeated port numbers warn too; addresses silence the TCP warning', () => {
  const found = checkServiceEntry(se({ hosts: ['a.example.com'], addresses: ['10.0.0.0/24'], ports: [port(9092, 'a'), port(9092, 'b', 'HTTP')] }));
  assert.deepEqual(found.errors, []);
  assert.deepEqual(found.warnings, [
    'spec.ports[1].number: service entry port 9092 already defined; skiff accepts it, but istiod rejects a ServiceEntry with repeated ports in mesh member namespaces: list each port number once',
  ]);
});

test('hosts, addresses, ports and resolution as istiod validates them', () => {
  const messages = (spec: Record<string, unknown>): string[] => checkServiceEntry(se(spec)).errors.map((e) => `${e.field}: ${e.detail}`);
  assert.deepEqual(messages({ ports: [port(80, 'http', 'HTTP')] }), ['spec.hosts: service entry must have at least one host']);
  assert.deepEqual(messages({ hosts: ['*'], addresses: ['10.0.0.0/8'], resolution: 'DNS', ports: [port(0, 'Bad_Name', 'QUIC')] }), [
    'spec.hosts[0]: invalid host *',
    'spec.resolution: CIDR addresses are allowed only for NONE/STATIC resolution types',
    'spec.ports[0].name: invalid port name: Bad_Name',
    'spec.ports[0].protocol: unsupported protocol: QUIC',
    'spec.ports[0].number: port number 0 must be in the range 1..65535',
    'spec.hosts: hosts must be FQDN if no endpoints are provided for resolution mode DNS',
  ]);
  assert.deepEqual(messages({ hosts: ['a.b'], resolution: 'NONE', endpoints: [{ address: '1.2.3.4' }], ports: [port(80, 'http', 'HTTP')] }), [
    'spec.endpoints: no endpoints should be provided for resolution type none',
  ]);
  assert.deepEqual(messages({ hosts: ['a.b', 'c.d'], resolution: 'DNS', ports: [port(9092, 'tcp')] }), ['spec.hosts: multiple hosts provided with non-HTTP, non-TLS ports']);
  assert.deepEqual(messages({ hosts: ['a.b'], resolution: 'STATIC', endpoints: [{ address: 'not-an-ip', ports: { grpc: 90 } }], ports: [port(80, 'http', 'HTTP')] }), [
    'spec.endpoints[0].address: not-an-ip is not a valid IP',
    'spec.endpoints[0].ports[grpc]: endpoint port 90 is not defined by the service entry',
  ]);
  assert.deepEqual(messages({ hosts: ['a.b'], exportTo: ['~', 'ns1'], ports: [port(80, 'http', 'HTTP')] }), [
    'spec.exportTo: cannot export service entry to no one (~) and someone',
  ]);
});
