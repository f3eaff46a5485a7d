import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorityHost, mostSpecificHostMatch, narrowerHost, parseGatewayHost, resolveShortName } from './host-match.ts';
import { resolveGatewayPort, servicesSelecting } from './port-translation.ts';
import { knativeLocalGatewayService, service } from './testing-fixtures.ts';

describe('host matching', () => {
  it('resolves short names in the owner namespace and leaves full names and * alone', () => {
    assert.equal(resolveShortName('reviews', 'bookinfo'), 'reviews.bookinfo.svc.cluster.local');
    assert.equal(resolveShortName('hello.default', 'x'), 'hello.default');
    assert.equal(resolveShortName('*', 'x'), '*');
  });

  it('parses gateway server hosts: ns/host, ./host, */host, host', () => {
    assert.deepEqual(parseGatewayHost('team/a.example.com', 'gw-ns'), { namespace: 'team', host: 'a.example.com' });
    assert.deepEqual(parseGatewayHost('./a.example.com', 'gw-ns'), { namespace: 'gw-ns', host: 'a.example.com' });
    assert.deepEqual(parseGatewayHost('*/a.example.com', 'gw-ns'), { namespace: '*', host: 'a.example.com' });
    assert.deepEqual(parseGatewayHost('*', 'gw-ns'), { namespace: '*', host: '*' });
  });

  it('picks the exact host, else the longest wildcard', () => {
    const candidates = ['*.cluster.local', '*.svc.cluster.local', 'reviews.bookinfo.svc.cluster.local', '*'];
    assert.equal(mostSpecificHostMatch('reviews.bookinfo.svc.cluster.local', candidates), 'reviews.bookinfo.svc.cluster.local');
    assert.equal(mostSpecificHostMatch('ratings.bookinfo.svc.cluster.local', candidates), '*.svc.cluster.local');
    assert.equal(mostSpecificHostMatch('example.com', candidates), '*');
    assert.equal(mostSpecificHostMatch('example.com', ['*.cluster.local']), undefined);
    assert.equal(narrowerHost('*.example.com', 'a.example.com'), 'a.example.com');
    assert.equal(narrowerHost('*', '*.example.com'), '*.example.com');
  });

  it('strips ports from authorities, IPv6 included', () => {
    assert.equal(authorityHost('Shop.Example.com:8080'), 'shop.example.com');
    assert.equal(authorityHost('[::1]:80'), '[::1]');
    assert.equal(authorityHost('example.com'), 'example.com');
  });
});

describe('gateway port translation', () => {
  const labels = { istio: 'ingressgateway', app: 'gw' };
  it('takes the targetPort of the first selecting Service port equal to the server port', () => {
    const svc = service('istio-system', 'gw', { selector: { istio: 'ingressgateway' }, ports: [{ port: 443, targetPort: 8443 }, { port: 80, targetPort: 'http' }] });
    const selecting = servicesSelecting([svc], 'istio-system', labels);
    assert.deepEqual(resolveGatewayPort(443, selecting), { listenPort: 8443, viaService: 'istio-system/gw' });
    assert.deepEqual(resolveGatewayPort(80, selecting, { http: 8080 }), { listenPort: 8080, viaService: 'istio-system/gw' });
    assert.deepEqual(resolveGatewayPort(9000, selecting), { listenPort: 9000 });
  });

  it('skips Services labelled to disable translation, and Services elsewhere or not selecting', () => {
    const disabled = { ...knativeLocalGatewayService(), spec: { selector: { istio: 'ingressgateway' }, ports: [{ port: 8081, targetPort: 9999 }] } };
    assert.deepEqual(resolveGatewayPort(8081, servicesSelecting([disabled], 'istio-system', labels)), { listenPort: 8081 });
    const other = service('default', 'gw', { selector: { istio: 'ingressgateway' }, ports: [{ port: 443, targetPort: 1 }] });
    const noSelector = service('istio-system', 'manual', { ports: [{ port: 443, targetPort: 2 }] });
    assert.deepEqual(servicesSelecting([other, noSelector], 'istio-system', labels), []);
  });
});
