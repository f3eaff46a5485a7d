import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../api/object.ts';
import type { ApiClient, ApiResponse } from '../cli/api-client.ts';
import { SkiffError } from '../errors/skiff-error.ts';
import { runChecks } from './run-checks.ts';
import { readSnapshot } from './snapshot.ts';
import { gateway, obj, snapshotOf } from './testing/fixtures.ts';

describe('runChecks', () => {
  it('--pre runs the API and preflight categories only, for istio-system by default', async () => {
    const report = await runChecks(async () => snapshotOf(), { pre: true });
    assert.deepEqual(report.categories.map((c) => c.categoryName), ['kubernetes-api', 'pre-serverless-mesh']);
    assert.equal(report.success, true);
  });

  it('health: fails without a control plane and adds mesh-mtls when asked', async () => {
    const report = await runChecks(async () => snapshotOf({ gateways: [gateway('a', 'g', { servers: [] })] }), { pre: false, mtls: [{ namespace: 'a', name: 'x' }, { namespace: 'a', name: 'y' }] });
    assert.deepEqual(report.categories.map((c) => c.categoryName), ['kubernetes-api', 'mesh-control-plane', 'mesh-gateways', 'mesh-mtls']);
    assert.equal(report.success, false);
    assert.equal(report.categories[1]!.checks[0]!.error, 'no ServiceMeshControlPlane found in the cluster');
  });

  it('turns a failed read into a failed "can query the Kubernetes API" and stops', async () => {
    const report = await runChecks(async () => { throw new SkiffError('SKF_CLI_API_UNREACHABLE', 'cannot reach the skiff API'); }, { pre: false });
    assert.deepEqual(report.categories.map((c) => c.checks.map((x) => [x.description, x.result])), [[['can initialize the client', 'success'], ['can query the Kubernetes API', 'error']]]);
    assert.match(report.categories[0]!.checks[1]!.hint!, /skiff status/);
  });
});

describe('readSnapshot', () => {
  const api = (answer: (path: string) => ApiResponse): ApiClient => ({ get: async (path) => answer(path), close: async () => undefined });

  it('lists every kind, gives items their kind, and treats an unserved kind as empty', async () => {
    const snapshot = await readSnapshot(api((path) => {
      if (path.includes('maistra.io')) return { status: 404, body: '{}' };
      if (path === '/api/v1/namespaces') return { status: 200, body: JSON.stringify({ items: [obj('', '', { name: 'default' })] }) };
      return { status: 200, body: JSON.stringify({ items: [] }) };
    }));
    assert.deepEqual(snapshot.namespaces.map((n) => [n.apiVersion, n.kind, n.metadata.name]), [['v1', 'Namespace', 'default']]);
    assert.deepEqual(snapshot.controlPlanes, []);
  });

  it('reads what the proxies applied after every list, so a proxy that applied in between counts as synced', async () => {
    const asked: string[] = [];
    const proxies = [{ pod: 'apps/web', kind: 'sidecar', mesh: 'istio-system', appliedVersion: '7', appliedAt: '2026-01-01T00:00:00.000Z', problems: 0 }];
    const snapshot = await readSnapshot(api((path) => {
      asked.push(path);
      return path === '/skiff/v1/status' ? { status: 200, body: JSON.stringify({ components: [], mesh: { proxies } }) } : { status: 200, body: JSON.stringify({ items: [] }) };
    }));
    assert.equal(asked.at(-1), '/skiff/v1/status');
    assert.equal(asked.filter((p) => p === '/skiff/v1/status').length, 1);
    assert.deepEqual(snapshot.proxies, proxies);
    assert.ok(asked.includes('/apis/networking.istio.io/v1alpha3/virtualservices') && asked.includes('/apis/discovery.k8s.io/v1/endpointslices'));
    const older = await readSnapshot(api((path) => ({ status: path === '/skiff/v1/status' ? 404 : 200, body: JSON.stringify({ items: [] }) })));
    assert.equal(older.proxies, undefined, 'a skiff without the report: the check warns instead of failing');
  });

  it('reads the report again while a proxy is behind the lists (the data plane\'s debounce), then takes it', async () => {
    const lists: Record<string, KubeObject[]> = {
      '/api/v1/namespaces': [obj('v1', 'Namespace', { name: 'apps', labels: { 'maistra.io/member-of': 'istio-system' } })],
      '/api/v1/pods': [obj('v1', 'Pod', { namespace: 'apps', name: 'web', resourceVersion: '8', annotations: { 'sidecar.istio.io/status': '{}' } }, { status: { phase: 'Running', podIP: '127.244.0.3' } })],
      '/apis/maistra.io/v2/servicemeshcontrolplanes': [obj('maistra.io/v2', 'ServiceMeshControlPlane', { namespace: 'istio-system', name: 'basic' })],
    };
    const applied = ['7', '8'];
    let reads = 0;
    const snapshot = await readSnapshot(api((path) => {
      if (path !== '/skiff/v1/status') return { status: 200, body: JSON.stringify({ items: lists[path] ?? [] }) };
      const appliedVersion = applied[Math.min(reads++, applied.length - 1)];
      return { status: 200, body: JSON.stringify({ mesh: { proxies: [{ pod: 'apps/web', kind: 'sidecar', mesh: 'istio-system', appliedVersion, appliedAt: '2026-01-01T00:00:00.000Z', problems: 0 }] } }) };
    }));
    assert.equal(reads, 2);
    assert.equal(snapshot.proxies?.[0]?.appliedVersion, '8');
  });

  it('fails on any other answer', async () => {
    await assert.rejects(readSnapshot(api(() => ({ status: 403, body: 'forbidden' }))), /answered 403: forbidden/);
  });
});
