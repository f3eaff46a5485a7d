import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { compileGatewayProxy, compileSidecarInboundFor, compileSidecarProxy } from './compile-proxy.ts';
import type { PeerAuthentication } from './peer-authentication.ts';
import { pod, slice } from './testing-services.ts';
import type { MeshSnapshot } from './compile-proxy.ts';
import { autoPassthroughCluster, selectL4Route } from './l4-routes.ts';
import { meshOptionsFrom } from './mesh-options.ts';
import { formatProblem } from './problems.ts';
import { selectRoute } from './route-selection.ts';
import {
  GATEWAY_LABELS, certificatePair, ingressGatewayService, istio, kafkaServiceEntry, knativeIngressGateway, knativeLocalGateway, knativeLocalGatewayService, service, tlsSecret,
} from './testing-fixtures.ts';

let pair: { cert: string; key: string };
before(async () => { pair = await certificatePair(); });

function snapshot(over: Partial<MeshSnapshot> = {}): MeshSnapshot {
  return {
    rootNamespace: 'istio-system',
    services: [ingressGatewayService(), knativeLocalGatewayService(), service('default', 'hello-00001', { clusterIP: '127.96.0.40', ports: [{ name: 'http', port: 80, targetPort: 8012 }] })],
    endpointSlices: [], pods: [], secrets: [], gateways: [], virtualServices: [], destinationRules: [], serviceEntries: [], authorizationPolicies: [],
    ...over,
  };
}

describe('whole-proxy compilation (seed 002)', () => {
  it('the Knative ingress gateway: two HTTPS listeners, routes for a ksvc, clusters, no problems', () => {
    const ksvc = istio('VirtualService', 'default', 'hello-ingress', {
      gateways: ['knative-serving/knative-ingress-gateway', 'knative-serving/knative-local-gateway'],
      hosts: ['hello.default.example.com', 'hello.default.svc.cluster.local'],
      http: [{ route: [{ destination: { host: 'hello-00001.default.svc.cluster.local', port: { number: 80 } } }] }],
    });
    const config = compileGatewayProxy(snapshot({
      gateways: [knativeIngressGateway('wildcard-certs'), knativeLocalGateway()],
      secrets: [tlsSecret('istio-system', 'wildcard-certs', { 'tls.crt': pair.cert, 'tls.key': pair.key })],
      virtualServices: [ksvc],
      authorizationPolicies: [istio('AuthorizationPolicy', 'istio-system', 'mesh-wide', { rules: [{}] }), istio('AuthorizationPolicy', 'default', 'app', { rules: [{}] })],
    }), { namespace: 'istio-system', labels: GATEWAY_LABELS });
    assert.deepEqual(config.problems.map(formatProblem), []);
    assert.deepEqual(config.listeners.map((l) => l.port), [8081, 8443]);
    assert.deepEqual(config.routeConfigs.map((r) => r.name), ['https.8081.https.knative-local-gateway.knative-serving', 'https.443.https.knative-ingress-gateway.knative-serving']);
    const picked = selectRoute(config.routeConfigs[1]!, { method: 'GET', path: '/', authority: 'hello.default.example.com', headers: {} });
    assert.ok(picked.found && picked.route.action.type === 'forward');
    const clusterNames = config.clusters.map((c) => c.name);
    assert.ok(clusterNames.includes(picked.route.action.clusters[0]!.cluster));
    assert.deepEqual(config.authorizationPolicies.map((p) => p.metadata.name), ['mesh-wide']);
  });

  it('a sidecar in knative-eventing gets TCP routes to the Kafka ServiceEntry; other namespaces do not', () => {
    const snap = snapshot({ serviceEntries: [kafkaServiceEntry()] });
    const eventing = compileSidecarProxy(snap, { namespace: 'knative-eventing', labels: { app: 'kafka-broker-receiver' } });
    assert.deepEqual(eventing.problems, []);
    const kafka = eventing.l4Routes.filter((t) => t.host === 'my-cluster-kafka-bootstrap.kafka');
    assert.deepEqual(kafka.map((t) => t.port), [9092, 9093, 9094, 9095, 9096]);
    assert.equal(selectL4Route(kafka[0]!.routes, {})?.clusters[0]!.cluster, 'outbound|9092||my-cluster-kafka-bootstrap.kafka');
    const other = compileSidecarProxy(snap, { namespace: 'default', labels: {} });
    assert.equal(other.l4Routes.filter((t) => t.host === 'my-cluster-kafka-bootstrap.kafka').length, 0);
    assert.deepEqual(other.routeConfigs.map((r) => r.name), ['80', '15021'], 'https (443) is proxied as bytes, not routed');
  });

  it('honours MeshConfig: auto mTLS off, REGISTRY_ONLY, the default retry policy', () => {
    const mesh = meshOptionsFrom({ enableAutoMtls: false, outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' }, defaultHttpRetryPolicy: { attempts: 5, retryOn: '503' } });
    assert.deepEqual(meshOptionsFrom(undefined), { enableAutoMtls: true, outboundTrafficPolicy: 'ALLOW_ANY' });
    const config = compileSidecarProxy(snapshot({ mesh }), { namespace: 'default', labels: {} });
    assert.equal(config.unknownDestinations, 'blackhole');
    const hello = config.clusters.find((c) => c.host === 'hello-00001.default.svc.cluster.local')!;
    assert.deepEqual([hello.tls.mode, hello.tls.auto], ['DISABLE', false]);
    const route = config.routeConfigs.find((r) => r.name === '80')!.virtualHosts.find((v) => v.domains.includes('hello-00001'))!.routes[0]!;
    assert.ok(route.action.type === 'forward');
    assert.deepEqual(route.action.retries, { attempts: 5, retryOn: ['retriable-status-codes'], retriableStatusCodes: [503] });
    assert.equal(compileSidecarProxy(snapshot(), { namespace: 'default', labels: {} }).unknownDestinations, 'passthrough');
  });

  it('auto mTLS falls back to plaintext for endpoints whose PeerAuthentication disables mTLS', () => {
    const app = pod('default', 'hello-00001-abc', '10.0.5.1', { app: 'hello', 'security.istio.io/tlsMode': 'istio' });
    const slices = [slice('default', 'hello-00001', [{ name: 'http', port: 8012 }], [app])];
    const services = [service('default', 'hello-00001', { clusterIP: '127.96.0.40', selector: { app: 'hello' }, ports: [{ name: 'http', port: 80, targetPort: 8012 }] })];
    const disable = istio('PeerAuthentication', 'default', 'off', { mtls: { mode: 'DISABLE' } }) as PeerAuthentication;
    const tlsModes = (pas: PeerAuthentication[]): string[] => compileSidecarProxy(snapshot({ services, endpointSlices: slices, pods: [app], peerAuthentications: pas }), { namespace: 'default', labels: {} })
      .clusters.find((c) => c.name === 'outbound|80||hello-00001.default.svc.cluster.local')!.endpoints.map((e) => e.tlsMode);
    assert.deepEqual(tlsModes([]), ['istio']);
    assert.deepEqual(tlsModes([disable]), ['disabled']);
    const inbound = compileSidecarInboundFor(snapshot({ services, peerAuthentications: [disable] }), { ...app, spec: { containers: [] } });
    assert.deepEqual(inbound.ports.map((p) => [p.port, p.mtlsMode]), [[8012, 'DISABLE']]);
  });

  it('TLS passthrough and TCP routes on a gateway; AUTO_PASSTHROUGH SNI names the cluster', () => {
    const gw = istio('Gateway', 'default', 'edge', { selector: { istio: 'ingressgateway' }, servers: [
      { port: { number: 443, name: 'tls', protocol: 'TLS' }, hosts: ['*.example.com'], tls: { mode: 'PASSTHROUGH' } },
      { port: { number: 31400, name: 'tcp', protocol: 'TCP' }, hosts: ['*'] },
    ] });
    const vs = istio('VirtualService', 'default', 'edge-routes', {
      gateways: ['edge'], hosts: ['*.example.com', 'tcp.internal'],
      tls: [{ match: [{ sniHosts: ['a.example.com'] }], route: [{ destination: { host: 'hello-00001', port: { number: 80 } } }] }, { match: [{ sniHosts: ['b.other.org'] }], route: [{ destination: { host: 'hello-00001' } }] }],
      tcp: [{ match: [{ port: 31400 }], route: [{ destination: { host: 'hello-00001' }, weight: 50 }, { destination: { host: 'hello-00001', subset: 'x' }, weight: 50 }] }],
    });
    const config = compileGatewayProxy(snapshot({ gateways: [gw], virtualServices: [vs] }), { namespace: 'istio-system', labels: GATEWAY_LABELS });
    const [tls, tcp] = config.l4Routes;
    assert.equal(tls!.listener, '0.0.0.0_8443');
    assert.deepEqual(tls!.routes.map((r) => r.sniHosts), [['a.example.com']]);
    assert.equal(selectL4Route(tls!.routes, { sni: 'a.example.com' })?.clusters[0]!.cluster, 'outbound|80||hello-00001.default.svc.cluster.local');
    assert.equal(selectL4Route(tls!.routes, { sni: 'c.example.com' }), undefined);
    assert.deepEqual(tcp!.routes[0]!.clusters.map((c) => [c.cluster, c.weight]), [['outbound|80||hello-00001.default.svc.cluster.local', 50], ['outbound|80|x|hello-00001.default.svc.cluster.local', 50]]);
    assert.deepEqual(config.problems.map((p) => p.code), ['route-subset-unknown']);
    assert.equal(autoPassthroughCluster('outbound_.9080_.v1_.reviews.bookinfo.svc.cluster.local'), 'outbound|9080|v1|reviews.bookinfo.svc.cluster.local');
    assert.equal(autoPassthroughCluster('outbound_.80_._.web.default.svc.cluster.local'), 'outbound|80||web.default.svc.cluster.local');
    assert.equal(autoPassthroughCluster('example.com'), undefined);
  });
});
