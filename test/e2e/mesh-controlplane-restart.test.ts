/**
 * A skiff restart keeps the mesh: the same CA (its Secret is in the store), the same root in
 * the member namespaces, and the control plane and member roll back at Ready.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestSkiff } from '../support/skiff.ts';
import { SEED_SMCP, jsonpath, startMeshSkiff, waitFor } from './mesh-controlplane-fixtures.ts';

describe('the mesh across a skiff restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skiff-mesh-restart-'));
  let s: TestSkiff | undefined;
  after(async () => {
    await s?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the CA and comes back Ready', async () => {
    s = await startMeshSkiff({ dataDir });
    await s.kubectl.ok(['create', 'ns', 'bookinfo']);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: `${SEED_SMCP}---\napiVersion: maistra.io/v1\nkind: ServiceMeshMemberRoll\nmetadata: {name: default, namespace: istio-system}\nspec: {members: [bookinfo]}\n` });
    await s.kubectl.ok(['wait', '-n', 'istio-system', 'smcp/basic', '--for=condition=Ready', '--timeout=60s']);
    const root = await waitFor(s, ['get', 'cm', '-n', 'bookinfo', 'istio-ca-root-cert', '-o', 'jsonpath={.data.root-cert\\.pem}'], (o) => o !== '', 'the root in bookinfo');
    const issuer = await jsonpath(s, 'secret', 'istio-system', 'istio-ca-secret', '{.data.ca-cert\\.pem}');
    await s.stop();
    s = undefined;

    s = await startMeshSkiff({ dataDir });
    await s.kubectl.ok(['wait', '-n', 'istio-system', 'smcp/basic', '--for=condition=Ready', '--timeout=60s']);
    await s.kubectl.ok(['wait', '-n', 'istio-system', 'smmr/default', '--for=condition=Ready', '--timeout=60s']);
    assert.equal(await jsonpath(s, 'secret', 'istio-system', 'istio-ca-secret', '{.data.ca-cert\\.pem}'), issuer);
    assert.equal(await jsonpath(s, 'cm', 'bookinfo', 'istio-ca-root-cert', '{.data.root-cert\\.pem}'), root);
    // Built-in programs do not outlive skiff (their image hosts stop with it): the components'
    // pods start again, and the control plane goes back to 4/4 once they are Ready.
    await waitFor(s, ['get', 'smcp', '-n', 'istio-system'], (o) => /\nbasic\s+4\/4\s+ComponentsReady\s+\["default"\]\s+2\.5\.1\s+/.test(o), 'the control plane back at 4/4');
    assert.equal(await jsonpath(s, 'smcp', 'istio-system', 'basic', '{.status.observedGeneration}'), '1');
  });
});
