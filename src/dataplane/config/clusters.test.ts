import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildClusters } from './clusters.ts';
import { destinationRuleFor, effectiveTrafficPolicy } from './destination-rules.ts';
import type { DestinationRule, DestinationRuleSpec } from './istio-specs.ts';
import { serviceEntryServices } from './service-entries.ts';
import { servicePortProtocol } from './service-registry.ts';
import { istio, kafkaServiceEntry, service } from './testing-fixtures.ts';
import { bookinfo, registryOf } from './testing-services.ts';

const ROOT = 'istio-system';
const client = { namespace: 'bookinfo', labels: { app: 'productpage' } };

function dr(namespace: string, name: string, spec: DestinationRuleSpec): DestinationRule {
  return istio('DestinationRule', namespace, name, spec);
}

describe('service registry and clusters', () => {
  it('derives protocols from appProtocol and port names', () => {
    assert.equal(servicePortProtocol({ name: 'http' }), 'HTTP');
    assert.equal(servicePortProtocol({ name: 'grpc-admin' }), 'GRPC');
    assert.equal(servicePortProtocol({ name: 'web', appProtocol: 'http2' }), 'HTTP2');
    assert.equal(servicePortProtocol({ name: 'metrics' }), 'AUTO');
    assert.equal(servicePortProtocol({ name: 'http-web', appProtocol: 'tcp' }), 'TCP', 'appProtocol replaces the name');
    assert.equal(servicePortProtocol({ name: 'grpc-web-ui' }), 'GRPC-WEB');
    assert.equal(servicePortProtocol({ name: 'db', port: 3306 }), 'TCP');
    assert.equal(servicePortProtocol({ name: 'dns', protocol: 'UDP' }), 'UDP');
  });

  it('builds a cluster per service port with endpoints, pod labels and auto mTLS', () => {
    const clusters = buildClusters(registryOf(bookinfo()), [], client, ROOT);
    const reviews = clusters.find((c) => c.name === 'outbound|9080||reviews.bookinfo.svc.cluster.local')!;
    assert.deepEqual(reviews.endpoints.map((e) => [e.address, e.port, e.labels.version, e.tlsMode, e.serviceAccount]), [['10.0.0.1', 9080, 'v1', 'istio', 'bookinfo-reviews'], ['10.0.0.2', 9080, 'v2', 'istio', 'bookinfo-reviews']]);
    assert.deepEqual(reviews.tls, { mode: 'ISTIO_MUTUAL', auto: true, sni: 'outbound_.9080_._.reviews.bookinfo.svc.cluster.local', subjectAltNames: [] });
    assert.deepEqual(reviews.loadBalancer, { type: 'simple', algorithm: 'LEAST_REQUEST' });
    assert.equal(reviews.connectionPool.connectTimeoutMs, 10_000);
    assert.deepEqual(clusters.map((c) => c.name).sort(), [
      'outbound|5432||db.legacy.svc.cluster.local', 'outbound|9080||ratings.bookinfo.svc.cluster.local', 'outbound|9080||reviews.bookinfo.svc.cluster.local', 'outbound|9090||ratings.bookinfo.svc.cluster.local',
    ]);
  });

  it('an ExternalName Service (a Knative Service) resolves its external name', () => {
    const mesh = bookinfo();
    mesh.services.push(service('default', 'hello', { type: 'ExternalName', externalName: 'knative-local-gateway.istio-system.svc.cluster.local', ports: [{ name: 'http2', port: 80 }] }));
    const hello = buildClusters(registryOf(mesh), [], client, ROOT).find((c) => c.host === 'hello.default.svc.cluster.local')!;
    assert.deepEqual([hello.name, hello.discovery, hello.protocol], ['outbound|80||hello.default.svc.cluster.local', 'STRICT_DNS', 'HTTP2']);
    assert.deepEqual(hello.endpoints.map((e) => [e.address, e.port]), [['knative-local-gateway.istio-system.svc.cluster.local', 80]]);
  });

  it('adds subset clusters filtered by labels, with the subset policy over the top-level one', () => {
    const rule = dr('bookinfo', 'reviews', {
      host: 'reviews',
      trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' }, tls: { mode: 'ISTIO_MUTUAL' } },
      subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' }, trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'X-User' } } } }],
    });
    const clusters = buildClusters(registryOf(bookinfo()), [rule], client, ROOT);
    const v1 = clusters.find((c) => c.name === 'outbound|9080|v1|reviews.bookinfo.svc.cluster.local')!;
    const v2 = clusters.find((c) => c.name === 'outbound|9080|v2|reviews.bookinfo.svc.cluster.local')!;
    assert.deepEqual(v1.endpoints.map((e) => e.address), ['10.0.0.1']);
    assert.deepEqual(v1.loadBalancer, { type: 'simple', algorithm: 'ROUND_ROBIN' });
    assert.deepEqual(v2.loadBalancer, { type: 'consistent-hash', key: { header: 'x-user' } });
    assert.equal(v2.tls.sni, 'outbound_.9080_.v2_.reviews.bookinfo.svc.cluster.local');
    assert.equal(v1.destinationRule, 'bookinfo/reviews');
  });

  it('compiles connection pools, outlier detection and port-level settings', () => {
    const rule = dr('bookinfo', 'ratings', {
      host: 'ratings.bookinfo.svc.cluster.local',
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 10, connectTimeout: '2s' }, http: { http1MaxPendingRequests: 1 } },
        outlierDetection: { consecutive5xxErrors: 3, interval: '1s' },
        portLevelSettings: [{ port: { number: 9090 }, tls: { mode: 'DISABLE' } }],
      },
    });
    const clusters = buildClusters(registryOf(bookinfo()), [rule], client, ROOT);
    const http = clusters.find((c) => c.name === 'outbound|9080||ratings.bookinfo.svc.cluster.local')!;
    const admin = clusters.find((c) => c.name === 'outbound|9090||ratings.bookinfo.svc.cluster.local')!;
    assert.deepEqual(http.connectionPool, { maxConnections: 10, connectTimeoutMs: 2000, http1MaxPendingRequests: 1 });
    assert.deepEqual(http.outlierDetection, { consecutive5xxErrors: 3, intervalMs: 1000, baseEjectionTimeMs: 30_000, maxEjectionPercent: 10, minHealthPercent: 0 });
    assert.equal(http.tls.mode, 'ISTIO_MUTUAL');
    assert.equal(admin.tls.mode, 'DISABLE');
    assert.equal(admin.protocol, 'GRPC');
  });

  it('DestinationRule precedence: client namespace, then service namespace (if exported), then root', () => {
    const scope = { clientNamespace: 'bookinfo', clientLabels: { app: 'productpage' }, serviceNamespace: 'legacy', rootNamespace: ROOT };
    const host = 'db.legacy.svc.cluster.local';
    const root = dr(ROOT, 'mesh-default', { host: '*.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    const service = dr('legacy', 'db', { host: 'db', trafficPolicy: { tls: { mode: 'DISABLE' } } });
    const hidden = dr('legacy', 'db-private', { host: 'db', exportTo: ['.'], trafficPolicy: { tls: { mode: 'SIMPLE' } } });
    const local = dr('bookinfo', 'db-from-bookinfo', { host: 'db.legacy.svc.cluster.local', exportTo: ['.'], trafficPolicy: { tls: { mode: 'MUTUAL' } } });
    assert.deepEqual(destinationRuleFor([root], host, scope)?.from, [`${ROOT}/mesh-default`]);
    assert.deepEqual(destinationRuleFor([root, hidden], host, scope)?.from, [`${ROOT}/mesh-default`]);
    assert.deepEqual(destinationRuleFor([root, service], host, scope)?.from, ['legacy/db']);
    assert.deepEqual(destinationRuleFor([root, service, local], host, scope)?.from, ['bookinfo/db-from-bookinfo']);
    assert.equal(destinationRuleFor([], host, scope), undefined);
  });

  it('a gateway in the root namespace prefers the service namespace rule over the mesh-wide default', () => {
    const scope = { clientNamespace: ROOT, clientLabels: { istio: 'ingressgateway' }, serviceNamespace: 'legacy', rootNamespace: ROOT };
    const meshDefault = dr(ROOT, 'default', { host: '*.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    const service = dr('legacy', 'db', { host: 'db', trafficPolicy: { tls: { mode: 'DISABLE' } } });
    const privateRoot = dr(ROOT, 'gateway-only', { host: 'db.legacy.svc.cluster.local', exportTo: ['.'], trafficPolicy: { tls: { mode: 'SIMPLE' } } });
    const host = 'db.legacy.svc.cluster.local';
    assert.deepEqual(destinationRuleFor([meshDefault, service], host, scope)?.from, ['legacy/db']);
    assert.deepEqual(destinationRuleFor([meshDefault], host, scope)?.from, [`${ROOT}/default`]);
    assert.deepEqual(destinationRuleFor([meshDefault, service, privateRoot], host, scope)?.from, [`${ROOT}/gateway-only`]);
  });

  it('merges same-host rules in one namespace: oldest policy, subsets appended, exact host beats wildcard', () => {
    const scope = { clientNamespace: 'bookinfo', clientLabels: {}, serviceNamespace: 'bookinfo', rootNamespace: ROOT };
    const a = dr('bookinfo', 'a', { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] });
    const b = dr('bookinfo', 'b', { host: 'reviews', trafficPolicy: { loadBalancer: { simple: 'RANDOM' } }, subsets: [{ name: 'v1', labels: { version: 'x' } }, { name: 'v2', labels: { version: 'v2' } }] });
    const wildcard = dr('bookinfo', 'all', { host: '*.bookinfo.svc.cluster.local', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } });
    const merged = destinationRuleFor([wildcard, b, a], 'reviews.bookinfo.svc.cluster.local', scope)!;
    assert.deepEqual(merged.from, ['bookinfo/a', 'bookinfo/b']);
    assert.deepEqual(merged.subsets.map((s) => [s.name, s.labels?.version]), [['v1', 'v1'], ['v2', 'v2']]);
    assert.deepEqual(effectiveTrafficPolicy(merged, 'v2', 9080).loadBalancer, { simple: 'RANDOM' });
    assert.deepEqual(destinationRuleFor([wildcard, b, a], 'ratings.bookinfo.svc.cluster.local', scope)?.from, ['bookinfo/all']);
  });

  it('a workload-selected rule applies only to the workloads it selects', () => {
    const selected = dr('bookinfo', 'for-pp', { host: 'reviews', workloadSelector: { matchLabels: { app: 'productpage' } }, trafficPolicy: { tls: { mode: 'DISABLE' } } });
    const general = dr('bookinfo', 'general', { host: 'reviews', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });
    const base = { clientNamespace: 'bookinfo', serviceNamespace: 'bookinfo', rootNamespace: ROOT };
    assert.deepEqual(destinationRuleFor([general, selected], 'reviews.bookinfo.svc.cluster.local', { ...base, clientLabels: { app: 'productpage' } })?.from, ['bookinfo/for-pp']);
    assert.deepEqual(destinationRuleFor([general, selected], 'reviews.bookinfo.svc.cluster.local', { ...base, clientLabels: { app: 'details' } })?.from, ['bookinfo/general']);
  });
});

describe('ServiceEntry (seed 002 Kafka entry)', () => {
  it('compiles with repeated port names: one passthrough cluster per port, visible only in its namespace', () => {
    const mesh = { ...bookinfo(), entries: [kafkaServiceEntry()] };
    const { services, problems } = serviceEntryServices(kafkaServiceEntry());
    assert.deepEqual(problems, []);
    assert.equal(services.length, 1);
    assert.deepEqual(services[0]!.ports.map((p) => [p.name, p.port, p.protocol]), [['tcp-plain', 9092, 'TCP'], ['tcp-tls', 9093, 'TCP'], ['tcp-sasl-tls', 9094, 'TCP'], ['tcp-sasl-tls', 9095, 'TCP'], ['tcp-tls', 9096, 'TCP']]);
    const registry = registryOf(mesh);
    const eventing = buildClusters(registry, [], { namespace: 'knative-eventing', labels: {} }, ROOT).filter((c) => c.source.kind === 'ServiceEntry');
    assert.deepEqual(eventing.map((c) => c.name), [9092, 9093, 9094, 9095, 9096].map((p) => `outbound|${p}||my-cluster-kafka-bootstrap.kafka`));
    assert.ok(eventing.every((c) => c.discovery === 'ORIGINAL_DST' && c.meshExternal && c.tls.mode === 'DISABLE' && c.endpoints.length === 0));
    assert.equal(buildClusters(registry, [], client, ROOT).filter((c) => c.source.kind === 'ServiceEntry').length, 0);
  });

  it('STATIC and DNS resolutions produce endpoints; endpoint ports override by port name', () => {
    const staticEntry = istio('ServiceEntry', 'ns', 'static', {
      hosts: ['db.internal'], location: 'MESH_INTERNAL', resolution: 'STATIC', ports: [{ number: 5432, name: 'tcp-pg', protocol: 'TCP' }],
      endpoints: [{ address: '10.1.1.1' }, { address: '10.1.1.2', ports: { 'tcp-pg': 15432 }, labels: { 'security.istio.io/tlsMode': 'istio' } }],
    });
    const [svc] = serviceEntryServices(staticEntry).services;
    assert.deepEqual(svc!.endpoints.get(5432)!.map((e) => [e.address, e.port, e.tlsMode]), [['10.1.1.1', 5432, 'disabled'], ['10.1.1.2', 15432, 'istio']]);
    const dnsEntry = istio('ServiceEntry', 'ns', 'dns', { hosts: ['api.example.com'], resolution: 'DNS', ports: [{ number: 443, name: 'https', protocol: 'TLS' }] });
    const [dns] = serviceEntryServices(dnsEntry).services;
    assert.deepEqual(dns!.endpoints.get(443)!.map((e) => [e.address, e.port]), [['api.example.com', 443]]);
    assert.equal(dns!.meshExternal, true);
  });
});
