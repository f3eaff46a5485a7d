import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, test } from 'node:test';
import { EXPIRY, GENERATION_ERROR, GENERATION_ERROR_NUM, MAX_FAILURES, ORIGINATING_SERVICE_NAME, ORIGINATING_SERVICE_UID, SIGNED_BY } from './annotations.ts';
import { decodeData, encodeData, rfc3339, type Secret } from './secret-data.ts';
import {
  MIN_TIME_LEFT_MS, certSubjectsFor, dnsNamesOf, failedAnnotations, issueServingCert, renewalDueAt, servingCertAction,
  servingSecretFor, servingSecretNameOf, signedAnnotations, tidiedSecret, type ServiceObject,
} from './serving-cert.ts';
import { createSignerFiles, signerFromFiles, type Signer } from './signer.ts';

const NOW = new Date('2026-11-24T03:00:00Z');
let signer: Signer;
let otherSigner: Signer;
before(async () => {
  signer = signerFromFiles(await createSignerFiles(NOW))!;
  otherSigner = signerFromFiles(await createSignerFiles(NOW))!;
});

function service(name = 'activator-sm-service', extra: Partial<ServiceObject> = {}, annotations: Record<string, string> = {}): ServiceObject {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name, namespace: 'knative-serving', uid: 'uid-1', annotations: { 'service.beta.openshift.io/serving-cert-secret-name': 'activator-sm-service-tls', ...annotations } },
    spec: { clusterIP: '127.96.0.10' },
    ...extra,
  };
}

async function issuedSecret(svc: ServiceObject, by = signer, now = NOW): Promise<Secret> {
  return servingSecretFor(svc, await issueServingCert(svc, by, now));
}

test('the Secret name: beta annotation first, then alpha, else none', () => {
  assert.equal(servingSecretNameOf(service()), 'activator-sm-service-tls');
  const alpha = { apiVersion: 'v1', kind: 'Service', metadata: { annotations: { 'service.alpha.openshift.io/serving-cert-secret-name': 'old' } } };
  assert.equal(servingSecretNameOf(alpha), 'old');
  assert.equal(servingSecretNameOf({ apiVersion: 'v1', kind: 'Service', metadata: {} }), undefined);
});

test('subjects: <svc>.<ns>.svc and its cluster.local form; headless Services add the pod wildcard', () => {
  assert.deepEqual(certSubjectsFor(service('a')), ['a.knative-serving.svc', 'a.knative-serving.svc.cluster.local']);
  assert.deepEqual(certSubjectsFor(service('a', { spec: { clusterIP: 'None' } })), [
    '*.a.knative-serving.svc', '*.a.knative-serving.svc.cluster.local', 'a.knative-serving.svc', 'a.knative-serving.svc.cluster.local',
  ]);
});

test('an annotated Service without its Secret gets one created, unless it failed too often', () => {
  assert.deepEqual(servingCertAction(service(), undefined, signer, NOW), { kind: 'create' });
  const givenUp = service(undefined, {}, { [GENERATION_ERROR_NUM]: String(MAX_FAILURES) });
  assert.deepEqual(servingCertAction(givenUp, undefined, signer, NOW), { kind: 'none' });
  const plain = { ...service(), metadata: { ...service().metadata, annotations: {} } };
  assert.deepEqual(servingCertAction(plain, undefined, signer, NOW), { kind: 'none' });
});

test('the issued Secret: TLS type, serving certificate then signer, SANs, annotations, owner reference', async () => {
  const svc = service();
  const secret = await issuedSecret(svc);
  assert.equal(secret.type, 'kubernetes.io/tls');
  assert.equal(secret.metadata.name, 'activator-sm-service-tls');
  const files = decodeData(secret.data);
  assert.deepEqual(Object.keys(files).sort(), ['tls.crt', 'tls.key']);
  const chain = (files['tls.crt']!.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem));
  assert.equal(chain.length, 2);
  assert.match(files['tls.crt']!, /^-----BEGIN CERTIFICATE-----\n[^]+\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\n[^]+\n-----END CERTIFICATE-----\n$/);
  assert.ok(chain[1]!.raw.equals(signer.cert.raw));
  assert.ok(chain[0]!.verify(signer.cert.publicKey));
  assert.deepEqual(dnsNamesOf(chain[0]!).sort(), certSubjectsFor(svc));
  assert.match(chain[0]!.subject, /CN=activator-sm-service\.knative-serving\.svc$/);
  const a = secret.metadata.annotations!;
  assert.equal(a[ORIGINATING_SERVICE_NAME], 'activator-sm-service');
  assert.equal(a[ORIGINATING_SERVICE_UID], 'uid-1');
  assert.equal(a[EXPIRY], rfc3339(new Date(chain[0]!.validTo)));
  assert.equal(new Date(a[EXPIRY]!).getTime() - NOW.getTime(), 2 * 365 * 24 * 3600 * 1000);
  assert.deepEqual(secret.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'activator-sm-service', uid: 'uid-1' }]);
  assert.deepEqual(servingCertAction(svc, secret, signer, NOW), { kind: 'none' });
});

test('a renamed Service (other SANs), another signer or a broken certificate: reissue', async () => {
  const secret = await issuedSecret(service());
  assert.equal(servingCertAction(service('renamed'), secret, signer, NOW).kind, 'reissue');
  assert.deepEqual(servingCertAction(service(), secret, otherSigner, NOW), { kind: 'reissue', reason: 'not issued by the current signer' });
  const headless = service(undefined, { spec: { clusterIP: 'None' } });
  assert.equal(servingCertAction(headless, secret, signer, NOW).kind, 'reissue');
  const broken = { ...secret, data: encodeData({ 'tls.crt': 'ascii art', 'tls.key': 'x' }) };
  assert.deepEqual(servingCertAction(service(), broken, signer, NOW), { kind: 'reissue', reason: 'tls.crt is not a certificate' });
});

test('renewal: due an hour before expiry', async () => {
  const secret = await issuedSecret(service());
  const due = renewalDueAt(secret)!;
  assert.equal(new Date(secret.metadata.annotations![EXPIRY]!).getTime() - due.getTime(), MIN_TIME_LEFT_MS);
  assert.deepEqual(servingCertAction(service(), secret, signer, new Date(due.getTime() - 1000)), { kind: 'none' });
  assert.equal(servingCertAction(service(), secret, signer, new Date(due.getTime() + 1000)).kind, 'reissue');
  const noExpiry = { ...secret, metadata: { ...secret.metadata, annotations: {} } };
  // Without the UID annotation too it is no longer ours: only the clash rules apply.
  assert.equal(servingCertAction(service(), { ...noExpiry, metadata: { ...noExpiry.metadata, annotations: { [ORIGINATING_SERVICE_UID]: 'uid-1' } } }, signer, NOW).kind, 'reissue');
});

test('a Secret of that name not made for the Service is a clash; one holding a good certificate is left alone', async () => {
  const foreign: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'activator-sm-service-tls', namespace: 'knative-serving' }, data: encodeData({ password: 'x' }) };
  assert.deepEqual(servingCertAction(service(), foreign, signer, NOW), {
    kind: 'clash', message: 'secret knative-serving/activator-sm-service-tls does not have corresponding service UID uid-1',
  });
  const recreated = service(undefined, { metadata: { ...service().metadata, uid: 'uid-2' } });
  assert.deepEqual(servingCertAction(recreated, await issuedSecret(service()), signer, NOW), { kind: 'none' });
});

test('extra data keys or missing ownership annotations: tidied without a new certificate', async () => {
  const secret = await issuedSecret(service());
  const extra = { ...secret, data: { ...secret.data, extra: 'eA==' } };
  assert.deepEqual(servingCertAction(service(), extra, signer, NOW), { kind: 'tidy' });
  const tidied = tidiedSecret(extra, service());
  assert.deepEqual(Object.keys(tidied.data!).sort(), ['tls.crt', 'tls.key']);
  assert.equal(tidied.data!['tls.crt'], secret.data!['tls.crt']);
  assert.deepEqual(servingCertAction(service(), tidied, signer, NOW), { kind: 'none' });
});

test('Service annotations: signed-by clears errors; a failure counts up', () => {
  const withAnnotations = (annotations: Record<string, string>): ServiceObject => ({ ...service(), metadata: { ...service().metadata, annotations } });
  const failed = withAnnotations(failedAnnotations(withAnnotations(failedAnnotations(service(), 'e1')), 'e2'));
  assert.equal(failed.metadata.annotations![GENERATION_ERROR], 'e2');
  assert.equal(failed.metadata.annotations![GENERATION_ERROR_NUM], '2');
  const signed = signedAnnotations(failed, signer);
  assert.equal(signed[SIGNED_BY], signer.commonName);
  assert.equal(signed[GENERATION_ERROR], undefined);
  assert.equal(signed[GENERATION_ERROR_NUM], undefined);
  assert.equal(signed['service.beta.openshift.io/serving-cert-secret-name'], 'activator-sm-service-tls');
});
