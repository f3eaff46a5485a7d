import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MESH_SCHEMAS } from '../../../../api/mesh/schemas/index.ts';
import { schemaProblems } from '../../../../api/mesh/testing/schema-check.ts';
import type { KubeObject } from '../../../../api/object.ts';
import { appliedSpecOf } from './applied-spec.ts';
import { appliedValuesOf } from './applied-values.ts';
import { componentsOf } from './components.ts';
import { parseInjectorValues, parseMeshConfig, meshConfigMapData, injectorConfigMapData } from './mesh-config.ts';
import { meshSettingsOf } from './settings.ts';
import {
  type ControlPlaneStatus, componentProcessed, componentReadiness, controlPlaneProcessed, deploymentReady, initializeComponents, initializeReconcileStatus,
  isFullyReconciled, postReconciliation, updateReadiness,
} from './status.ts';

const NOW = new Date('2030-01-01T00:00:00Z');
const LATER = new Date('2030-01-01T00:05:00Z');
const CP = { namespace: 'istio-system', name: 'basic', uid: 'u-1', generation: 1 };

/** Seed 002's spec after the admission webhook's defaults. */
const SEED_002 = {
  version: 'v2.5',
  profiles: ['default'],
  security: { dataPlane: { mtls: true } },
  techPreview: { meshConfig: { defaultConfig: { terminationDrainDuration: '35s' } } },
  gateways: { ingress: { service: { metadata: { labels: { knative: 'ingressgateway' } } } } },
  proxy: { networking: { trafficControl: { inbound: { excludedPorts: [8444, 8022] } } } },
};

const SEED_004 = {
  version: 'v2.3',
  profiles: ['default'],
  runtime: { defaults: { container: { imagePullPolicy: 'Always' } } },
  gateways: {
    additionalEgress: {
      'egress-green-mesh': { enabled: true, requestedNetworkView: ['green-network'], routerMode: 'sni-dnat', service: { metadata: { labels: { 'federation.maistra.io/egress-for': 'egress-green-mesh' } }, ports: [{ port: 15443, name: 'tls' }, { port: 8188, name: 'http-discovery' }] } },
    },
    additionalIngress: {
      'ingress-green-mesh': { enabled: true, routerMode: 'sni-dnat', service: { type: 'LoadBalancer', metadata: { labels: { 'federation.maistra.io/ingress-for': 'ingress-green-mesh' } }, ports: [{ port: 15443, name: 'tls' }, { port: 8188, name: 'https-discovery' }] } },
      'ingress-off': { service: {} },
    },
  },
  security: { trust: { domain: 'red-mesh.local' } },
};

function applied(spec: Record<string, unknown>) {
  const r = appliedSpecOf(spec);
  assert.ok(r.ok);
  return r.appliedSpec;
}

test('the default profile is base + small with Red Hat images; the user\'s spec wins', () => {
  const spec = applied(SEED_002);
  assert.deepEqual(spec.profiles, ['default']);
  assert.equal(spec.version, 'v2.5');
  assert.deepEqual((spec.runtime as { defaults: { container: unknown } }).defaults.container, {
    resources: { requests: { cpu: '10m', memory: '128Mi' }, limits: {} }, imageRegistry: 'registry.redhat.io/openshift-service-mesh', imageTag: '2.5.0',
  });
  assert.deepEqual((spec.gateways as { ingress: unknown }).ingress, {
    enabled: true, ingress: false, service: { type: 'ClusterIP', metadata: { labels: { knative: 'ingressgateway' } } },
    runtime: { deployment: { autoScaling: { enabled: false } }, container: { resources: { requests: { cpu: '10m', memory: '128Mi' }, limits: {} } } },
  });
  assert.deepEqual((spec.proxy as { networking: { trafficControl: unknown } }).networking.trafficControl, { inbound: { excludedPorts: [8444, 8022] } });
  assert.equal((applied({ profiles: ['maistra'] }).runtime as { defaults: { container: { imageRegistry: string } } }).defaults.container.imageRegistry, 'docker.io/maistra');
  assert.deepEqual(appliedSpecOf({ profiles: ['default', 'tiny'] }), { ok: false, message: 'unknown profile "tiny": the profiles are base, default, maistra, servicemesh, small' });
});

test('the status a pass writes is valid under the SMCP v2 schema (strict)', () => {
  const appliedSpec = applied(SEED_004);
  const s = meshSettingsOf(CP, appliedSpec);
  const status: ControlPlaneStatus = { readiness: {} };
  initializeReconcileStatus(status, 1, '2.5.1', NOW);
  initializeComponents(status, ['istio-discovery', 'mesh-config', 'istio-ingress', 'istio-egress'], NOW);
  for (const c of ['istio-discovery', 'mesh-config']) componentProcessed(status, c, undefined, NOW);
  status.appliedSpec = appliedSpec;
  status.appliedValues = appliedValuesOf(s, ['default']);
  status.annotations = { alwaysReadyComponents: 'mesh-config' };
  postReconciliation(status, 'PausingInstall', 'Paused until the following components become ready: [istio-discovery]', undefined, NOW);
  updateReadiness(status, { ready: new Set(['mesh-config']), unready: new Set(['istio-discovery']) }, NOW);
  const obj = { apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane', metadata: { name: 'red-mesh', namespace: 'red-mesh-system' }, spec: SEED_004, status };
  assert.deepEqual(schemaProblems(MESH_SCHEMAS.serviceMeshControlPlane.v2, obj), []);
  assert.deepEqual(status.annotations, { alwaysReadyComponents: 'mesh-config', readyComponentCount: '1/4' });
  assert.deepEqual(status.readiness.components, { ready: ['mesh-config'], unready: ['istio-discovery'], pending: ['istio-egress', 'istio-ingress'] });
  const ready = status.conditions!.find((c) => c.type === 'Ready')!;
  assert.deepEqual([ready.status, ready.reason, ready.message], ['False', 'PausingInstall', 'Paused until the following components become ready: [istio-discovery]']);
});

test('conditions follow Maistra through install, readiness and update', () => {
  const status: ControlPlaneStatus = { readiness: {} };
  assert.deepEqual(initializeReconcileStatus(status, 1, '2.5.1', NOW), { type: 'Normal', reason: 'Installing', message: 'Installing mesh generation 1' });
  assert.deepEqual(status.conditions!.map((c) => [c.type, c.status, c.reason]), [['Installed', 'False', 'ResourceCreated'], ['Reconciled', 'False', 'ResourceCreated'], ['Ready', 'False', 'ResourceCreated']]);
  controlPlaneProcessed(status, undefined, LATER);
  postReconciliation(status, 'InstallSuccessful', 'Successfully installed version 2.5.1-1', undefined, LATER);
  status.observedGeneration = 1;
  status.operatorVersion = '2.5.1';
  status.components = [{ resource: 'istio-discovery', conditions: [] }, { resource: 'mesh-config', conditions: [] }];
  assert.deepEqual(updateReadiness(status, { ready: new Set(['mesh-config']), unready: new Set(['istio-discovery']) }, LATER), { type: 'Warning', reason: 'NotReady', message: 'The following components are not fully available: [istio-discovery]' });
  assert.ok(isFullyReconciled(status, 1, '2.5.1'));
  assert.ok(!isFullyReconciled(status, 2, '2.5.1'));
  assert.deepEqual(updateReadiness(status, { ready: new Set(['mesh-config', 'istio-discovery']), unready: new Set() }, LATER), { type: 'Normal', reason: 'Ready', message: 'All component deployments are Available' });
  assert.equal(updateReadiness(status, { ready: new Set(['mesh-config', 'istio-discovery']), unready: new Set() }, LATER), undefined, 'no second event');
  const installed = status.conditions!.find((c) => c.type === 'Installed')!;
  assert.deepEqual([installed.status, installed.reason, installed.lastTransitionTime], ['True', 'InstallSuccessful', '2030-01-01T00:05:00Z']);

  assert.deepEqual(initializeReconcileStatus(status, 2, '2.5.1', LATER).message, 'Updating mesh from generation 1 to generation 2');
  assert.equal(status.conditions!.find((c) => c.type === 'Reconciled')!.reason, 'SpecUpdated');
  assert.equal(status.conditions!.find((c) => c.type === 'Installed')!.status, 'True', 'an update leaves Installed alone');
  assert.deepEqual(initializeReconcileStatus({ readiness: {}, observedGeneration: 2, operatorVersion: '2.4.7' }, 2, '2.5.1', LATER).message, 'Updating mesh due to operator version change (2.4.7 to 2.5.1)');
  const failed: ControlPlaneStatus = { readiness: {}, conditions: [] };
  initializeReconcileStatus(failed, 1, '2.5.1', NOW);
  controlPlaneProcessed(failed, 'boom', NOW);
  assert.deepEqual(postReconciliation(failed, 'ReconcileError', 'Error processing component istio-discovery', 'boom', NOW), { type: 'Warning', reason: 'Installing', message: 'Error processing component istio-discovery: error: boom' });
  assert.equal(failed.conditions!.find((c) => c.type === 'Reconciled')!.reason, 'ReconcileError');
});

test('a component is ready when all its Deployments are: replicas ready, generation observed, Available', () => {
  const deploy = (component: string, status: Record<string, unknown>, generation = 1): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: component, generation, labels: { 'app.kubernetes.io/component': component } }, status });
  const available = { replicas: 1, readyReplicas: 1, observedGeneration: 1, conditions: [{ type: 'Available', status: 'True' }] };
  assert.ok(deploymentReady(deploy('a', available)));
  assert.ok(!deploymentReady(deploy('a', available, 2)), 'a newer generation not yet observed');
  assert.ok(!deploymentReady(deploy('a', { ...available, readyReplicas: 0 })));
  assert.ok(!deploymentReady(deploy('a', { ...available, conditions: [{ type: 'Available', status: 'False' }] })));
  const r = componentReadiness([deploy('istio-ingress', available), deploy('istio-ingress', {}), deploy('istio-discovery', available)], ['mesh-config']);
  assert.deepEqual([[...r.ready].sort(), [...r.unready]], [['istio-discovery', 'mesh-config'], ['istio-ingress']]);
});

test('the seed 004 gateways: names, labels, ports, service types, router mode; disabled entries skipped', () => {
  const s = meshSettingsOf(CP, applied(SEED_004));
  assert.deepEqual(s.gateways.map((g) => [g.name, g.component, g.serviceType]), [
    ['istio-ingressgateway', 'istio-ingress', 'ClusterIP'], ['istio-egressgateway', 'istio-egress', 'ClusterIP'],
    ['ingress-green-mesh', 'istio-ingress', 'LoadBalancer'], ['egress-green-mesh', 'istio-egress', 'ClusterIP'],
  ]);
  const green = s.gateways[2]!;
  assert.deepEqual(green.labels, { app: 'ingress-green-mesh', istio: 'ingressgateway', 'federation.maistra.io/ingress-for': 'ingress-green-mesh' });
  assert.deepEqual(green.ports, [{ name: 'tls', port: 15443, targetPort: 15443, protocol: 'TCP' }, { name: 'https-discovery', port: 8188, targetPort: 8188, protocol: 'TCP' }]);
  assert.deepEqual(s.gateways[3]!.env, { ISTIO_META_ROUTER_MODE: 'sni-dnat', ISTIO_META_REQUESTED_NETWORK_VIEW: 'green-network' });
  assert.equal(s.pilotImage, 'registry.redhat.io/openshift-service-mesh/pilot-rhel8:2.3.3');
  assert.equal(s.chartVersion, '2.3.11');
  assert.equal(s.trustDomain, 'red-mesh.local');
  assert.equal(s.imagePullPolicy, 'Always');
});

test('components: install order, NetworkPolicies only when managed, no gateways when disabled', () => {
  const names = (spec: Record<string, unknown>) => componentsOf(meshSettingsOf(CP, applied(spec))).map((g) => g.map((c) => c.name));
  assert.deepEqual(names(SEED_002), [['istio-discovery'], ['mesh-config'], ['istio-ingress', 'istio-egress']]);
  assert.deepEqual(names({ gateways: { enabled: false } }), [['istio-discovery'], ['mesh-config']]);
  assert.deepEqual(names({ gateways: { egress: { enabled: false } } }), [['istio-discovery'], ['mesh-config'], ['istio-ingress']]);
  const unmanaged = componentsOf(meshSettingsOf(CP, applied({ security: { manageNetworkPolicy: false } }))).flat().flatMap((c) => c.objects);
  assert.ok(unmanaged.every((o) => o.kind !== 'NetworkPolicy'));
  const mtlsOff = componentsOf(meshSettingsOf(CP, applied({}))).flat().find((c) => c.name === 'mesh-config')!.objects;
  assert.deepEqual(mtlsOff.map((o) => `${o.kind}/${o.metadata.name}`), ['PeerAuthentication/default', 'NetworkPolicy/istio-mesh-basic', 'NetworkPolicy/istio-expose-route-basic']);
});

test('autoDetect.timeout becomes the mesh config\'s protocolDetectionTimeout, and spec.meshConfig overrides it (as Maistra maps them)', () => {
  const withTimeout = (extra: Record<string, unknown>) => parseMeshConfig(meshConfigMapData(meshSettingsOf(CP, applied({ ...SEED_002, proxy: { networking: { protocol: { autoDetect: { inbound: true, timeout: '250ms' } } } }, ...extra }))));
  assert.equal(withTimeout({}).protocolDetectionTimeout, '250ms');
  assert.equal(withTimeout({ meshConfig: { protocolDetectionTimeout: '0s' } }).protocolDetectionTimeout, '0s');
  assert.equal(parseMeshConfig(meshConfigMapData(meshSettingsOf(CP, applied(SEED_002)))).protocolDetectionTimeout, undefined, 'unset by default');
});

test('the mesh and injector ConfigMaps carry the seed\'s settings and read back', () => {
  const s = meshSettingsOf(CP, applied(SEED_002));
  const mesh = parseMeshConfig(meshConfigMapData(s));
  assert.deepEqual(mesh.defaultConfig, { discoveryAddress: 'istiod-basic.istio-system.svc:15012', proxyMetadata: {}, tracing: {}, terminationDrainDuration: '35s' });
  assert.equal(mesh.trustDomain, 'cluster.local');
  assert.equal(mesh.rootNamespace, 'istio-system');
  const values = parseInjectorValues(injectorConfigMapData(s)) as { global: { proxy: Record<string, string> }; revision: string };
  assert.equal(values.global.proxy.excludeInboundPorts, '8444,8022');
  assert.equal(values.global.proxy.includeInboundPorts, '*');
  assert.equal(values.revision, 'basic');
});
