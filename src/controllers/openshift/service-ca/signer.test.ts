import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SIGNER_LIFETIME_MS, createSignerFiles, signerCommonName, signerFromFiles } from './signer.ts';

const NOW = new Date('2026-11-24T03:00:00Z');

test('the signer is a CA named openshift-service-serving-signer@<unix time>, valid 790 days', async () => {
  assert.equal(signerCommonName(NOW), `openshift-service-serving-signer@${NOW.getTime() / 1000}`);
  const signer = signerFromFiles(await createSignerFiles(NOW))!;
  assert.equal(signer.commonName, signerCommonName(NOW));
  assert.equal(signer.cert.ca, true);
  assert.equal(new Date(signer.cert.validTo).getTime() - NOW.getTime(), SIGNER_LIFETIME_MS);
  assert.equal(signer.bundlePem, signer.ca.certPem);
});

test('a Secret without a usable CA holds no signer; a rotation bundle is preferred when present', async () => {
  const files = await createSignerFiles(NOW);
  assert.equal(signerFromFiles({}), undefined);
  assert.equal(signerFromFiles({ 'tls.crt': 'junk', 'tls.key': files['tls.key']! }), undefined);
  assert.equal(signerFromFiles({ ...files, 'ca-bundle.crt': 'BUNDLE' })!.bundlePem, 'BUNDLE');
});
