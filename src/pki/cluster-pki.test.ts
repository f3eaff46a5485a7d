import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { isSkiffError } from '../errors/skiff-error.ts';
import { ensureClusterPki } from './cluster-pki.ts';
import { PKI_FILES } from './layout.ts';

const run = promisify(execFile);
const DAY = 86_400_000;
const T0 = new Date('2030-01-01T00:00:00Z');
const at = (days: number) => () => new Date(T0.getTime() + days * DAY);

const roots: string[] = [];
after(() => Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true }))));
async function freshDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'skiff-pki-'));
  roots.push(root);
  return join(root, 'pki');
}

describe('ensureClusterPki: first run', async () => {
  const dir = await freshDir();
  const pki = await ensureClusterPki(dir);

  test('creates every credential with owner-only permissions', async () => {
    assert.deepEqual(pki.changes.map((c) => `${c.item}:${c.action}`), ['ca:created', 'serving:created', 'admin:created', 'token:created']);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    for (const file of Object.values(PKI_FILES)) assert.equal((await stat(join(dir, file))).mode & 0o777, 0o600, file);
    assert.match(pki.adminToken, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(pki.adminToken, 'base64url').length, 32);
  });

  test('the chain verifies with openssl, for server and client purposes', async () => {
    const ca = join(dir, PKI_FILES.caCert);
    const server = await run('openssl', ['verify', '-CAfile', ca, '-purpose', 'sslserver', join(dir, PKI_FILES.servingCert)]);
    assert.match(server.stdout, /apiserver\.crt: OK/);
    const client = await run('openssl', ['verify', '-CAfile', ca, '-purpose', 'sslclient', join(dir, PKI_FILES.adminCert)]);
    assert.match(client.stdout, /admin\.crt: OK/);
  });

  test('the CA is a 10-year ECDSA P-256 CA named skiff-ca that signs certificates and CRLs', async () => {
    const { stdout } = await run('openssl', ['x509', '-in', join(dir, PKI_FILES.caCert), '-noout', '-text']);
    assert.match(stdout, /Subject: CN\s?=\s?skiff-ca/);
    assert.match(stdout, /NIST CURVE: P-256/);
    assert.match(stdout, /Basic Constraints: critical\s+CA:TRUE/);
    assert.match(stdout, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
    const cert = new X509Certificate(pki.caPem);
    const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365 * DAY);
    assert.ok(years > 9.99 && years < 10.01, `CA lifetime ${years} years`);
  });

  test('the serving certificate names every API server address and is for serverAuth', async () => {
    const { stdout } = await run('openssl', ['x509', '-in', join(dir, PKI_FILES.servingCert), '-noout', '-text']);
    for (const name of ['DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1']) {
      assert.ok(stdout.includes(`${name},`) || stdout.includes(`${name}\n`), `missing SAN ${name}`);
    }
    assert.match(stdout, /Extended Key Usage:\s+TLS Web Server Authentication\n/);
    const cert = new X509Certificate(pki.servingCertPem);
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / DAY;
    assert.ok(days > 364.9 && days < 365.1, `serving lifetime ${days} days`);
  });

  test('the admin certificate is skiff-admin in system:masters, for clientAuth', async () => {
    const { stdout } = await run('openssl', ['x509', '-in', join(dir, PKI_FILES.adminCert), '-noout', '-subject', '-ext', 'extendedKeyUsage']);
    assert.match(stdout, /CN\s?=\s?skiff-admin/);
    assert.match(stdout, /O\s?=\s?system:masters/);
    assert.match(stdout, /TLS Web Client Authentication/);
    assert.doesNotMatch(stdout, /Server Authentication/);
  });

  test('tlsServerOptions requests but does not require client certificates', () => {
    const options = pki.tlsServerOptions();
    assert.equal(options.cert, pki.servingCertPem);
    assert.equal(options.key, pki.servingKeyPem);
    assert.equal(options.ca, pki.caPem);
    assert.equal(options.requestCert, true);
    assert.equal(options.rejectUnauthorized, false);
  });

  test('a second run loads the same credentials and changes nothing', async () => {
    const again = await ensureClusterPki(dir);
    assert.deepEqual(again.changes, []);
    assert.deepEqual(again.warnings, []);
    for (const key of ['caPem', 'caKeyPem', 'servingCertPem', 'servingKeyPem', 'adminCertPem', 'adminKeyPem', 'adminToken'] as const) {
      assert.equal(again[key], pki[key], key);
    }
  });
});

describe('ensureClusterPki: renewal', () => {
  test('re-issues serving and admin certificates within 30 days of expiry, keeping CA and token', async () => {
    const dir = await freshDir();
    const first = await ensureClusterPki(dir, { now: at(0) });
    const early = await ensureClusterPki(dir, { now: at(334) });
    assert.deepEqual(early.changes, [], '31 days before expiry nothing is due');
    const due = await ensureClusterPki(dir, { now: at(336) });
    assert.deepEqual(due.changes.map((c) => `${c.item}:${c.action}`), ['serving:renewed', 'admin:renewed']);
    assert.match(due.changes[0]!.reason!, /expires on 2031-01-01T/);
    assert.equal(due.caPem, first.caPem);
    assert.equal(due.adminToken, first.adminToken);
    assert.notEqual(due.servingCertPem, first.servingCertPem);
    assert.notEqual(due.adminKeyPem, first.adminKeyPem, 'renewal uses a fresh key');
    const renewed = new X509Certificate(due.servingCertPem);
    assert.ok(renewed.checkIssued(new X509Certificate(first.caPem)));
    assert.ok(Date.parse(renewed.validTo) > at(336 + 364)().getTime());
    assert.equal(await readFile(join(dir, PKI_FILES.servingCert), 'utf8'), due.servingCertPem);
  });

  test('re-issues expired certificates', async () => {
    const dir = await freshDir();
    await ensureClusterPki(dir, { now: at(0) });
    const later = await ensureClusterPki(dir, { now: at(500) });
    assert.deepEqual(later.changes.map((c) => c.item), ['serving', 'admin']);
  });

  test('re-issues a damaged or missing leaf and a damaged token, naming the reason', async () => {
    const dir = await freshDir();
    const first = await ensureClusterPki(dir);
    await writeFile(join(dir, PKI_FILES.servingCert), 'garbage');
    await unlink(join(dir, PKI_FILES.adminKey));
    await writeFile(join(dir, PKI_FILES.adminToken), 'short');
    const repaired = await ensureClusterPki(dir);
    assert.deepEqual(repaired.changes.map((c) => `${c.item}:${c.reason}`), [
      'serving:the certificate is unreadable',
      `admin:${join(dir, PKI_FILES.adminKey)} is missing`,
      `token:${join(dir, PKI_FILES.adminToken)} does not hold a valid token`,
    ]);
    assert.equal(repaired.caPem, first.caPem);
    assert.equal((await stat(join(dir, PKI_FILES.adminKey))).mode & 0o777, 0o600);
  });

  test('re-issues a leaf whose key does not match, or that another CA signed', async () => {
    const dir = await freshDir();
    const other = await ensureClusterPki(await freshDir());
    await ensureClusterPki(dir);
    await writeFile(join(dir, PKI_FILES.servingKey), other.servingKeyPem);
    await writeFile(join(dir, PKI_FILES.adminCert), other.adminCertPem);
    await writeFile(join(dir, PKI_FILES.adminKey), other.adminKeyPem);
    const repaired = await ensureClusterPki(dir);
    assert.deepEqual(repaired.changes.map((c) => `${c.item}:${c.reason}`), [
      'serving:the private key does not match the certificate',
      'admin:it is not signed by the cluster CA',
    ]);
  });

  test('leaves issued near the end of the CA do not outlive it, and the operator is warned', async () => {
    const dir = await freshDir();
    const first = await ensureClusterPki(dir, { now: at(0) });
    const caEnd = Date.parse(new X509Certificate(first.caPem).validTo);
    const nearEnd = new Date(caEnd - 10 * DAY);
    const late = await ensureClusterPki(dir, { now: () => nearEnd });
    assert.match(late.warnings.join('\n'), /cluster CA .* expires on/);
    assert.equal(Date.parse(new X509Certificate(late.servingCertPem).validTo), caEnd);
  });
});

describe('ensureClusterPki: the CA is never replaced silently', () => {
  async function expectCaError(dir: string, code: 'SKF_PKI_CA_INVALID' | 'SKF_PKI_CA_EXPIRED', message: RegExp, now?: () => Date): Promise<void> {
    const before = await readFile(join(dir, PKI_FILES.caKey), 'utf8').catch(() => undefined);
    await assert.rejects(ensureClusterPki(dir, now === undefined ? {} : { now }), (error) => {
      assert.ok(isSkiffError(error, code), String(error));
      assert.match(error.message, message);
      return true;
    });
    assert.equal(await readFile(join(dir, PKI_FILES.caKey), 'utf8').catch(() => undefined), before, 'the CA key is untouched');
  }

  test('a missing CA key', async () => {
    const dir = await freshDir();
    await ensureClusterPki(dir);
    await unlink(join(dir, PKI_FILES.caKey));
    await expectCaError(dir, 'SKF_PKI_CA_INVALID', /ca\.key is missing/);
  });

  test('an unreadable CA certificate', async () => {
    const dir = await freshDir();
    await ensureClusterPki(dir);
    await writeFile(join(dir, PKI_FILES.caCert), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    await expectCaError(dir, 'SKF_PKI_CA_INVALID', /ca\.crt is not a PEM certificate/);
  });

  test('a CA key that belongs to another certificate', async () => {
    const dir = await freshDir();
    const other = await ensureClusterPki(await freshDir());
    await ensureClusterPki(dir);
    await writeFile(join(dir, PKI_FILES.caKey), other.caKeyPem);
    await expectCaError(dir, 'SKF_PKI_CA_INVALID', /ca\.key is not the key of .*ca\.crt/);
  });

  test('a "CA" that is not a CA certificate', async () => {
    const dir = await freshDir();
    const pki = await ensureClusterPki(dir);
    await writeFile(join(dir, PKI_FILES.caCert), pki.servingCertPem);
    await writeFile(join(dir, PKI_FILES.caKey), pki.servingKeyPem);
    await expectCaError(dir, 'SKF_PKI_CA_INVALID', /not a CA certificate/);
  });

  test('an expired CA', async () => {
    const dir = await freshDir();
    await ensureClusterPki(dir, { now: at(0) });
    await expectCaError(dir, 'SKF_PKI_CA_EXPIRED', /expired on 2039-12-30T/, at(3651));
  });
});
