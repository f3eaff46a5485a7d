import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadServerCredential } from './credentials.ts';
import type { Secret } from './istio-specs.ts';
import { certificatePair, meta, tlsSecret } from './testing-fixtures.ts';

let pair: { cert: string; key: string };
before(async () => { pair = await certificatePair(); });

describe('gateway credentials', () => {
  it('reads tls.crt/tls.key and reports the leaf subject and expiry', () => {
    const out = loadServerCredential([tlsSecret('istio-system', 'certs', { 'tls.crt': pair.cert, 'tls.key': pair.key })], 'istio-system', 'certs', false, Date.now());
    assert.ok(out.ok);
    assert.equal(out.credential.secret, 'istio-system/certs');
    assert.match(out.credential.subject, /CN=/);
    assert.deepEqual(out.warnings, []);
  });

  it('accepts the generic cert/key pair and stringData', () => {
    const secret: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: meta('istio-system', 'generic'), stringData: { cert: pair.cert, key: pair.key } };
    assert.ok(loadServerCredential([secret], 'istio-system', 'generic', false, Date.now()).ok);
  });

  it('warns when the certificate is expired (the server is still served, as Envoy would)', () => {
    const later = Date.now() + 20 * 365 * 86_400_000;
    const out = loadServerCredential([tlsSecret('istio-system', 'certs', { 'tls.crt': pair.cert, 'tls.key': pair.key })], 'istio-system', 'certs', false, later);
    assert.ok(out.ok);
    assert.match(out.warnings[0] ?? '', /expired/);
  });

  it('rejects a CA secret that holds no certificate', () => {
    const secrets = [tlsSecret('istio-system', 'certs', { 'tls.crt': pair.cert, 'tls.key': pair.key }), tlsSecret('istio-system', 'certs-cacert', { 'ca.crt': 'not a cert' })];
    const out = loadServerCredential(secrets, 'istio-system', 'certs', true, Date.now());
    assert.ok(!out.ok);
    assert.equal(out.code, 'credential-malformed');
  });
});
