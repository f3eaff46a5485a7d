import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileSidecarInbound, endpointAcceptsMtls } from './sidecar-inbound.ts';
import { istio, service } from './testing-fixtures.ts';
import { pod } from './testing-services.ts';
import type { PeerAuthentication } from './peer-authentication.ts';

const ROOT = 'istio-system';

describe('sidecar inbound', () => {
  const reviews = pod('bookinfo', 'reviews-v1', '10.0.0.1', { app: 'reviews', version: 'v1', 'security.istio.io/tlsMode': 'istio' });
  reviews.spec!.containers = [{ name: 'app', ports: [{ name: 'http', containerPort: 9080 }, { name: 'metrics', containerPort: 9090 }] }];
  const services = [
    service('bookinfo', 'reviews', { selector: { app: 'reviews' }, ports: [{ name: 'http', port: 9080, targetPort: 'http' }, { name: 'http-alt', port: 80, targetPort: 9080 }] }),
    service('bookinfo', 'reviews-metrics', { selector: { app: 'reviews', version: 'v1' }, ports: [{ name: 'tcp-metrics', port: 9090 }] }),
    service('bookinfo', 'other', { selector: { app: 'other' }, ports: [{ name: 'http', port: 1 }] }),
  ];
  const strict = istio('PeerAuthentication', ROOT, 'default', { mtls: { mode: 'STRICT' } }) as PeerAuthentication;
  const portLevel = istio('PeerAuthentication', 'bookinfo', 'metrics', { selector: { matchLabels: { app: 'reviews' } }, portLevelMtls: { 9090: { mode: 'DISABLE' } } }) as PeerAuthentication;

  it('lists the ports Services deliver to, with protocol, services, cluster and mTLS mode', () => {
    const inbound = compileSidecarInbound({ pod: reviews, services, peerAuthentications: [strict, portLevel], authorizationPolicies: [], rootNamespace: ROOT });
    assert.deepEqual(inbound.ports, [
      { port: 9080, protocol: 'HTTP', services: ['reviews.bookinfo.svc.cluster.local:9080', 'reviews.bookinfo.svc.cluster.local:80'], cluster: 'inbound|9080||', mtlsMode: 'STRICT' },
      { port: 9090, protocol: 'TCP', services: ['reviews-metrics.bookinfo.svc.cluster.local:9090'], cluster: 'inbound|9090||', mtlsMode: 'DISABLE' },
    ]);
  });

  it('auto mTLS goes to sidecar endpoints unless their PeerAuthentication disables it on the port', () => {
    const endpoint = { tlsMode: 'istio' as const, namespace: 'bookinfo', labels: reviews.metadata.labels!, port: 9080 };
    assert.equal(endpointAcceptsMtls(endpoint, [strict, portLevel], ROOT), true);
    assert.equal(endpointAcceptsMtls({ ...endpoint, port: 9090 }, [strict, portLevel], ROOT), false);
    assert.equal(endpointAcceptsMtls({ ...endpoint, tlsMode: 'disabled' }, [strict], ROOT), false);
  });
});
