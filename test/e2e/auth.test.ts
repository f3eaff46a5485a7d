/**
 * Authentication and TLS of the API server, driven by the real kubectl, curl and openssl:
 * only the kubeconfig's credentials (its bearer token or its client certificate, each on its
 * own) get in; no credentials, a wrong token, a certificate from another CA or an expired
 * one answer 401 Status; the serving certificate verifies against skiff's CA for 127.0.0.1.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { createCertificateAuthority, issueCertificate, type CertificateAndKey } from '../../src/pki/certificates.ts';
import { ADMIN_GROUPS, ADMIN_USER, CA_COMMON_NAME } from '../../src/pki/cluster-pki.ts';
import { kubectlFor } from '../support/kubectl.ts';
import { curlFor, pkiFiles, runProgram, type CurlAnswer, type CurlRequest } from '../support/https.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const DAY = 24 * 60 * 60 * 1000;

describe('authentication and TLS', () => {
  let s: TestSkiff;
  let curl: (req: CurlRequest) => Promise<CurlAnswer>;
  let files: ReturnType<typeof pkiFiles>;
  let port: string;
  const dir = mkdtempSync(join(tmpdir(), 'skiff-auth-'));

  /** Writes a client certificate and key into the scratch directory; returns their paths. */
  const writeKeyPair = (name: string, pair: CertificateAndKey) => {
    const certFile = join(dir, `${name}.crt`);
    const keyFile = join(dir, `${name}.key`);
    writeFileSync(certFile, pair.certPem);
    writeFileSync(keyFile, pair.keyPem, { mode: 0o600 });
    return { certFile, keyFile };
  };

  /** A copy of skiff's kubeconfig whose user keeps only the named credential fields. */
  const kubeconfigWith = (name: string, keep: (user: Record<string, unknown>) => Record<string, unknown>) => {
    const config = parse(readFileSync(s.skiff.info.kubeconfig, 'utf8')) as { users: { user: Record<string, unknown> }[] };
    for (const entry of config.users) entry.user = keep(entry.user);
    const path = join(dir, `${name}.kubeconfig`);
    writeFileSync(path, stringify(config), { mode: 0o600 });
    return kubectlFor(path);
  };

  const assertUnauthorized = (answer: CurlAnswer) => {
    assert.equal(answer.status, 401, answer.body);
    assert.equal(answer.headers['x-skiff-error-code'], 'SKF_API_UNAUTHORIZED');
    assert.deepEqual(JSON.parse(answer.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  };

  before(async () => {
    s = await startTestSkiff();
    curl = curlFor(s.dataDir, s.skiff.info.apiServer);
    files = pkiFiles(s.dataDir);
    port = new URL(s.skiff.info.apiServer).port;
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 401 Status to a request without credentials, on every path', async () => {
    for (const path of ['/api/v1/namespaces', '/api', '/apis', '/version', '/openapi/v3', '/api/v1/namespaces/default/configmaps/x']) {
      assertUnauthorized(await curl({ path, credentials: { kind: 'none' } }));
    }
    assertUnauthorized(await curl({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', contentType: 'application/json', body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"sneaky"}}', credentials: { kind: 'none' } }));
    assert.equal((await curl({ path: '/api/v1/namespaces/default/configmaps/sneaky' })).status, 404, 'the unauthenticated create stored nothing');
  });

  it('answers 401 to a wrong or malformed bearer token', async () => {
    const adminToken = readFileSync(files.adminToken, 'utf8').trim();
    assertUnauthorized(await curl({ path: '/api/v1/namespaces', credentials: { kind: 'token', token: 'not-the-token' } }));
    assertUnauthorized(await curl({ path: '/api/v1/namespaces', credentials: { kind: 'token', token: `${adminToken}x` } }));
    assertUnauthorized(await curl({ path: '/api/v1/namespaces', credentials: { kind: 'token', token: adminToken.slice(0, -1) } }));
    const ok = await curl({ path: '/api/v1/namespaces', credentials: { kind: 'token', token: adminToken } });
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.body).kind, 'NamespaceList');

    const wrongToken = kubeconfigWith('wrong-token', () => ({ token: 'not-the-token' }));
    const r = await wrongToken(['get', 'ns']);
    assert.notEqual(r.code, 0);
    // kubectl's own words for a 401 (client-go's text for the status code).
    assert.match(r.stderr, /^error: You must be logged in to the server \(the server has asked for the client to provide credentials\)$/m);
  });

  it('accepts the admin client certificate and rejects one from another CA or an expired one', async () => {
    const admin = { kind: 'cert' as const, certFile: files.adminCert, keyFile: files.adminKey };
    assert.equal((await curl({ path: '/api/v1/namespaces', credentials: admin })).status, 200);

    // Another CA with the very same name, issuing the admin's identity: the signature decides.
    const now = Date.now();
    const impostorCa = await createCertificateAuthority({ commonName: CA_COMMON_NAME, notBefore: new Date(now - DAY), notAfter: new Date(now + DAY) });
    const impostor = await issueCertificate(impostorCa, { commonName: ADMIN_USER, organizations: ADMIN_GROUPS, usages: ['clientAuth'], notBefore: new Date(now - DAY), notAfter: new Date(now + DAY) });
    assertUnauthorized(await curl({ path: '/api/v1/namespaces', credentials: { kind: 'cert', ...writeKeyPair('impostor', impostor) } }));

    // Signed by skiff's own CA, but its validity ended long ago.
    const clusterCa = { certPem: readFileSync(files.caCert, 'utf8'), keyPem: readFileSync(files.caKey, 'utf8') };
    const expired = await issueCertificate(clusterCa, { commonName: ADMIN_USER, organizations: ADMIN_GROUPS, usages: ['clientAuth'], notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2020-01-02T00:00:00Z') });
    assert.ok(new X509Certificate(expired.certPem).checkIssued(new X509Certificate(clusterCa.certPem)));
    assertUnauthorized(await curl({ path: '/api/v1/namespaces', credentials: { kind: 'cert', ...writeKeyPair('expired', expired) } }));

    // A valid certificate from skiff's CA for another user is accepted as that user.
    const other = await issueCertificate(clusterCa, { commonName: 'jane', usages: ['clientAuth'], notBefore: new Date(now - DAY), notAfter: new Date(now + DAY) });
    assert.equal((await curl({ path: '/api/v1/namespaces', credentials: { kind: 'cert', ...writeKeyPair('jane', other) } })).status, 200);
  });

  it("lets kubectl in with the kubeconfig's token alone and with its client certificate alone", async () => {
    const tokenOnly = kubeconfigWith('token-only', (user) => ({ token: user.token }));
    assert.match(await tokenOnly.ok(['get', 'ns', 'default']), /^default\s+Active/m);
    assert.match(await tokenOnly.ok(['create', 'configmap', 'by-token', '--from-literal=a=1']), /configmap\/by-token created/);

    const certOnly = kubeconfigWith('cert-only', (user) => ({ 'client-certificate-data': user['client-certificate-data'], 'client-key-data': user['client-key-data'] }));
    assert.match(await certOnly.ok(['get', 'ns', 'default']), /^default\s+Active/m);
    assert.match(await certOnly.ok(['create', 'configmap', 'by-cert', '--from-literal=a=1']), /configmap\/by-cert created/);

    // Each copy stored through one credential is visible through the other.
    assert.match(await tokenOnly.ok(['get', 'configmap', 'by-cert']), /^by-cert\s+1\s/m);
  });

  it("serves TLS that openssl verifies against skiff's CA, with the 127.0.0.1 SAN", async () => {
    const r = await runProgram('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', files.caCert, '-verify_ip', '127.0.0.1', '-showcerts'], '');
    assert.match(r.stdout, /Verify return code: 0 \(ok\)/, r.stdout + r.stderr);
    const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(r.stdout)?.[0];
    assert.ok(pem, 'openssl printed the served certificate');
    const served = new X509Certificate(pem);
    assert.match(served.subjectAltName ?? '', /IP Address:127\.0\.0\.1(,|$)/);
    assert.ok(served.checkIssued(new X509Certificate(readFileSync(files.caCert, 'utf8'))));

    // Against a CA that did not sign it, verification fails.
    const strangerCa = await createCertificateAuthority({ commonName: 'stranger', notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + DAY) });
    const strangerFile = join(dir, 'stranger-ca.crt');
    writeFileSync(strangerFile, strangerCa.certPem);
    const bad = await runProgram('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', strangerFile], '');
    assert.doesNotMatch(bad.stdout, /Verify return code: 0 \(ok\)/);
  });

  it('does not speak plain HTTP on its port', async () => {
    const r = await runProgram('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}/api/v1/namespaces`]);
    // Either the connection drops (curl fails) or a non-success status comes back; never data.
    if (r.code === 0) assert.doesNotMatch(r.stdout, /^2\d\d$/);
    else assert.match(r.stderr, /curl: \(\d+\)/);
  });
});
