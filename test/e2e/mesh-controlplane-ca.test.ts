/**
 * The mesh CA end to end: a plug-in CA made with openssl the way Istio's documentation
 * makes one (RSA root, intermediate, `kubectl create secret generic cacerts …`) is the
 * mesh's CA — its root is what every mesh namespace trusts, no own CA is created — and a
 * workload certificate issued from it verifies with `openssl verify`, carries its SPIFFE
 * URI SAN, a P-256 key and a 24-hour lifetime. Replacing `cacerts` re-distributes the root.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { meshCaFromFiles, pluginFiles } from '../../src/mesh/pki/mesh-ca.ts';
import { issueWorkloadCertificate } from '../../src/mesh/pki/workload-certificate.ts';
import type { TestSkiff } from '../support/skiff.ts';
import { SEED_SMCP, getJson, jsonpath, startMeshSkiff, waitFor } from './mesh-controlplane-fixtures.ts';

const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Istio's plug-in CA recipe (tools/certs): a root, and an intermediate with CA:TRUE signed by it. */
function makePluginCa(dir: string, cn: string): void {
  writeFileSync(join(dir, 'ca.conf'), [
    '[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', 'O = Istio', `CN = ${cn}`,
    '[v3_ca]', 'basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign, digitalSignature', 'subjectKeyIdentifier = hash',
  ].join('\n'));
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:4096', '-nodes', '-keyout', 'root-key.pem', '-out', 'root-cert.pem', '-days', '3650', '-config', 'ca.conf', '-extensions', 'v3_ca', '-subj', '/O=Istio/CN=Root CA');
  openssl(dir, 'req', '-newkey', 'rsa:4096', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.csr', '-config', 'ca.conf', '-subj', `/O=Istio/CN=${cn}`);
  openssl(dir, 'x509', '-req', '-in', 'ca.csr', '-CA', 'root-cert.pem', '-CAkey', 'root-key.pem', '-CAcreateserial', '-out', 'ca-cert.pem', '-days', '730', '-extfile', 'ca.conf', '-extensions', 'v3_ca');
  writeFileSync(join(dir, 'cert-chain.pem'), readFileSync(join(dir, 'ca-cert.pem'), 'utf8') + readFileSync(join(dir, 'root-cert.pem'), 'utf8'));
}

describe('mesh CA', () => {
  let s: TestSkiff;
  const work = mkdtempSync(join(tmpdir(), 'skiff-mesh-ca-'));
  const first = join(work, 'first');
  const second = join(work, 'second');

  before(async () => {
    s = await startMeshSkiff();
    for (const [dir, cn] of [[first, 'Intermediate CA'], [second, 'Replacement CA']] as const) {
      execFileSync('mkdir', ['-p', dir]);
      makePluginCa(dir, cn);
    }
  });
  after(async () => {
    await s?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('uses the plug-in cacerts Secret as the mesh CA and distributes its root to every mesh namespace', async () => {
    await s.kubectl.ok(['create', 'secret', 'generic', 'cacerts', '-n', 'istio-system', '--from-file=ca-cert.pem', '--from-file=ca-key.pem', '--from-file=root-cert.pem', '--from-file=cert-chain.pem'], { cwd: first });
    await s.kubectl.ok(['create', 'ns', 'bookinfo']);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: `${SEED_SMCP}---\napiVersion: maistra.io/v1\nkind: ServiceMeshMemberRoll\nmetadata: {name: default, namespace: istio-system}\nspec: {members: [bookinfo]}\n` });
    await s.kubectl.ok(['wait', '-n', 'istio-system', 'smcp/basic', '--for=condition=Ready', '--timeout=60s']);
    const root = readFileSync(join(first, 'root-cert.pem'), 'utf8');
    for (const ns of ['istio-system', 'bookinfo']) {
      const got = await waitFor(s, ['get', 'cm', '-n', ns, 'istio-ca-root-cert', '-o', 'jsonpath={.data.root-cert\\.pem}'], (o) => o !== '', `istio-ca-root-cert in ${ns}`);
      assert.equal(got, root, ns);
    }
    assert.equal(await jsonpath(s, 'cm', 'bookinfo', 'istio-ca-root-cert', '{.metadata.labels.istio\\.io/config}'), 'true');
    // With a plug-in CA the mesh makes none of its own.
    assert.equal((await s.kubectl(['get', 'secret', '-n', 'istio-system', 'istio-ca-secret'])).code, 1);
  });

  it('issues workload certificates that openssl verifies against the distributed root', async () => {
    const secret = await getJson<{ data: Record<string, string> }>(s, 'get', 'secret', '-n', 'istio-system', 'cacerts');
    const files = Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    const mesh = meshCaFromFiles(pluginFiles(files), { meshNamespace: 'istio-system', trustDomain: 'cluster.local', source: 'plug-in', secretName: 'cacerts' }, new Date());
    const cert = await issueWorkloadCertificate(mesh, { namespace: 'bookinfo', serviceAccount: 'reviews' });
    const out = join(work, 'workload');
    execFileSync('mkdir', ['-p', out]);
    writeFileSync(join(out, 'cert.pem'), cert.certPem);
    writeFileSync(join(out, 'chain.pem'), cert.certChainPem);
    writeFileSync(join(out, 'root.pem'), await jsonpath(s, 'cm', 'bookinfo', 'istio-ca-root-cert', '{.data.root-cert\\.pem}'));
    assert.equal(openssl(out, 'verify', '-CAfile', 'root.pem', '-untrusted', 'chain.pem', 'cert.pem').trim(), 'cert.pem: OK');
    assert.equal(openssl(out, 'verify', '-purpose', 'sslclient', '-CAfile', 'root.pem', '-untrusted', 'chain.pem', 'cert.pem').trim(), 'cert.pem: OK');
    const text = openssl(out, 'x509', '-in', 'cert.pem', '-noout', '-text');
    assert.match(text, /X509v3 Subject Alternative Name: critical\n\s+URI:spiffe:\/\/cluster\.local\/ns\/bookinfo\/sa\/reviews\n/);
    assert.match(text, /Public-Key: \(256 bit\)[\s\S]*NIST CURVE: P-256/);
    assert.match(text, /Issuer: O\s*=\s*Istio, CN\s*=\s*Intermediate CA/);
    assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
    assert.match(text, /TLS Web Server Authentication, TLS Web Client Authentication/);
    // 24 hours (plus the minute of backdating): valid for the next 23 h, not for the next 25 h.
    const dates = openssl(out, 'x509', '-in', 'cert.pem', '-noout', '-startdate', '-enddate');
    const [start, end] = [/notBefore=(.*)/.exec(dates)![1]!, /notAfter=(.*)/.exec(dates)![1]!].map((d) => Date.parse(d));
    assert.equal(end! - start!, 24 * 3_600_000 + 60_000);
    execFileSync('openssl', ['x509', '-in', join(out, 'cert.pem'), '-noout', '-checkend', String(23 * 3600)]);
    assert.throws(() => execFileSync('openssl', ['x509', '-in', join(out, 'cert.pem'), '-noout', '-checkend', String(25 * 3600)], { stdio: 'ignore' }));
  });

  it('re-distributes the root when cacerts is replaced', async () => {
    const replaced = await s.kubectl.ok(['create', 'secret', 'generic', 'cacerts', '-n', 'istio-system', '--from-file=ca-cert.pem', '--from-file=ca-key.pem', '--from-file=root-cert.pem', '--from-file=cert-chain.pem', '--dry-run=client', '-o', 'yaml'], { cwd: second });
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: replaced });
    const root = readFileSync(join(second, 'root-cert.pem'), 'utf8');
    await waitFor(s, ['get', 'cm', '-n', 'bookinfo', 'istio-ca-root-cert', '-o', 'jsonpath={.data.root-cert\\.pem}'], (o) => o === root, 'the new root in bookinfo');
    assert.equal(await jsonpath(s, 'cm', 'istio-system', 'istio-ca-root-cert', '{.data.root-cert\\.pem}'), root);
  });

  it('reports a broken cacerts on the control plane and keeps the last good root in the namespaces', async () => {
    const broken = await s.kubectl.ok(['create', 'secret', 'generic', 'cacerts', '-n', 'istio-system', '--from-file=ca-cert.pem', '--from-file=root-cert.pem', '--dry-run=client', '-o', 'yaml'], { cwd: first });
    await s.kubectl.ok(['replace', '-f', '-'], { stdin: broken });
    const warning = await waitFor(s, ['get', 'events', '-n', 'istio-system', '--field-selector', 'involvedObject.name=basic,reason=CAInvalid', '-o', 'jsonpath={.items[0].type}: {.items[0].message}'], (o) => o.startsWith('Warning'), 'a CAInvalid event');
    assert.equal(warning, 'Warning: mesh CA secret istio-system/cacerts: ca-key.pem is missing or empty');
    // A spec change starts a pass, which reports the CA in the conditions.
    await s.kubectl.ok(['patch', 'smcp', '-n', 'istio-system', 'basic', '--type=merge', '-p', '{"spec":{"security":{"dataPlane":{"mtls":false}}}}']);
    const message = await waitFor(s, ['get', 'smcp', '-n', 'istio-system', 'basic', '-o', 'jsonpath={.status.conditions[?(@.type=="Reconciled")].reason}: {.status.conditions[?(@.type=="Reconciled")].message}'], (o) => o.startsWith('ReconcileError'), 'a ReconcileError');
    assert.equal(message, 'ReconcileError: Error processing component istio-discovery: error: mesh CA secret istio-system/cacerts: ca-key.pem is missing or empty');
    // The namespaces keep the last good root.
    assert.equal(await jsonpath(s, 'cm', 'bookinfo', 'istio-ca-root-cert', '{.data.root-cert\\.pem}'), readFileSync(join(second, 'root-cert.pem'), 'utf8'));
  });
});
