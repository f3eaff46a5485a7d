import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issueWorkloadCertificate } from '../../mesh/pki/index.ts';
import { createSelfSignedCaFiles, meshCaFromFiles } from '../../mesh/pki/mesh-ca.ts';
import { meshServerIdentityCheck, serverIdentityProblem, subjectAltNamesOf, trustDomainOfChain } from './server-identity.ts';

const APP = 'URI:spiffe://cluster.local/ns/default/sa/app';

test('SANs as Node prints them, quoted values unquoted', () => {
  assert.deepEqual(subjectAltNamesOf(`${APP}, DNS:app.default.svc`), [{ kind: 'URI', value: 'spiffe://cluster.local/ns/default/sa/app' }, { kind: 'DNS', value: 'app.default.svc' }]);
  assert.deepEqual(subjectAltNamesOf('URI:"spiffe://td/ns/a/sa/b"'), [{ kind: 'URI', value: 'spiffe://td/ns/a/sa/b' }]);
  assert.deepEqual(subjectAltNamesOf(undefined), []);
});

test('named SANs: one of them must be on the certificate (URI or DNS)', () => {
  const exact = { trustDomain: 'cluster.local', subjectAltNames: ['spiffe://cluster.local/ns/default/sa/app'] };
  assert.equal(serverIdentityProblem(exact, APP), undefined);
  assert.match(serverIdentityProblem(exact, 'URI:spiffe://cluster.local/ns/default/sa/other') ?? '', /none of spiffe:\/\/cluster\.local\/ns\/default\/sa\/app/);
  assert.equal(serverIdentityProblem({ trustDomain: 'cluster.local', subjectAltNames: ['api.example.org'] }, 'DNS:api.example.org'), undefined);
});

test('no names: any SPIFFE ID of the trust domain, nothing else', () => {
  const any = { trustDomain: 'cluster.local', subjectAltNames: [] };
  assert.equal(serverIdentityProblem(any, APP), undefined);
  assert.match(serverIdentityProblem(any, 'URI:spiffe://other.mesh/ns/default/sa/app') ?? '', /no SPIFFE ID of trust domain cluster\.local/);
  assert.match(serverIdentityProblem(any, 'DNS:spiffe.example') ?? '', /no SPIFFE ID/);
  assert.match(serverIdentityProblem(any, undefined) ?? '', /no SANs/);
});

test('the check Node calls returns an error only on a mismatch', () => {
  const check = meshServerIdentityCheck({ trustDomain: 'cluster.local', subjectAltNames: [] });
  assert.equal(check('x', { subjectaltname: APP } as never), undefined);
  assert.ok(check('x', { subjectaltname: 'DNS:x' } as never) instanceof Error);
});

test('the trust domain of a workload certificate chain', async () => {
  const now = new Date();
  const ca = meshCaFromFiles(await createSelfSignedCaFiles('red.mesh', now), { meshNamespace: 'istio-system', trustDomain: 'red.mesh', source: 'self-signed', secretName: 'istio-ca-secret' }, now);
  const cert = await issueWorkloadCertificate(ca, { namespace: 'default', serviceAccount: 'app' });
  assert.equal(trustDomainOfChain(cert.certChainPem), 'red.mesh');
  assert.equal(trustDomainOfChain('not a certificate'), undefined);
});
