import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { isSkiffError } from '../../errors/skiff-error.ts';
import { createCertificateAuthority, issueCertificate, issueCertificateAuthority } from '../../pki/certificates.ts';
import { CA_FILES, createSelfSignedCaFiles, issuerRenewalDue, meshCaFromFiles, pluginFiles, renewIssuerFiles } from './mesh-ca.ts';
import { splitCertificates } from './pem.ts';

const NOW = new Date('2030-01-01T00:00:00Z');
const DAY = 86_400_000;
const ctx = { meshNamespace: 'istio-system', trustDomain: 'cluster.local', source: 'plug-in' as const, secretName: 'cacerts' };

async function pluginCa(now = NOW) {
  const root = await createCertificateAuthority({ commonName: 'Root CA', organizations: ['Istio'], notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 3650 * DAY) });
  const ca = await issueCertificateAuthority(root, { commonName: 'Intermediate CA', organizations: ['Istio'], notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY) });
  return { root, ca, files: { [CA_FILES.caCert]: ca.certPem, [CA_FILES.caKey]: ca.keyPem, [CA_FILES.rootCert]: root.certPem, [CA_FILES.certChain]: ca.certPem + root.certPem } };
}

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => isSkiffError(err, 'SKF_MESH_CA_INVALID') && pattern.test(err.message));
}

test('the self-signed CA is a 10-year root over a 1-year intermediate, both with the trust domain as O', async () => {
  const files = await createSelfSignedCaFiles('red-mesh.local', NOW);
  const root = new X509Certificate(files[CA_FILES.rootCert]!);
  const issuer = new X509Certificate(files[CA_FILES.caCert]!);
  assert.equal(root.ca, true);
  assert.equal(issuer.ca, true);
  assert.match(root.subject, /O=red-mesh\.local/);
  assert.match(issuer.subject, /CN=Intermediate CA/);
  assert.ok(issuer.checkIssued(root) && issuer.verify(root.publicKey));
  assert.equal(Math.round((new Date(root.validTo).getTime() - NOW.getTime()) / DAY), 3650);
  assert.equal(Math.round((new Date(issuer.validTo).getTime() - NOW.getTime()) / DAY), 365);
  assert.equal(splitCertificates(files[CA_FILES.certChain]!).length, 2);
  const ca = meshCaFromFiles(files, { ...ctx, source: 'self-signed', secretName: 'istio-ca-secret' }, NOW);
  assert.equal(ca.rootCertPem, files[CA_FILES.rootCert]);
  assert.equal(ca.issuer.certPem, files[CA_FILES.caCert]);
});

test('the intermediate is re-issued under the same root once less than 20% of its lifetime remains', async () => {
  const files = await createSelfSignedCaFiles('cluster.local', NOW);
  assert.equal(issuerRenewalDue(files, new Date(NOW.getTime() + 290 * DAY)), false);
  const later = new Date(NOW.getTime() + 300 * DAY);
  assert.equal(issuerRenewalDue(files, later), true);
  const renewed = await renewIssuerFiles(files, 'cluster.local', later);
  assert.equal(renewed[CA_FILES.rootCert], files[CA_FILES.rootCert]);
  assert.notEqual(renewed[CA_FILES.caCert], files[CA_FILES.caCert]);
  assert.doesNotThrow(() => meshCaFromFiles(renewed, ctx, later));
});

test('a plug-in CA in Istio\'s format is accepted, with or without the issuer and root repeated in cert-chain.pem', async () => {
  const { root, ca, files } = await pluginCa();
  const mesh = meshCaFromFiles(files, ctx, NOW);
  assert.equal(splitCertificates(mesh.certChainPem).length, 2);
  assert.doesNotThrow(() => meshCaFromFiles({ ...files, [CA_FILES.certChain]: '' }, ctx, NOW));
  assert.doesNotThrow(() => meshCaFromFiles({ ...files, [CA_FILES.certChain]: ca.certPem }, ctx, NOW));
  // cert-manager's layout.
  const fromTls = pluginFiles({ 'tls.crt': ca.certPem, 'tls.key': ca.keyPem, 'ca.crt': root.certPem });
  assert.doesNotThrow(() => meshCaFromFiles(fromTls, ctx, NOW));
});

test('a plug-in CA with a second-level intermediate chains through cert-chain.pem', async () => {
  const { root, ca: middle } = await pluginCa();
  const issuer = await issueCertificateAuthority(middle, { commonName: 'Cluster CA', notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 100 * DAY) });
  const files = { [CA_FILES.caCert]: issuer.certPem, [CA_FILES.caKey]: issuer.keyPem, [CA_FILES.rootCert]: root.certPem, [CA_FILES.certChain]: issuer.certPem + middle.certPem + root.certPem };
  assert.equal(splitCertificates(meshCaFromFiles(files, ctx, NOW).certChainPem).length, 3);
  rejects(() => meshCaFromFiles({ ...files, [CA_FILES.certChain]: '' }, ctx, NOW), /is not signed by "CN=Root CA/);
});

test('a broken plug-in CA is refused with what is wrong', async () => {
  const { root, ca, files } = await pluginCa();
  const other = await pluginCa();
  rejects(() => meshCaFromFiles({ ...files, [CA_FILES.caKey]: '' }, ctx, NOW), /istio-system\/cacerts: ca-key\.pem is missing or empty/);
  rejects(() => meshCaFromFiles({ ...files, [CA_FILES.caCert]: 'garbage' }, ctx, NOW), /ca-cert\.pem is not a PEM certificate/);
  rejects(() => meshCaFromFiles({ ...files, [CA_FILES.caKey]: other.ca.keyPem }, ctx, NOW), /ca-key\.pem does not match/);
  rejects(() => meshCaFromFiles({ ...files, [CA_FILES.rootCert]: other.root.certPem, [CA_FILES.certChain]: '' }, ctx, NOW), /is not signed by/);
  const leaf = await issueCertificate(ca, { commonName: 'leaf', usages: ['serverAuth'], notBefore: NOW, notAfter: new Date(NOW.getTime() + DAY) });
  rejects(() => meshCaFromFiles({ ...files, [CA_FILES.caCert]: leaf.certPem, [CA_FILES.caKey]: leaf.keyPem }, ctx, NOW), /not a CA certificate/);
  rejects(() => meshCaFromFiles(files, ctx, new Date(NOW.getTime() + 400 * DAY)), /expired at/);
  assert.ok(root);
});
