/**
 * What a real cluster's control plane creates by itself: the `kubernetes` Service in
 * `default` with its Endpoints and EndpointSlice (kube-apiserver), a `default`
 * ServiceAccount and the `kube-root-ca.crt` ConfigMap in every namespace
 * (kube-controller-manager), and the field managers each component writes as.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

describe('cluster bootstrap objects', () => {
  let s: TestSkiff;
  const json = async (args: string[]) => JSON.parse(await s.kubectl.ok([...args, '-o', 'json']));
  const waitCreated = (args: string[]) => s.kubectl.ok(['wait', '--for=create', '--timeout=30s', ...args]);

  before(async () => {
    s = await startTestSkiff();
  });
  after(async () => {
    await s?.stop();
  });

  it('serves the kubernetes Service, Endpoints and EndpointSlice pointing at the API server', async () => {
    const port = Number(new URL(s.skiff.info.apiServer).port);
    const ns = await json(['get', 'namespace', 'default', '--show-managed-fields']);
    assert.deepEqual(ns.metadata.managedFields.map((m: { manager: string }) => m.manager), ['kube-apiserver']);
    const svc = await json(['get', 'service', 'kubernetes', '-n', 'default']);
    assert.deepEqual(svc.metadata.labels, { component: 'apiserver', provider: 'kubernetes' });
    assert.equal(svc.spec.type, 'ClusterIP');
    assert.deepEqual(svc.spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }]);
    assert.match(svc.spec.clusterIP, /\.1$/);
    const ep = await json(['get', 'endpoints', 'kubernetes', '-n', 'default']);
    assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port, protocol: 'TCP' }] }]);
    const slice = await json(['get', 'endpointslice', 'kubernetes', '-n', 'default']);
    assert.equal(slice.metadata.labels['kubernetes.io/service-name'], 'kubernetes');
    assert.deepEqual(slice.endpoints, [{ addresses: ['127.0.0.1'], conditions: { ready: true } }]);
    assert.deepEqual(slice.ports, [{ name: 'https', port, protocol: 'TCP' }]);
    // Deleted, it comes back, as the API server's controller puts it back.
    const uid = ep.metadata.uid as string;
    await s.kubectl.ok(['delete', 'endpoints', 'kubernetes', '-n', 'default']);
    await waitCreated(['endpoints/kubernetes', '-n', 'default']);
    assert.notEqual((await json(['get', 'endpoints', 'kubernetes', '-n', 'default'])).metadata.uid, uid);
  });

  it('gives every namespace a default ServiceAccount and the kube-root-ca.crt ConfigMap', async () => {
    await s.kubectl.ok(['create', 'namespace', 'boot']);
    await waitCreated(['serviceaccount/default', '-n', 'boot']);
    await waitCreated(['configmap/kube-root-ca.crt', '-n', 'boot']);
    const cm = await json(['get', 'configmap', 'kube-root-ca.crt', '-n', 'boot']);
    const kubeconfig = await readFile(s.skiff.info.kubeconfig, 'utf8');
    const caData = /certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1];
    assert.ok(caData, kubeconfig);
    assert.equal(cm.data['ca.crt'], Buffer.from(caData, 'base64').toString('utf8'));
    assert.match(cm.metadata.annotations['kubernetes.io/description'], /^Contains a CA bundle/);
    const managers = (await json(['get', 'configmap', 'kube-root-ca.crt', '-n', 'boot', '--show-managed-fields'])).metadata.managedFields.map((m: { manager: string }) => m.manager);
    assert.deepEqual(managers, ['kube-controller-manager']);
    // The system namespaces have them too.
    await waitCreated(['serviceaccount/default', '-n', 'kube-system']);
    // Removed, the ServiceAccount is created again.
    await s.kubectl.ok(['delete', 'serviceaccount', 'default', '-n', 'boot']);
    await waitCreated(['serviceaccount/default', '-n', 'boot']);
  });

  it('shows the status structs Go always encodes on a fresh Service, Deployment and ReplicaSet', async () => {
    await s.kubectl.ok(['create', 'namespace', 'fresh']);
    const svc = JSON.parse(await s.kubectl.ok(['create', 'service', 'clusterip', 'web', '--tcp=80:8080', '-n', 'fresh', '-o', 'json']));
    assert.deepEqual(svc.status, { loadBalancer: {} });
    const deploy = JSON.parse(await s.kubectl.ok(['create', 'deployment', 'web', '--image=registry.example/web:1', '--dry-run=server', '-n', 'fresh', '-o', 'json']));
    assert.deepEqual(deploy.status, {});
    const rs = JSON.parse(await s.kubectl.ok(['create', '--dry-run=server', '-n', 'fresh', '-o', 'json', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'registry.example/c:1' }] } } } }),
    }));
    assert.deepEqual(rs.status, { replicas: 0 });
    // Not part of any manager's fields, as with a real API server.
    const managed = (await json(['get', 'service', 'web', '-n', 'fresh', '--show-managed-fields'])).metadata.managedFields as Array<{ fieldsV1: Record<string, unknown> }>;
    assert.ok(managed.every((m) => !('f:status' in m.fieldsV1)), JSON.stringify(managed));
  });

  it('records kube-scheduler and kube-controller-manager as the managers of what they write', async () => {
    await s.kubectl.ok(['create', 'deployment', 'web', '--image=registry.example/web:1', '-n', 'default']);
    await s.kubectl.ok(['wait', '--for=jsonpath={.status.observedGeneration}=1', '--timeout=30s', 'deployment/web', '-n', 'default']);
    const deploy = await json(['get', 'deployment', 'web', '-n', 'default', '--show-managed-fields']);
    const byManager = new Map((deploy.metadata.managedFields as Array<{ manager: string; subresource?: string }>).map((m) => [m.manager, m]));
    assert.equal(byManager.get('kube-controller-manager')?.subresource, 'status', JSON.stringify(deploy.metadata.managedFields));
    await s.kubectl.ok(['wait', '--for=condition=PodScheduled', '--timeout=30s', 'pod', '-l', 'app=web', '-n', 'default']);
    const pods = await json(['get', 'pods', '-l', 'app=web', '-n', 'default', '--show-managed-fields']);
    const podManagers = (pods.items[0].metadata.managedFields as Array<{ manager: string }>).map((m) => m.manager);
    // The binding sets spec.nodeName and PodScheduled without a managedFields entry, as upstream.
    assert.ok(podManagers.includes('kube-controller-manager'), podManagers.join());
    assert.ok(!podManagers.includes('kube-scheduler'), podManagers.join());
    // The event recorder writes asynchronously: wait until the Scheduled event is there.
    const scheduledEvents = () => json(['get', 'events', '-n', 'default', '--field-selector', `reason=Scheduled,involvedObject.name=${pods.items[0].metadata.name}`, '--show-managed-fields']);
    let scheduled = await scheduledEvents();
    for (const deadline = Date.now() + 30_000; scheduled.items.length === 0 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 100));
      scheduled = await scheduledEvents();
    }
    assert.deepEqual(scheduled.items.map((e: { metadata: { managedFields: Array<{ manager: string }> } }) => e.metadata.managedFields[0]!.manager), ['kube-scheduler']);
  });
});
