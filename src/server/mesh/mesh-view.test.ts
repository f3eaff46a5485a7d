/**
 * MeshView's mesh config lookups over a real API server core: the ConfigMap is the one of the
 * control plane's own revision (its SMCP's name), each version of it is parsed once, and the
 * protocol detection timeout the sidecars use comes from it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '../../client/types.ts';
import { startInProcessApi, type InProcessApi } from '../testing/in-process-api.ts';
import { silentLogger } from '../../util/log.ts';
import { MeshView } from './mesh-view.ts';

let api: InProcessApi;
let client: Client;
let view: MeshView;
let changes = 0;

const meshConfigMap = (namespace: string, revision: string, mesh: string) =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `istio-${revision}`, namespace }, data: { mesh } });

const setMesh = (mesh: string) => client.patch({ apiVersion: 'v1', kind: 'ConfigMap' }, 'prod-mesh', 'istio-production', 'merge', { data: { mesh } });

before(async () => {
  api = await startInProcessApi('mesh-view');
  client = api.client;
  for (const name of ['istio-system', 'prod-mesh']) await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  await client.create({ apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane', metadata: { name: 'production', namespace: 'prod-mesh' }, spec: {} });
  // The other revision's ConfigMap in the same namespace must not be read.
  await client.create(meshConfigMap('prod-mesh', 'basic', 'protocolDetectionTimeout: 9s\n'));
  await client.create(meshConfigMap('prod-mesh', 'production', 'protocolDetectionTimeout: 250ms\ntrustDomain: prod.local\n'));
  await client.create(meshConfigMap('istio-system', 'basic', 'protocolDetectionTimeout: 0s\n'));
  view = new MeshView(client, silentLogger(), () => undefined);
  await view.start(() => void changes++);
});

after(async () => {
  view.stop();
  await api.stop();
});

test('a mesh\'s config is its control plane\'s revision\'s ConfigMap (istio-<SMCP name>)', () => {
  assert.equal(view.meshConfig('prod-mesh')?.trustDomain, 'prod.local');
  assert.equal(view.protocolDetection('prod-mesh').timeoutMs, 250);
});

test('without a control plane in the namespace the revision is basic', () => {
  assert.equal(view.meshConfig('istio-system')?.protocolDetectionTimeout, '0s');
  assert.equal(view.protocolDetection('istio-system').timeoutMs, 0, '0s waits however long');
  assert.deepEqual(view.meshConfig('nowhere'), {}, 'no ConfigMap: Istio\'s defaults');
  assert.equal(view.protocolDetection('nowhere').timeoutMs, undefined, 'the proxies\' own default');
});

test('each version of the ConfigMap is parsed once; a new version is read again', async () => {
  const first = view.meshConfig('prod-mesh');
  assert.equal(view.meshConfig('prod-mesh'), first, 'the same parse, not a new one');
  const seen = changes;
  await setMesh('protocolDetectionTimeout: 1500ms\n');
  while (changes === seen) await new Promise((r) => setImmediate(r));
  const second = view.meshConfig('prod-mesh');
  assert.notEqual(second, first);
  assert.equal(view.protocolDetection('prod-mesh').timeoutMs, 1500);
  assert.equal(second?.trustDomain, undefined);
});

test('a value istiod would refuse leaves the proxies\' default; unparsable YAML is no config', async () => {
  for (const [mesh, expected] of [['protocolDetectionTimeout: 1500us\n', undefined], ['protocolDetectionTimeout: [\n', undefined]] as const) {
    const seen = changes;
    await setMesh(mesh);
    while (changes === seen) await new Promise((r) => setImmediate(r));
    assert.equal(view.protocolDetection('prod-mesh').timeoutMs, expected, mesh);
  }
  assert.equal(view.meshConfig('prod-mesh'), undefined, 'a ConfigMap that does not parse');
});
