import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DownstreamTls } from '../config/model.ts';
import { clientSanAllowed, tlsServerOptions } from './tls-options.ts';
import { credential } from './test-config.ts';

const base = { requireClientCertificate: false, requestClientCertificate: false, subjectAltNames: [], alpn: ['h2', 'http/1.1'] };

describe('tlsServerOptions', () => {
  it('SIMPLE serves the Secret\'s pair, offers http/1.1 only, asks for no client certificate', () => {
    const r = tlsServerOptions({ ...base, mode: 'SIMPLE', certificate: { source: 'secret', credential: credential('CERT', 'KEY') }, minVersion: 'TLSv1.2' }, undefined);
    assert.ok(r.ok);
    assert.deepEqual(r.options, { cert: 'CERT', key: 'KEY', ALPNProtocols: ['http/1.1'], requestCert: false, minVersion: 'TLSv1.2' });
  });

  it('ISTIO_MUTUAL uses the mesh identity and requires a client certificate from the mesh root', () => {
    const tls: DownstreamTls = { ...base, mode: 'ISTIO_MUTUAL', certificate: { source: 'mesh' }, requireClientCertificate: true, requestClientCertificate: true };
    const r = tlsServerOptions(tls, { certChainPem: 'CHAIN', keyPem: 'K', rootCertPem: 'ROOT', notAfter: new Date() });
    assert.ok(r.ok);
    assert.deepEqual([r.options.cert, r.options.ca, r.options.requestCert, r.options.rejectUnauthorized], ['CHAIN', 'ROOT', true, true]);
    const none = tlsServerOptions(tls, undefined);
    assert.equal(none.ok, false);
  });

  it('OPTIONAL_MUTUAL asks without requiring; certificates from files are a problem; the fingerprint follows the certificate', () => {
    const opt = tlsServerOptions({ ...base, mode: 'OPTIONAL_MUTUAL', certificate: { source: 'secret', credential: credential('C', 'K', 'CA') }, requestClientCertificate: true }, undefined);
    assert.ok(opt.ok);
    assert.deepEqual([opt.options.requestCert, opt.options.rejectUnauthorized], [true, false]);
    const files = tlsServerOptions({ ...base, mode: 'SIMPLE', certificate: { source: 'file', certPath: '/etc/c', keyPath: '/etc/k' } }, undefined);
    assert.equal(files.ok, false);
    const a = tlsServerOptions({ ...base, mode: 'SIMPLE', certificate: { source: 'secret', credential: credential('C1', 'K') } }, undefined);
    const b = tlsServerOptions({ ...base, mode: 'SIMPLE', certificate: { source: 'secret', credential: credential('C2', 'K') } }, undefined);
    assert.ok(a.ok && b.ok);
    assert.notEqual(a.fingerprint, b.fingerprint);
  });
});

describe('clientSanAllowed', () => {
  it('accepts any verified client without a list, else one of the listed DNS or URI names', () => {
    assert.equal(clientSanAllowed([], undefined), true);
    assert.equal(clientSanAllowed(['spiffe://cluster.local/ns/a/sa/b'], 'URI:spiffe://cluster.local/ns/a/sa/b'), true);
    assert.equal(clientSanAllowed(['good.client'], 'DNS:other.client, DNS:x'), false);
  });
});
