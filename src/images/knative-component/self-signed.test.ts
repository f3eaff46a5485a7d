import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { selfSignedCertificate } from './self-signed.ts';

test('a certificate names its host, is self-issued and verifies with its own key', () => {
  const now = new Date('2026-01-02T03:04:05Z');
  const { certPem } = selfSignedCertificate('webhook.test', 10, now);
  const cert = new X509Certificate(certPem);
  assert.equal(cert.subject, 'CN=webhook.test');
  assert.equal(cert.subjectAltName, 'DNS:webhook.test');
  assert.ok(cert.checkIssued(cert));
  assert.ok(cert.verify(cert.publicKey));
  assert.equal(new Date(cert.validTo).getTime(), now.getTime() + 10 * 86_400_000);
});

test('serials whose random bytes would need padding or read as negative still parse', () => {
  // 0x00 0x05: a leading zero before a byte below 0x80 is not minimal DER; 0xff: negative.
  for (const first of [[0x00, 0x05], [0x00, 0x85], [0xff, 0x00], [0x7f, 0x00]]) {
    const seed = Buffer.alloc(16, 0x11);
    seed.set(first);
    const cert = new X509Certificate(selfSignedCertificate('pad.test', 1, new Date(), seed).certPem);
    assert.match(cert.serialNumber, /^[0-9A-F]{32}$/, `seed ${Buffer.from(first).toString('hex')}`);
  }
});
