import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { checkGateway } from './gateway.ts';

function gateway(spec: Record<string, unknown>, name = 'knative-ingress-gateway'): KubeObject {
  return { apiVersion: 'networking.istio.io/v1alpha3', kind: 'Gateway', metadata: { name, namespace: 'knative-serving' }, spec };
}

const https = (tls: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], ...(tls ? { tls } : {}), ...extra,
});

function messages(obj: KubeObject): string[] {
  return checkGateway(obj).errors.map((e) => `${e.field}: ${e.detail}`);
}

test('the seed gateways are valid', () => {
  assert.deepEqual(messages(gateway({ selector: { knative: 'ingressgateway' }, servers: [https({ mode: 'SIMPLE', credentialName: 'wildcard-certs' })] })), []);
  assert.deepEqual(messages(gateway({ servers: [{ port: { number: 8081, name: 'https', protocol: 'HTTPS' }, tls: { mode: 'ISTIO_MUTUAL' }, hosts: ['*'] }] }, 'knative-local-gateway')), []);
  assert.deepEqual(messages(gateway({ servers: [{ port: { number: 8081, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] }, 'knative-local-gateway')), []);
});

test('servers need a port and hosts', () => {
  assert.deepEqual(messages(gateway({ servers: [] })), ['spec.servers: gateway must have at least one server']);
  assert.deepEqual(messages(gateway({ servers: [{ hosts: [] }] })), [
    'spec.servers[0].hosts: server config must contain at least one host',
    'spec.servers[0].port: port is required',
  ]);
});

test('ports: protocol, number and name', () => {
  assert.deepEqual(messages(gateway({ servers: [{ port: { number: 70000, name: '', protocol: 'QUIC' }, hosts: ['*.example.com'] }] })), [
    'spec.servers[0].port.protocol: invalid protocol "QUIC", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP',
    'spec.servers[0].port.number: port number 70000 must be in the range 1..65535',
    'spec.servers[0].port.name: port name must be set',
  ]);
  const twice = gateway({ servers: [https({ mode: 'SIMPLE', credentialName: 'c' }), https({ mode: 'SIMPLE', credentialName: 'd' })] });
  assert.deepEqual(messages(twice), ['spec.servers[1].port.name: port names in servers must be unique: duplicate name https']);
});

test('TLS settings must match the protocol and mode', () => {
  assert.deepEqual(messages(gateway({ servers: [https(undefined)] })), ['spec.servers[0].tls: server must have TLS settings for HTTPS/TLS protocols']);
  assert.deepEqual(messages(gateway({ servers: [https({ mode: 'SIMPLE' })] })), [
    'spec.servers[0].tls.credentialName: SIMPLE TLS requires a server certificate: set credentialName to a Secret holding it (or serverCertificate and privateKey)',
  ]);
  assert.deepEqual(messages(gateway({ servers: [https({ mode: 'MUTUAL', serverCertificate: '/c.pem' })] })), [
    'spec.servers[0].tls.privateKey: MUTUAL TLS requires a private key',
    'spec.servers[0].tls.caCertificates: MUTUAL TLS requires a client CA bundle',
  ]);
  assert.deepEqual(messages(gateway({ servers: [https({ mode: 'ISTIO_MUTUAL', credentialName: 'x' })] })), [
    'spec.servers[0].tls.credentialName: ISTIO_MUTUAL TLS cannot have associated credentialName',
  ]);
  const http = { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] };
  assert.deepEqual(messages(gateway({ servers: [{ ...http, tls: { httpsRedirect: true } }] })), []);
  assert.deepEqual(messages(gateway({ servers: [{ ...http, tls: { mode: 'SIMPLE', credentialName: 'x' } }] })), [
    'spec.servers[0].tls: server cannot have TLS settings for plain text HTTP ports',
  ]);
});

test('hosts: namespace/dnsName, no short names, no partial wildcards', () => {
  const hosts = (h: string[]): string[] => messages(gateway({ servers: [https({ mode: 'SIMPLE', credentialName: 'c' }, { hosts: h })] }));
  assert.deepEqual(hosts(['./*.example.com', 'prod/foo.example.com', '10.0.0.1']), []);
  assert.deepEqual(hosts(['foo']), ['spec.servers[0].hosts[0]: short names (non FQDN) are not allowed']);
  assert.deepEqual(hosts(['Bad_NS/foo.com']), ['spec.servers[0].hosts[0]: invalid namespace value "Bad_NS" in gateway']);
  assert.deepEqual(hosts(['foo*.example.com']), [
    'spec.servers[0].hosts[0]: domain name "foo*.example.com" invalid (label "foo*" invalid)',
    'spec.servers[0].hosts[0]: partial wildcard "foo*.example.com" not allowed',
  ]);
});

test('gateway names are DNS labels; passthrough certificates only warn', () => {
  assert.deepEqual(messages(gateway({ servers: [https({ mode: 'PASSTHROUGH' })] }, 'my.gateway')), ['metadata.name: invalid gateway name: "my.gateway"']);
  const found = checkGateway(gateway({ servers: [https({ mode: 'PASSTHROUGH', credentialName: 'x' })] }));
  assert.deepEqual(found.errors, []);
  assert.deepEqual(found.warnings, ['PASSTHROUGH mode does not use certificates, they will be ignored']);
});
