/**
 * Runs the real `kubectl explain` against the OpenAPI v3 documents of this folder, served by
 * a throwaway loopback server with legacy discovery, through a temporary kubeconfig and
 * cache directory.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeApiServer, type FakeApiServer } from './testing/fake-apiserver.ts';
import { configMapKind, namespaceKind, smcpKind, widgetKind } from './testdata/kinds.ts';

interface Run { code: number; stdout: string; stderr: string }

describe('kubectl explain against the generated documents', () => {
  let server: FakeApiServer;
  let dir: string;

  before(async () => {
    server = await startFakeApiServer([smcpKind, configMapKind, namespaceKind, widgetKind]);
    dir = await mkdtemp(join(tmpdir(), 'skiff-explain-'));
    await writeFile(join(dir, 'kubeconfig'), [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: fake\n  cluster:\n    server: ${server.url}`,
      'contexts:',
      '- name: fake\n  context:\n    cluster: fake\n    user: fake',
      'users:',
      '- name: fake\n  user: {}',
      'current-context: fake',
      '',
    ].join('\n'));
  });

  after(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function kubectl(...args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      execFile('kubectl', args, {
        env: { PATH: process.env['PATH'] ?? '', HOME: dir, KUBECONFIG: join(dir, 'kubeconfig'), KUBECACHEDIR: join(dir, 'cache') },
        timeout: 60_000,
      }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  it('explains a field of a custom resource found by its short name', async () => {
    const run = await kubectl('explain', 'smcp.spec.security.dataPlane.mtls');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^GROUP:\s+maistra\.io$/m);
    assert.match(run.stdout, /^KIND:\s+ServiceMeshControlPlane$/m);
    assert.match(run.stdout, /^VERSION:\s+v2$/m);
    assert.match(run.stdout, /^FIELD: mtls <boolean>$/m);
    assert.match(run.stdout, /Enable mTLS for all data plane traffic\./);
    assert.ok(server.requests.some((r) => r.startsWith('/openapi/v3/apis/maistra.io/v2?hash=')), 'kubectl fetched the document by its hashed URL');
  });

  it('explains a kind with its fields, types and enums', async () => {
    const run = await kubectl('explain', 'servicemeshcontrolplanes.spec');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^FIELD: spec <Object>$/m);
    assert.match(run.stdout, /^\s+mode\s+<string>\n\s+enum: ClusterWide, MultiTenant$/m);
    assert.match(run.stdout, /^\s+profiles\s+<\[\]string>$/m);
    assert.match(run.stdout, /^\s+techPreview\s+<Object>$/m);
  });

  it('shows metadata as ObjectMeta from the shared definition', async () => {
    const run = await kubectl('explain', 'smcp.metadata.ownerReferences');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^FIELD: ownerReferences <\[\]OwnerReference>$/m);
    assert.match(run.stdout, /^\s+uid\s+<string> -required-$/m);
  });

  it('explains compiled-in core kinds (no GROUP line) and maps', async () => {
    const run = await kubectl('explain', 'configmap.data');
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout, /^GROUP:/m);
    assert.match(run.stdout, /^KIND:\s+ConfigMap$/m);
    assert.match(run.stdout, /^FIELD: data <map\[string\]string>$/m);
    assert.match(run.stdout, /Data contains the configuration data\./);
  });

  it('explains a cluster-scoped custom resource in its preferred version and another version on request', async () => {
    const v1 = await kubectl('explain', 'widgets.spec.replicas');
    assert.equal(v1.code, 0, v1.stderr);
    assert.match(v1.stdout, /^VERSION:\s+v1$/m);
    assert.match(v1.stdout, /How many widgets to run\./);
    const beta = await kubectl('explain', 'widgets.spec.replicas', '--api-version=example.com/v1beta1');
    assert.equal(beta.code, 0, beta.stderr);
    assert.match(beta.stdout, /^VERSION:\s+v1beta1$/m);
    assert.match(beta.stdout, /Replica count \(beta\)\./);
  });

  it('satisfies kubectl\'s validator, which then leaves field validation to the server', async () => {
    const manifest = join(dir, 'smcp.yaml');
    await writeFile(manifest, 'apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nmetadata:\n  name: basic\n  namespace: istio-system\nspec:\n  notInTheSchema: true\n');
    const before = server.requests.length;
    const run = await kubectl('create', '-f', manifest, '--dry-run=client', '-o', 'name');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'servicemeshcontrolplane.maistra.io/basic');
    const fetched = server.requests.slice(before);
    assert.ok(fetched.some((r) => r.startsWith('/openapi/v3?')), 'kubectl consulted the index');
    assert.ok(!fetched.some((r) => r.startsWith('/openapi/v2')), 'no fallback to OpenAPI v2');
  });

  it('reports a field that does not exist', async () => {
    const run = await kubectl('explain', 'smcp.spec.nope');
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /field "nope" does not exist/);
  });
});
