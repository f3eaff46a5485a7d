import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createSelfSignedCaFiles, meshCaFromFiles } from './mesh-ca.ts';
import { splitCertificates } from './pem.ts';
import { parseSpiffeId, spiffeId } from './spiffe.ts';
import { issueWorkloadCertificate, meshTrustBundle, renewalTime } from './workload-certificate.ts';

const NOW = new Date('2030-06-01T12:00:00Z');
const HOUR = 3_600_000;

async function mesh(trustDomain = 'cluster.local') {
  const files = await createSelfSignedCaFiles(trustDomain, NOW);
  return meshCaFromFiles(files, { meshNamespace: 'istio-system', trustDomain, source: 'self-signed', secretName: 'istio-ca-secret' }, NOW);
}

test('SPIFFE IDs are Istio\'s and parse back', () => {
  const id = spiffeId('cluster.local', { namespace: 'knative-serving', serviceAccount: 'controller' });
  assert.equal(id, 'spiffe://cluster.local/ns/knative-serving/sa/controller');
  assert.deepEqual(parseSpiffeId(id), { trustDomain: 'cluster.local', namespace: 'knative-serving', serviceAccount: 'controller' });
  assert.equal(parseSpiffeId('spiffe://cluster.local/other'), undefined);
});

test('a workload certificate: P-256, empty subject, SPIFFE URI SAN, 24 h, chained to the mesh root', async () => {
  const ca = await mesh('red-mesh.local');
  const cert = await issueWorkloadCertificate(ca, { namespace: 'default', serviceAccount: 'bookinfo' }, { now: NOW });
  const x = new X509Certificate(cert.certPem);
  assert.ok(!x.subject, 'no subject: the identity is the SAN');
  assert.equal(x.subjectAltName, 'URI:spiffe://red-mesh.local/ns/default/sa/bookinfo');
  assert.equal(cert.spiffeId, 'spiffe://red-mesh.local/ns/default/sa/bookinfo');
  assert.equal(x.ca, false);
  assert.deepEqual(x.keyUsage?.sort(), ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  const key = createPrivateKey(cert.keyPem);
  assert.equal(key.asymmetricKeyType, 'ec');
  assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.ok(x.checkPrivateKey(key));
  assert.equal(new Date(x.validTo).getTime() - NOW.getTime(), 24 * HOUR);
  assert.equal(cert.renewAt.getTime(), renewalTime(cert.notBefore, cert.notAfter).getTime());
  assert.ok(cert.renewAt.getTime() > NOW.getTime() + 11 * HOUR && cert.renewAt.getTime() < NOW.getTime() + 12 * HOUR);
  const chain = splitCertificates(cert.certChainPem).map((p) => new X509Certificate(p));
  assert.equal(chain.length, 3);
  for (let i = 0; i + 1 < chain.length; i++) assert.ok(chain[i]!.verify(chain[i + 1]!.publicKey), `link ${i}`);
  assert.equal(meshTrustBundle(ca), cert.rootCertPem);
  assert.ok(chain[2]!.raw.equals(new X509Certificate(meshTrustBundle(ca)).raw));
});

test('a requested lifetime is honoured but never outlives the issuer', async () => {
  const ca = await mesh();
  const short = await issueWorkloadCertificate(ca, { namespace: 'a', serviceAccount: 'b' }, { now: NOW, ttlMs: HOUR });
  assert.equal(short.notAfter.getTime() - NOW.getTime(), HOUR);
  const late = new Date(ca.issuerNotAfter.getTime() - HOUR);
  const capped = await issueWorkloadCertificate(ca, { namespace: 'a', serviceAccount: 'b' }, { now: late });
  assert.equal(capped.notAfter.getTime(), ca.issuerNotAfter.getTime());
});
