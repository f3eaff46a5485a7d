import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CA_FILES, CA_SECRET_NAME, PLUGIN_SECRET_NAME } from '../mesh/pki/index.ts';
import { createSelfSignedCaFiles } from '../mesh/pki/mesh-ca.ts';
import { createCertificateAuthority } from '../pki/certificates.ts';
import { meshCaCheck } from './mesh-ca.ts';
import { snapshotClient } from './snapshot-client.ts';
import { b64, obj, snapshotOf } from './testing/fixtures.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const secret = (name: string, files: Record<string, string>) => obj('v1', 'Secret', { namespace: 'istio-system', name }, { data: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, b64(v)])) });
const check = (secrets: ReturnType<typeof secret>[]) => meshCaCheck(snapshotClient(snapshotOf({ secrets })), 'istio-system', NOW);

describe('mesh CA check', () => {
  it('passes for the control plane\'s own CA', async () => {
    const result = await check([secret(CA_SECRET_NAME, await createSelfSignedCaFiles('cluster.local', NOW))]);
    assert.deepEqual(result, { description: 'mesh CA of istio-system is valid and not about to expire', result: 'success' });
  });

  it('fails when there is no CA, or the plug-in cacerts is broken', async () => {
    assert.match((await check([])).error!, /no mesh CA in istio-system/);
    const broken = await check([secret(CA_SECRET_NAME, await createSelfSignedCaFiles('cluster.local', NOW)), secret(PLUGIN_SECRET_NAME, { [CA_FILES.caCert]: 'x' })]);
    assert.equal(broken.result, 'error');
    assert.match(broken.error!, /mesh CA secret istio-system\/cacerts: ca-key\.pem is missing or empty/);
  });

  it('warns when the root expires within 30 days', async () => {
    const root = await createCertificateAuthority({ commonName: 'short root', notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 10 * DAY) });
    const result = await check([secret(PLUGIN_SECRET_NAME, { [CA_FILES.caCert]: root.certPem, [CA_FILES.caKey]: root.keyPem, [CA_FILES.rootCert]: root.certPem, [CA_FILES.certChain]: root.certPem })]);
    assert.equal(result.result, 'warning');
    assert.match(result.error!, /the root certificate expires at 2026-06-11.*; the issuing certificate expires at 2026-06-11.* \(within 30 days\)/);
    assert.match(result.hint!, /Replace the cacerts secret/);
  });
});
