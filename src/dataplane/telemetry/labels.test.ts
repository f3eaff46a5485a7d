import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HTTP_LABEL_NAMES, TCP_LABEL_NAMES, httpLabelValues, responseFlagsString, tcpLabelValues } from './labels.ts';
import { httpRecord, tcpRecord } from './test-records.ts';

const asObject = (names: readonly string[], values: readonly string[]): Record<string, string> =>
  Object.fromEntries(names.map((n, i) => [n, values[i]!]));

test('response flags: "-" when none, Envoy order and commas when several', () => {
  assert.equal(responseFlagsString([]), '-');
  assert.equal(responseFlagsString(['UH']), 'UH');
  assert.equal(responseFlagsString(['URX', 'UF']), 'UF,URX');
  assert.equal(responseFlagsString(['DC', 'UC', 'DC']), 'UC,DC');
});

test('HTTP labels: the full Istio set in order, from a meshed call', () => {
  const values = httpLabelValues(httpRecord());
  assert.equal(values.length, HTTP_LABEL_NAMES.length);
  assert.deepEqual(asObject(HTTP_LABEL_NAMES, values), {
    reporter: 'destination',
    source_workload: 'productpage-v1',
    source_workload_namespace: 'default',
    source_principal: 'spiffe://cluster.local/ns/default/sa/bookinfo-productpage',
    source_app: 'productpage',
    source_version: 'v1',
    source_cluster: 'Kubernetes',
    destination_workload: 'reviews-v1',
    destination_workload_namespace: 'default',
    destination_principal: 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews',
    destination_app: 'reviews',
    destination_version: 'v1',
    destination_service: 'reviews.default.svc.cluster.local',
    destination_service_name: 'reviews',
    destination_service_namespace: 'default',
    destination_cluster: 'Kubernetes',
    request_protocol: 'http',
    response_code: '200',
    grpc_response_status: '',
    response_flags: '-',
    connection_security_policy: 'mutual_tls',
    source_canonical_service: 'productpage',
    destination_canonical_service: 'reviews',
    source_canonical_revision: 'v1',
    destination_canonical_revision: 'v1',
  });
});

test('HTTP labels: unknown for what the proxy could not learn, latest for revisions, 0 for no response', () => {
  const l = asObject(HTTP_LABEL_NAMES, httpLabelValues(httpRecord({
    reporter: 'gateway',
    responseCode: 0,
    responseFlags: ['UF', 'URX'],
    connectionSecurityPolicy: 'none',
    source: {},
    destination: {},
    destinationService: undefined,
    destinationServiceName: undefined,
    destinationServiceNamespace: undefined,
  })));
  assert.equal(l.reporter, 'source', 'a gateway reports as a client proxy');
  assert.equal(l.source_workload, 'unknown');
  assert.equal(l.source_principal, 'unknown');
  assert.equal(l.destination_service, 'unknown');
  assert.equal(l.destination_service_name, 'unknown');
  assert.equal(l.source_canonical_revision, 'latest');
  assert.equal(l.destination_canonical_revision, 'latest');
  assert.equal(l.response_code, '0');
  assert.equal(l.response_flags, 'UF,URX');
  assert.equal(l.connection_security_policy, 'unknown');
});

test('HTTP labels: a client sidecar\'s request that reached no cluster (a fault abort) names the service after its Host; a gateway\'s does not', () => {
  const aborted = { responseCode: 418, responseFlags: ['FI' as const], destination: {}, destinationService: undefined, destinationServiceName: undefined, destinationServiceNamespace: undefined, authority: 'web.apps.svc.cluster.local' };
  const client = asObject(HTTP_LABEL_NAMES, httpLabelValues(httpRecord({ ...aborted, reporter: 'source' })));
  assert.deepEqual([client.destination_service, client.destination_service_name, client.destination_service_namespace], ['web.apps.svc.cluster.local', 'web.apps.svc.cluster.local', 'unknown']);
  const gateway = asObject(HTTP_LABEL_NAMES, httpLabelValues(httpRecord({ ...aborted, reporter: 'gateway' })));
  assert.deepEqual([gateway.destination_service, gateway.destination_service_name], ['unknown', 'unknown']);
});

test('HTTP labels: the peer namespace comes from its SPIFFE ID; the service name from the host', () => {
  const l = asObject(HTTP_LABEL_NAMES, httpLabelValues(httpRecord({
    source: { principal: 'spiffe://td/ns/shop/sa/web' },
    destinationServiceName: undefined,
  })));
  assert.equal(l.source_workload_namespace, 'shop');
  assert.equal(l.destination_service_name, 'reviews');
});

test('gRPC: request_protocol grpc and the gRPC status label', () => {
  const l = asObject(HTTP_LABEL_NAMES, httpLabelValues(httpRecord({ requestProtocol: 'grpc', grpcResponseStatus: '14' })));
  assert.equal(l.request_protocol, 'grpc');
  assert.equal(l.grpc_response_status, '14');
});

test('TCP labels: no response_code or grpc_response_status, request_protocol tcp', () => {
  assert.ok(!TCP_LABEL_NAMES.includes('response_code' as never));
  const l = asObject(TCP_LABEL_NAMES, tcpLabelValues(tcpRecord()));
  assert.equal(TCP_LABEL_NAMES.length, HTTP_LABEL_NAMES.length - 2);
  assert.equal(l.request_protocol, 'tcp');
  assert.equal(l.reporter, 'source');
  assert.equal(l.connection_security_policy, 'unknown');
  assert.equal(l.destination_service, 'kafka.kafka.svc.cluster.local');
  assert.equal(l.destination_service_name, 'kafka');
  assert.equal(l.destination_service_namespace, 'kafka');
});

test('connection_security_policy: the server side\'s value; unknown from a client sidecar or a gateway', () => {
  const policy = (reporter: 'source' | 'destination' | 'gateway', p: 'mutual_tls' | 'none'): string =>
    asObject(HTTP_LABEL_NAMES, httpLabelValues(httpRecord({ reporter, connectionSecurityPolicy: p }))).connection_security_policy!;
  assert.equal(policy('destination', 'none'), 'none');
  assert.equal(policy('destination', 'mutual_tls'), 'mutual_tls');
  assert.equal(policy('source', 'mutual_tls'), 'unknown');
  assert.equal(policy('gateway', 'none'), 'unknown');
});
