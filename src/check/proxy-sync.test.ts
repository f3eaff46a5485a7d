import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../api/object.ts';
import type { ProxySyncStatus } from '../server/mesh/proxy-sync.ts';
import { expectedProxies, latestMeshVersion, proxiesCaughtUp, proxySyncCheck } from './proxy-sync.ts';
import { injected, namespace, obj, pod, snapshotOf } from './testing/fixtures.ts';

/** A fixture pod with a pod IP and a resourceVersion, as the API lists it. */
function at(p: KubeObject, podIP: string, resourceVersion: string, phase = 'Running'): KubeObject {
  return { ...p, metadata: { ...p.metadata, resourceVersion }, status: { ...(p.status as object), phase, podIP } };
}

function gatewayPod(ns: string, name: string, podIP: string, resourceVersion: string): KubeObject {
  const p = pod(ns, name, { labels: { istio: 'ingressgateway', 'maistra-control-plane': 'istio-system' } });
  return at({ ...p, spec: { containers: [{ name: 'istio-proxy', image: 'proxyv2', args: ['proxy', 'router'] }] } }, podIP, resourceVersion);
}

const versioned = (o: KubeObject, resourceVersion: string): KubeObject => ({ ...o, metadata: { ...o.metadata, resourceVersion } });
const record = (pod: string, kind: ProxySyncStatus['kind'], appliedVersion: string, problems = 0, mesh = 'istio-system'): ProxySyncStatus => ({ pod, kind, mesh, appliedVersion, appliedAt: '2026-01-01T00:00:00.000Z', problems });

const cluster = (proxies?: ProxySyncStatus[]) => snapshotOf({
  namespaces: [namespace('istio-system', 'istio-system'), namespace('apps', 'istio-system'), namespace('other')],
  pods: [
    gatewayPod('istio-system', 'ingress', '127.244.0.2', '40'),
    at(pod('apps', 'web', { annotations: injected }), '127.244.0.3', '41'),
    at(pod('apps', 'plain'), '127.244.0.4', '42'),
    at(pod('apps', 'starting', { annotations: injected }), '', '43', 'Pending'),
    at(pod('other', 'outside', { annotations: injected }), '127.244.0.5', '90'),
  ],
  virtualServices: [versioned(obj('networking.istio.io/v1alpha3', 'VirtualService', { namespace: 'apps', name: 'web' }), '50')],
  // Not part of the mesh's configuration sources: ignored however new.
  memberRolls: [versioned(obj('maistra.io/v1', 'ServiceMeshMemberRoll', { namespace: 'istio-system', name: 'default' }), '99')],
  ...(proxies ? { proxies } : {}),
});

describe('proxySyncCheck', () => {
  it('expects a gateway per running gateway pod and a sidecar per running meshed pod of the members', () => {
    assert.deepEqual(expectedProxies(cluster(), 'istio-system'), [{ pod: 'apps/web', kind: 'sidecar' }, { pod: 'istio-system/ingress', kind: 'gateway' }]);
  });

  it('takes the latest version from the mesh\'s own namespaces and configuration kinds', () => {
    assert.equal(latestMeshVersion(cluster(), 'istio-system'), '50');
    assert.equal(latestMeshVersion(cluster(), 'other-mesh'), '0');
  });

  it('is SYNCED when every proxy applied the latest version or a newer one', () => {
    const result = proxySyncCheck(cluster([record('istio-system/ingress', 'gateway', '50'), record('apps/web', 'sidecar', '57'), record('other/outside', 'sidecar', '0', 0, '')]), 'istio-system');
    assert.deepEqual(result, { description: 'proxies of istio-system run the latest configuration (2/2)', result: 'success' });
  });

  it('is an error for a STALE proxy and for a pod the data plane never configured, with the hint to the events', () => {
    const result = proxySyncCheck(cluster([record('apps/web', 'sidecar', '49')]), 'istio-system');
    assert.equal(result.result, 'error');
    assert.equal(result.description, 'proxies of istio-system run the latest configuration (0/2)');
    assert.equal(result.error, 'STALE: apps/web (sidecar applied version 49 at 2026-01-01T00:00:00.000Z, latest 50); never configured by the data plane: istio-system/ingress (gateway)');
    assert.match(result.hint!, /GatewayConfigRejected or SidecarConfigRejected/);
  });

  it('counts a proxy compiled for another mesh as stale, and warns about synced proxies whose apply had problems', () => {
    const moved = proxySyncCheck(cluster([record('istio-system/ingress', 'gateway', '50'), record('apps/web', 'sidecar', '60', 0, '')]), 'istio-system');
    assert.equal(moved.error, 'STALE: apps/web (sidecar compiled for mesh none)');
    const problems = proxySyncCheck(cluster([record('istio-system/ingress', 'gateway', '50', 2), record('apps/web', 'sidecar', '50')]), 'istio-system');
    assert.equal(problems.result, 'warning');
    assert.equal(problems.error, 'SYNCED with problems: istio-system/ingress (gateway: 2 problems)');
  });

  it('has caught up when no mesh (by its control plane) has a stale or unconfigured proxy', () => {
    const plane = obj('maistra.io/v2', 'ServiceMeshControlPlane', { namespace: 'istio-system', name: 'basic' });
    const synced = [record('istio-system/ingress', 'gateway', '50'), record('apps/web', 'sidecar', '50')];
    assert.equal(proxiesCaughtUp({ ...cluster(synced), controlPlanes: [plane] }), true);
    assert.equal(proxiesCaughtUp({ ...cluster(synced.slice(1)), controlPlanes: [plane] }), false);
    assert.equal(proxiesCaughtUp(cluster([])), true, 'no control plane, nothing to wait for');
  });

  it('warns when skiff did not report its proxies, and passes a mesh without proxies', () => {
    assert.equal(proxySyncCheck(cluster(), 'istio-system').result, 'warning');
    assert.deepEqual(proxySyncCheck(snapshotOf({ proxies: [] }), 'istio-system'), { description: 'proxies of istio-system run the latest configuration (0/0)', result: 'success' });
  });
});
