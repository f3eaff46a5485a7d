import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CERTIFICATE_UID_LABEL } from './kingress.ts';
import { helloIngress, type Json } from './testing-fixtures.ts';
import { adler32, makeTlsGateways, secretVisible, tlsGatewayName, type GatewayService, type SecretLike } from './tls-gateways.ts';
import { secretFilteringEnabled } from './istio-config.ts';

const SVC: GatewayService = { namespace: 'istio-system', name: 'istio-ingressgateway', selector: { istio: 'ingressgateway' } };
const TLS = [{ hosts: ['hello.example.org'], secretName: 'hello-cert', secretNamespace: 'default' }];

function secret(labels: Record<string, string> = {}): SecretLike {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hello-cert', namespace: 'default', uid: 'abc-123', labels }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y3J0', 'tls.key': 'a2V5' } };
}

/** What a (possibly filtered) Secret informer answers. */
function lookupWith(filtering: boolean, s: SecretLike) {
  return (ns: string, name: string) => (ns === s.metadata.namespace && name === s.metadata.name && secretVisible(s, filtering) ? s : undefined);
}

test('adler32 matches zlib', () => {
  assert.equal(adler32('Wikipedia'), 0x11e60398);
  assert.equal(adler32(''), 1);
});

test('no tls: nothing to make', () => {
  assert.deepEqual(makeTlsGateways(helloIngress(), [SVC], () => undefined), { ok: true, gateways: [], secrets: [], gatewayNames: [] });
});

test('a per-ingress Gateway with the secret copied into the gateway namespace', () => {
  const ing = helloIngress({ tls: TLS });
  const build = makeTlsGateways(ing, [SVC], lookupWith(false, secret()));
  assert.ok(build.ok);
  const name = `hello-${adler32('istio-system/istio-ingressgateway')}`;
  assert.deepEqual(build.gatewayNames, [`default/${name}`]);
  const [gw] = build.gateways as unknown as [Json];
  assert.equal(gw.metadata.namespace, 'default');
  assert.deepEqual(gw.spec.selector, { istio: 'ingressgateway' });
  assert.deepEqual(gw.spec.servers, [{ hosts: ['hello.example.org'], port: { name: 'default/hello:0', number: 443, protocol: 'HTTPS' }, tls: { mode: 'SIMPLE', credentialName: 'hello-abc-123' } }]);
  const [copy] = build.secrets as unknown as [Json];
  assert.equal(copy.metadata.namespace, 'istio-system');
  assert.equal(copy.metadata.name, 'hello-abc-123');
  assert.deepEqual(copy.data, { 'tls.crt': 'Y3J0', 'tls.key': 'a2V5' });
  assert.equal(copy.metadata.labels['networking.internal.knative.dev/originSecretName'], 'hello-cert');
});

test('a secret in the gateway namespace is used as it is', () => {
  const ing = helloIngress({ tls: [{ ...TLS[0]!, secretNamespace: 'istio-system' }] });
  const s = { ...secret(), metadata: { ...secret().metadata, namespace: 'istio-system' } };
  const build = makeTlsGateways(ing, [SVC], lookupWith(false, s));
  assert.ok(build.ok);
  assert.deepEqual(build.secrets, []);
  assert.equal((build.gateways[0] as Json).spec.servers[0].tls.credentialName, 'hello-cert');
});

test('secret informer filtering: an unlabelled secret is not seen, a labelled one is (and the label is copied)', () => {
  const ing = helloIngress({ tls: TLS });
  assert.deepEqual(makeTlsGateways(ing, [SVC], lookupWith(true, secret())), { ok: false, message: 'secret "hello-cert" not found' });
  const labelled = makeTlsGateways(ing, [SVC], lookupWith(true, secret({ [CERTIFICATE_UID_LABEL]: 'cert-1' })));
  assert.ok(labelled.ok);
  assert.equal((labelled.secrets[0] as Json).metadata.labels[CERTIFICATE_UID_LABEL], 'cert-1');
});

test('filtering is read from the net-istio-controller Deployment env', () => {
  const deployment = (value: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'net-istio-controller' }, spec: { template: { spec: { containers: [{ name: 'controller', env: [{ name: 'ENABLE_SECRET_INFORMER_FILTERING_BY_CERT_UID', value }] }] } } } });
  assert.equal(secretFilteringEnabled(deployment('true')), true);
  assert.equal(secretFilteringEnabled(deployment('false')), false);
  assert.equal(secretFilteringEnabled(undefined), false);
});

test('a Gateway name is always a DNS-1123 label: a dotted ingress name (a DomainMapping) becomes its Adler-32, a long one is cut', () => {
  const svc = { namespace: 'istio-system', name: 'istio-ingressgateway' };
  const checksum = adler32('istio-system/istio-ingressgateway');
  const ing = (name: string) => ({ apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'Ingress', metadata: { name, namespace: 'default' } });
  assert.equal(tlsGatewayName(ing('hello'), svc), `hello-${checksum}`);
  assert.equal(tlsGatewayName(ing('secure.example.org'), svc), `${adler32('secure.example.org')}-${checksum}`);
  const long = tlsGatewayName(ing('a'.repeat(63)), svc);
  assert.equal(long, `${'a'.repeat(63 - String(checksum).length - 1)}-${checksum}`);
  assert.equal(long.length, 63);
});
