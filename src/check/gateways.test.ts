import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type CertificateAndKey, createCertificateAuthority, issueCertificate } from '../pki/certificates.ts';
import { gatewayConflictCheck, gatewayCredentialChecks } from './gateways.ts';
import { gateway, namespace, obj, pod, snapshotOf, tlsSecret } from './testing/fixtures.ts';
import { certificateCovers } from './tls-credential.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
let ca: CertificateAndKey;
let wildcard: CertificateAndKey;
let other: CertificateAndKey;
let expiring: CertificateAndKey;
let expired: CertificateAndKey;

const leaf = (dnsNames: string[], notAfter: Date, notBefore = new Date(NOW.getTime() - DAY)) => issueCertificate(ca, { dnsNames, notBefore, notAfter, usages: ['serverAuth'] });
const simple = (credentialName: string | undefined, hosts = ['*'], mode = 'SIMPLE') => ({
  selector: { istio: 'ingressgateway' },
  servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts, tls: { mode, ...(credentialName ? { credentialName } : {}) } }],
});
const ingressPod = pod('istio-system', 'istio-ingressgateway-1', { labels: { istio: 'ingressgateway' } });

describe('Gateway credential checks', () => {
  before(async () => {
    ca = await createCertificateAuthority({ commonName: 'root', notBefore: new Date(NOW.getTime() - 10 * DAY), notAfter: new Date(NOW.getTime() + 3650 * DAY) });
    wildcard = await leaf(['*.apps.example.com'], new Date(NOW.getTime() + 365 * DAY));
    other = await leaf(['*.apps.example.com'], new Date(NOW.getTime() + 365 * DAY));
    expiring = await leaf(['*.apps.example.com'], new Date(NOW.getTime() + 3 * DAY));
    expired = await leaf(['*.apps.example.com'], new Date(NOW.getTime() - 1000), new Date(NOW.getTime() - 2 * DAY));
  });

  const run = (gw: Record<string, unknown>, secrets = [tlsSecret('istio-system', 'certs', wildcard.certPem, wildcard.keyPem)], pods = [ingressPod]) =>
    gatewayCredentialChecks(snapshotOf({ gateways: [gateway('knative-serving', 'gw', gw)], secrets, pods }), NOW);

  it('looks the Secret up in the gateway pod\'s namespace and accepts a valid one covering the hosts', () => {
    const [result] = run(simple('certs', ['*', 'a.apps.example.com', 'knative-serving/*.apps.example.com']));
    assert.equal(result!.result, 'success');
    assert.equal(result!.description, 'Gateway knative-serving/gw port 443: TLS credential certs is usable');
    // A Secret in the Gateway's own namespace does not count.
    const [elsewhere] = run(simple('certs'), [tlsSecret('knative-serving', 'certs', wildcard.certPem, wildcard.keyPem)]);
    assert.equal(elsewhere!.result, 'error');
    assert.match(elsewhere!.error!, /^Secret istio-system\/certs does not exist/);
    assert.match(elsewhere!.hint!, /kubectl create -n istio-system secret tls certs/);
  });

  it('fails on malformed, mismatched and expired credentials; warns on expiring ones and uncovered hosts', () => {
    const check = (secret: ReturnType<typeof tlsSecret>, hosts?: string[]) => run(simple('certs', hosts), [secret])[0]!;
    assert.match(check(tlsSecret('istio-system', 'certs', 'garbage', wildcard.keyPem)).error!, /certificate that is not PEM X\.509/);
    assert.match(check(tlsSecret('istio-system', 'certs', wildcard.certPem, 'garbage')).error!, /private key that is not a PEM private key/);
    assert.match(check(tlsSecret('istio-system', 'certs', wildcard.certPem, other.keyPem)).error!, /private key that does not match its certificate/);
    assert.match(check(tlsSecret('istio-system', 'certs', expired.certPem, expired.keyPem)).error!, /certificate that expired at/);
    const soon = check(tlsSecret('istio-system', 'certs', expiring.certPem, expiring.keyPem));
    assert.equal(soon.result, 'warning');
    assert.match(soon.error!, /expires at .* \(within 7 days\)/);
    const uncovered = check(tlsSecret('istio-system', 'certs', wildcard.certPem, wildcard.keyPem), ['shop.example.com']);
    assert.equal(uncovered.result, 'warning');
    assert.match(uncovered.error!, /certificate for \*\.apps\.example\.com that does not cover host shop\.example\.com/);
    const noKey = obj('v1', 'Secret', { namespace: 'istio-system', name: 'certs' }, { data: { cert: Buffer.from(wildcard.certPem).toString('base64') } });
    assert.match(check(noKey).error!, /has no private key/);
  });

  it('needs a CA bundle for MUTUAL, in the Secret or in <name>-cacert', () => {
    assert.match(run(simple('certs', ['*'], 'MUTUAL'))[0]!.error!, /has no CA bundle for MUTUAL TLS/);
    const withCa = [tlsSecret('istio-system', 'certs', wildcard.certPem, wildcard.keyPem), obj('v1', 'Secret', { namespace: 'istio-system', name: 'certs-cacert' }, { data: { cacert: Buffer.from(ca.certPem).toString('base64') } })];
    assert.equal(run(simple('certs', ['*'], 'MUTUAL'), withCa)[0]!.result, 'success');
  });

  it('skips servers without credentials, fails SIMPLE without credentialName, warns when no pod is selected', () => {
    assert.deepEqual(run({ selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 8081 }, hosts: ['*'], tls: { mode: 'ISTIO_MUTUAL' } }, { port: { number: 80 }, hosts: ['*'] }] }), []);
    assert.match(run(simple(undefined))[0]!.error!, /has tls\.mode SIMPLE but no tls\.credentialName/);
    assert.equal(run(simple('certs'), undefined, [])[0]!.result, 'warning');
  });

  it('matches certificate names to hosts as TLS clients do', () => {
    assert.ok(certificateCovers('*.apps.example.com', 'a.apps.example.com'));
    assert.ok(certificateCovers('*.apps.example.com', '*.apps.example.com'));
    assert.ok(!certificateCovers('*.apps.example.com', 'a.b.apps.example.com'));
    assert.ok(!certificateCovers('*.apps.example.com', '*.example.com'));
    assert.ok(certificateCovers('shop.example.com', 'SHOP.example.com'));
  });
});

describe('Gateway conflicts', () => {
  const server = (port: number, hosts: string[]) => ({ port: { number: port }, hosts });
  const gw = (ns: string, name: string, selector: Record<string, string>, servers: unknown[]) => gateway(ns, name, { selector, servers });

  it('reports two Gateways claiming overlapping hosts on one port of one selector, as Istio\'s analyzer does', () => {
    const snap = snapshotOf({
      namespaces: [namespace('a', 'istio-system'), namespace('b', 'istio-system')],
      gateways: [gw('a', 'one', { istio: 'ingressgateway' }, [server(443, ['*'])]), gw('b', 'two', { istio: 'ingressgateway' }, [server(443, ['b/shop.example.com'])])],
    });
    const result = gatewayConflictCheck(snap);
    assert.equal(result.result, 'error');
    assert.equal(result.error, 'a/one (hosts *) and b/two (hosts shop.example.com) claim port 443 on selector istio=ingressgateway');
  });

  it('passes for different ports, selectors, hosts or meshes', () => {
    const snap = snapshotOf({
      namespaces: [namespace('a', 'istio-system'), namespace('c', 'other-mesh')],
      gateways: [
        gw('a', 'one', { istio: 'ingressgateway' }, [server(443, ['a.example.com']), server(80, ['*'])]),
        gw('a', 'two', { istio: 'ingressgateway' }, [server(443, ['b.example.com']), server(8080, ['*'])]),
        gw('a', 'three', { knative: 'ingressgateway' }, [server(443, ['*'])]),
        gw('c', 'four', { istio: 'ingressgateway' }, [server(443, ['*'])]),
      ],
    });
    assert.equal(gatewayConflictCheck(snap).result, 'success');
  });
});
