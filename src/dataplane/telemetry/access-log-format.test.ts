import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ISTIO_JSON_LOG_FORMAT,
  ISTIO_TEXT_LOG_FORMAT,
  compileJsonFormat,
  compileTextFormat,
} from './access-log-format.ts';
import { httpRecord, tcpRecord } from './test-records.ts';

const istioText = compileTextFormat(ISTIO_TEXT_LOG_FORMAT);
const istioJson = compileJsonFormat(ISTIO_JSON_LOG_FORMAT);

test('the default formats name only known commands', () => {
  assert.deepEqual(istioText.unknown, []);
  assert.deepEqual(istioJson.unknown, []);
});

test('TEXT: an HTTP request, byte for byte as Envoy prints Istio\'s default format', () => {
  assert.equal(
    istioText.format(httpRecord()),
    '[2024-01-01T00:00:00.000Z] "GET /reviews/0 HTTP/1.1" 200 - via_upstream - "-" 0 295 3 2 "-" ' +
      '"curl/7.88.1" "1a2b3c4d-0000-4000-8000-000000000001" "reviews:9080" "127.0.10.5:9080" ' +
      'inbound|9080|| 127.0.0.6:41234 127.0.10.5:9080 127.0.10.4:50522 ' +
      'outbound_.9080_._.reviews.default.svc.cluster.local default\n',
  );
});

test('TEXT: a failed request shows its flags, details and "-" for what is missing', () => {
  const line = istioText.format(httpRecord({
    responseCode: 503,
    responseFlags: ['URX', 'UF'],
    responseCodeDetails: 'upstream_reset_before_response_started{connection_failure}',
    upstreamTransportFailureReason: 'delayed connect error: 111',
    upstreamServiceTimeMs: undefined,
    upstreamHost: undefined,
    upstreamLocalAddress: undefined,
    requestedServerName: undefined,
    forwardedFor: '10.0.0.1',
  }));
  assert.equal(
    line,
    '[2024-01-01T00:00:00.000Z] "GET /reviews/0 HTTP/1.1" 503 UF,URX ' +
      'upstream_reset_before_response_started{connection_failure} - "delayed connect error: 111" 0 295 3 - ' +
      '"10.0.0.1" "curl/7.88.1" "1a2b3c4d-0000-4000-8000-000000000001" "reviews:9080" "-" ' +
      'inbound|9080|| - 127.0.10.5:9080 127.0.10.4:50522 - default\n',
  );
});

test('TEXT: a no-route request (NR) with no response details', () => {
  const line = istioText.format(httpRecord({
    responseCode: 404, responseFlags: ['NR'], responseCodeDetails: 'route_not_found', bytesSent: 0,
    upstreamHost: undefined, upstreamCluster: undefined, upstreamLocalAddress: undefined,
    upstreamServiceTimeMs: undefined, routeName: undefined, durationMs: 0.2,
  }));
  assert.equal(
    line,
    '[2024-01-01T00:00:00.000Z] "GET /reviews/0 HTTP/1.1" 404 NR route_not_found - "-" 0 0 0 - "-" ' +
      '"curl/7.88.1" "1a2b3c4d-0000-4000-8000-000000000001" "reviews:9080" "-" - - 127.0.10.5:9080 ' +
      '127.0.10.4:50522 outbound_.9080_._.reviews.default.svc.cluster.local -\n',
  );
});

test('TEXT: a TCP connection prints "- - -", code 0 and the connection addresses', () => {
  assert.equal(
    istioText.format(tcpRecord()),
    '[2024-01-01T00:00:01.250Z] "- - -" 0 - - - "-" 120 4096 1500 - "-" "-" "-" "-" "127.0.10.9:9092" ' +
      'outbound|9092||kafka.kafka.svc.cluster.local 127.0.10.4:40000 10.96.0.20:9092 127.0.10.4:39999 - -\n',
  );
  assert.match(istioText.format(tcpRecord({ responseFlags: ['UF'], connectionTerminationDetails: 'x' })), /"- - -" 0 UF - x /);
});

test('JSON: Istio\'s default fields, sorted, typed, null when missing', () => {
  const line = istioJson.format(httpRecord({ forwardedFor: undefined }));
  assert.ok(line.endsWith('\n'));
  const obj = JSON.parse(line) as Record<string, unknown>;
  assert.deepEqual(Object.keys(obj), Object.keys(ISTIO_JSON_LOG_FORMAT).sort());
  assert.deepEqual(obj, {
    authority: 'reviews:9080',
    bytes_received: 0,
    bytes_sent: 295,
    connection_termination_details: null,
    downstream_local_address: '127.0.10.5:9080',
    downstream_remote_address: '127.0.10.4:50522',
    duration: 3,
    method: 'GET',
    path: '/reviews/0',
    protocol: 'HTTP/1.1',
    request_id: '1a2b3c4d-0000-4000-8000-000000000001',
    requested_server_name: 'outbound_.9080_._.reviews.default.svc.cluster.local',
    response_code: 200,
    response_code_details: 'via_upstream',
    response_flags: '-',
    route_name: 'default',
    start_time: '2024-01-01T00:00:00.000Z',
    upstream_cluster: 'inbound|9080||',
    upstream_host: '127.0.10.5:9080',
    upstream_local_address: '127.0.0.6:41234',
    upstream_service_time: '2',
    upstream_transport_failure_reason: null,
    user_agent: 'curl/7.88.1',
    x_forwarded_for: null,
  });
  const tcp = JSON.parse(istioJson.format(tcpRecord())) as Record<string, unknown>;
  assert.equal(tcp.method, null);
  assert.equal(tcp.response_code, 0);
  assert.equal(tcp.protocol, null);
});

test('custom formats: truncation, alternatives, query stripping, literals and unknown commands', () => {
  const f = compileTextFormat('%REQ(:PATH):4% %REQ(X-MISSING?USER-AGENT)% %REQ_WITHOUT_QUERY(:PATH)% 100% %FOO% %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT% %DOWNSTREAM_PEER_URI_SAN%');
  assert.deepEqual(f.unknown, ['%FOO%']);
  assert.equal(
    f.format(httpRecord({ path: '/reviews/0?x=1' })),
    '/rev curl/7.88.1 /reviews/0 100% %FOO% 127.0.10.4 spiffe://cluster.local/ns/default/sa/bookinfo-productpage\n',
  );
  const j = compileJsonFormat({ line: '%REQ(:METHOD)% %RESPONSE_CODE%', code: '%RESPONSE_CODE%', fixed: 'x' });
  assert.deepEqual(JSON.parse(j.format(httpRecord())), { code: 200, fixed: 'x', line: 'GET 200' });
});
