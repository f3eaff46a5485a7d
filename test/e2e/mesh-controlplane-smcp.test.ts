/**
 * ServiceMeshControlPlane end to end with the real kubectl: seed 002's control plane
 * installs istiod and the gateways, reports its status as Maistra does (conditions,
 * readiness, the READY/STATUS/PROFILES/VERSION columns), follows spec changes live, puts
 * back what is deleted behind its back, and takes everything with it when deleted.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TestSkiff } from '../support/skiff.ts';
import { type Condition, type ControlPlaneStatus, type List, type Obj, SEED_SMCP, type Service, getJson, jsonpath, startMeshSkiff, waitFor } from './mesh-controlplane-fixtures.ts';

describe('ServiceMeshControlPlane', () => {
  let s: TestSkiff;
  const ns = ['-n', 'istio-system'];
  const smcpJson = () => getJson<Obj<unknown, ControlPlaneStatus>>(s, 'get', 'smcp', ...ns, 'basic');
  /** The SMCP's event reasons, oldest first, once they include `expected` (Events are written asynchronously). */
  const reasons = async (name: string, expected: string[]) => {
    const lines = (out: string) => out.split('\n').filter(Boolean);
    const args = ['get', 'events', ...ns, '--field-selector', `involvedObject.kind=ServiceMeshControlPlane,involvedObject.name=${name}`, '-o', 'jsonpath={range .items[*]}{.reason}{"\\n"}{end}'];
    return lines(await waitFor(s, args, (out) => expected.every((r) => lines(out).includes(r)), `events ${expected.join(', ')}`));
  };

  before(async () => {
    s = await startMeshSkiff();
  });
  after(async () => {
    await s?.stop();
  });

  it('installs the seed\'s control plane and reports it as Maistra does', async () => {
    assert.match(await s.kubectl.ok(['apply', '-f', '-'], { stdin: SEED_SMCP }), /servicemeshcontrolplane.maistra.io\/basic created/);
    await s.kubectl.ok(['wait', ...ns, 'smcp/basic', '--for=condition=Ready', '--timeout=60s']);
    const table = await s.kubectl.ok(['get', 'smcp', ...ns]);
    assert.match(table, /^NAME\s+READY\s+STATUS\s+PROFILES\s+VERSION\s+AGE\n/);
    assert.match(table, /\nbasic\s+4\/4\s+ComponentsReady\s+\["default"\]\s+2\.5\.1\s+\d+s\n/);
    // The CRD's IMAGE REGISTRY column reads `.registry`, a field Maistra's type does not have (it writes imageRegistry).
    assert.match(await s.kubectl.ok(['get', 'smcp', ...ns, '-o', 'wide']), /^NAME\s+READY\s+STATUS\s+PROFILES\s+VERSION\s+AGE\s+IMAGE REGISTRY\nbasic\s+4\/4\s+ComponentsReady\s+\["default"\]\s+2\.5\.1\s+\d+s\s*\n$/);

    const smcp = await smcpJson();
    const st = smcp.status;
    assert.deepEqual(smcp.metadata.finalizers, ['maistra.io/istio-operator']);
    const cond = (type: string) => st.conditions.find((c) => c.type === type)!;
    assert.deepEqual([cond('Installed').status, cond('Installed').reason, cond('Installed').message], ['True', 'InstallSuccessful', 'Successfully installed all mesh components']);
    assert.deepEqual([cond('Reconciled').status, cond('Reconciled').reason, cond('Reconciled').message], ['True', 'InstallSuccessful', 'Successfully installed version 2.5.1-1']);
    assert.deepEqual([cond('Ready').status, cond('Ready').reason, cond('Ready').message], ['True', 'ComponentsReady', 'All component deployments are Available']);
    assert.deepEqual(st.annotations, { alwaysReadyComponents: 'mesh-config', readyComponentCount: '4/4' });
    assert.deepEqual(st.readiness.components, { pending: [], ready: ['istio-discovery', 'istio-egress', 'istio-ingress', 'mesh-config'], unready: [] });
    assert.deepEqual(st.components.map((c) => c.resource), ['istio-discovery', 'mesh-config', 'istio-ingress', 'istio-egress']);
    assert.deepEqual([st.observedGeneration, st.operatorVersion, st.chartVersion], [1, '2.5.1', '2.5.1']);
    assert.deepEqual(st.appliedSpec.profiles, ['default']);
    assert.equal(st.appliedSpec.version, 'v2.5');
    assert.equal(st.appliedSpec.runtime.defaults.container.imageRegistry, 'registry.redhat.io/openshift-service-mesh');
    assert.deepEqual(st.appliedSpec.security.dataPlane, { mtls: true });
    assert.deepEqual(st.appliedValues.profiles, ['default']);
    assert.equal(st.appliedValues.istio.global.proxy.excludeInboundPorts, '8444,8022');

    // The status sequence, as the events record it: ResourceCreated → PausingInstall → installed and ready.
    const seen = await reasons('basic', ['Installing', 'CACreated', 'PausingInstall', 'Pruning', 'Installed', 'Ready']);
    assert.ok(seen.indexOf('Installing') < seen.indexOf('PausingInstall') && seen.indexOf('PausingInstall') < seen.indexOf('Installed'));
    // The mesh namespace is labelled as a member of its own mesh.
    assert.equal(await jsonpath(s, 'ns', undefined, 'istio-system', '{.metadata.labels.maistra\\.io/member-of}'), 'istio-system');
  });

  it('creates istiod and the gateways with Maistra\'s names, labels, ports and owner', async () => {
    const deploys = await getJson<List<Obj>>(s, 'get', 'deploy', ...ns, '-l', 'maistra.io/owner=istio-system');
    assert.deepEqual(deploys.items.map((d) => d.metadata.name).sort(), ['istio-egressgateway', 'istio-ingressgateway', 'istiod-basic']);
    const uid = await jsonpath(s, 'smcp', 'istio-system', 'basic', '{.metadata.uid}');
    for (const d of deploys.items) {
      assert.deepEqual(d.metadata.ownerReferences, [{ apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane', name: 'basic', uid, controller: true, blockOwnerDeletion: true }]);
      assert.equal(d.metadata.labels?.['maistra.io/owner-name'], 'basic');
      assert.equal(d.metadata.labels?.['maistra-version'], '2.5.1');
    }

    const ingress = await getJson<Service>(s, 'get', 'svc', ...ns, 'istio-ingressgateway');
    assert.equal(ingress.spec.type, 'ClusterIP');
    assert.deepEqual(ingress.spec.ports.map((p) => [p.name, p.port, p.targetPort, p.protocol]), [['status-port', 15021, 15021, 'TCP'], ['http2', 80, 8080, 'TCP'], ['https', 443, 8443, 'TCP']]);
    assert.deepEqual(ingress.spec.selector, { app: 'istio-ingressgateway', istio: 'ingressgateway', knative: 'ingressgateway' });
    for (const [k, v] of Object.entries({ app: 'istio-ingressgateway', istio: 'ingressgateway', knative: 'ingressgateway', 'app.kubernetes.io/component': 'istio-ingress' })) assert.equal(ingress.metadata.labels?.[k], v, k);
    assert.match(await s.kubectl.ok(['get', 'svc', ...ns]), /\nistio-ingressgateway\s+ClusterIP\s+127\.[\d.]+\s+<none>\s+15021\/TCP,80\/TCP,443\/TCP\s/);

    // The Gateway selectors of seed 002 (`knative: ingressgateway`) and Istio's (`istio: ingressgateway`) pick the ingress pod.
    const pods = await getJson<List<Obj<unknown, { phase: string }>>>(s, 'get', 'pods', ...ns, '-l', 'knative=ingressgateway,istio=ingressgateway,app=istio-ingressgateway');
    assert.equal(pods.items.length, 1);
    assert.equal(pods.items[0]!.status.phase, 'Running');

    const egress = await getJson<Service>(s, 'get', 'svc', ...ns, 'istio-egressgateway');
    assert.deepEqual(egress.spec.ports.map((p) => [p.name, p.port, p.targetPort]), [['http2', 80, 8080], ['https', 443, 8443]]);
    assert.deepEqual(egress.spec.selector, { app: 'istio-egressgateway', istio: 'egressgateway' });

    const istiod = await getJson<Service>(s, 'get', 'svc', ...ns, 'istiod-basic');
    assert.deepEqual(istiod.spec.ports.map((p) => [p.name, p.port, p.targetPort]), [['grpc-xds', 15010, 15010], ['https-dns', 15012, 15012], ['https-webhook', 443, 15017], ['http-monitoring', 15014, 15014], ['http-discovery', 8188, 8188]]);
    assert.deepEqual(istiod.spec.selector, { app: 'istiod', 'istio.io/rev': 'basic' });
    assert.equal(await jsonpath(s, 'route', 'istio-system', 'istio-ingressgateway', '{.spec.to.name}'), 'istio-ingressgateway');
    assert.match(await s.kubectl.ok(['get', 'netpol', ...ns]), /istio-expose-route-basic[\s\S]*istio-istiod-basic[\s\S]*istio-mesh-basic/);
  });

  it('configures the mesh: mTLS policy, the mesh and injector ConfigMaps, its CA', async () => {
    assert.equal(await jsonpath(s, 'peerauthentications.security.istio.io', 'istio-system', 'default', '{.spec.mtls.mode}'), 'STRICT');
    assert.equal(await jsonpath(s, 'dr', 'istio-system', 'default', '{.spec.trafficPolicy.tls.mode}'), 'ISTIO_MUTUAL');
    assert.equal(await jsonpath(s, 'dr', 'istio-system', 'api-server', '{.spec.host}'), 'kubernetes.default.svc.cluster.local');
    const mesh = await jsonpath(s, 'cm', 'istio-system', 'istio-basic', '{.data.mesh}');
    assert.match(mesh, /^ {2}terminationDrainDuration: 35s$/m);
    assert.match(mesh, /^trustDomain: cluster\.local$/m);
    assert.match(mesh, /^ {2}discoveryAddress: istiod-basic\.istio-system\.svc:15012$/m);
    const values = JSON.parse(await jsonpath(s, 'cm', 'istio-system', 'istio-sidecar-injector-basic', '{.data.values}'));
    assert.equal(values.global.proxy.excludeInboundPorts, '8444,8022');
    assert.equal(await jsonpath(s, 'secret', 'istio-system', 'istio-ca-secret', '{.type}'), 'istio.io/ca-root');
    const root = Buffer.from(await jsonpath(s, 'secret', 'istio-system', 'istio-ca-secret', '{.data.root-cert\\.pem}'), 'base64').toString();
    assert.equal(await jsonpath(s, 'cm', 'istio-system', 'istio-ca-root-cert', '{.data.root-cert\\.pem}'), root);
  });

  it('puts back what is deleted behind its back, and rewrites nothing that is already right', async () => {
    const versions = async () => {
      const out: Record<string, string> = {};
      for (const kind of ['deploy', 'cm', 'netpol', 'sa', 'pa', 'dr', 'route']) {
        const list = await getJson<List<Obj>>(s, 'get', kind, ...ns, '-l', 'maistra.io/owner=istio-system');
        for (const o of list.items) out[`${kind}/${o.metadata.name}`] = o.metadata.resourceVersion;
      }
      return out;
    };
    const before = await versions();
    await s.kubectl.ok(['delete', 'svc', ...ns, 'istiod-basic']);
    await waitFor(s, ['get', 'svc', ...ns, 'istiod-basic', '-o', 'name'], (o) => o.trim() === 'service/istiod-basic', 'istiod-basic to come back');
    // The pass that re-created the Service checked every other object too and found nothing to write.
    assert.deepEqual(await versions(), before);
  });

  it('follows spec changes live: SpecUpdated → PausingUpdate → UpdateSuccessful, settings in the mesh config', async () => {
    await s.kubectl.ok(['patch', 'smcp', ...ns, 'basic', '--type=merge', '-p', JSON.stringify({
      spec: {
        security: { dataPlane: { mtls: false } },
        techPreview: { meshConfig: { defaultConfig: { terminationDrainDuration: '20s' } } },
        proxy: { networking: { trafficControl: { inbound: { excludedPorts: [8444] } } } },
        gateways: { ingress: { runtime: { deployment: { replicas: 2 } } } },
      },
    })]);
    await waitFor(s, ['get', 'smcp', ...ns, 'basic', '-o', 'jsonpath={.status.observedGeneration}/{.status.conditions[?(@.type=="Ready")].reason}'], (o) => o === '2/ComponentsReady', 'generation 2 reconciled and ready');
    const st = (await smcpJson()).status;
    const reconciled = st.conditions.find((c: Condition) => c.type === 'Reconciled')!;
    assert.deepEqual([reconciled.status, reconciled.reason, reconciled.message], ['True', 'UpdateSuccessful', 'Successfully updated from version 2.5.1-1 to version 2.5.1-2']);
    await reasons('basic', ['Updating', 'PausingUpdate', 'Updated']);
    const updating = await s.kubectl.ok(['get', 'events', ...ns, '--field-selector', 'involvedObject.name=basic,reason=Updating', '-o', 'jsonpath={.items[0].message}']);
    assert.equal(updating, 'Updating mesh from generation 1 to generation 2');
    assert.equal(await jsonpath(s, 'deploy', 'istio-system', 'istio-ingressgateway', '{.status.readyReplicas}'), '2');
    assert.equal(await jsonpath(s, 'peerauthentications.security.istio.io', 'istio-system', 'default', '{.spec.mtls.mode}'), 'PERMISSIVE');
    // mTLS off: the mesh-wide DestinationRules are pruned.
    assert.equal((await s.kubectl(['get', 'dr', ...ns, 'default'])).code, 1);
    assert.match(await jsonpath(s, 'cm', 'istio-system', 'istio-basic', '{.data.mesh}'), /^ {2}terminationDrainDuration: 20s$/m);
    assert.equal(JSON.parse(await jsonpath(s, 'cm', 'istio-system', 'istio-sidecar-injector-basic', '{.data.values}')).global.proxy.excludeInboundPorts, '8444');
  });

  it('refuses a second control plane in the namespace', async () => {
    const r = await s.kubectl(['apply', '-f', '-'], { stdin: SEED_SMCP.replace('name: basic', 'name: second') });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /only one service mesh may be installed per project\/namespace/);
  });

  it('reports an unknown profile as a reconcile error', async () => {
    await s.kubectl.ok(['create', 'ns', 'bad-mesh']);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: 'apiVersion: maistra.io/v2\nkind: ServiceMeshControlPlane\nmetadata: {name: m, namespace: bad-mesh}\nspec: {profiles: [tiny]}\n' });
    const reason = await waitFor(s, ['get', 'smcp', '-n', 'bad-mesh', 'm', '-o', 'jsonpath={.status.conditions[?(@.type=="Reconciled")].reason}'], (o) => o === 'ReconcileError', 'a ReconcileError');
    assert.equal(reason, 'ReconcileError');
    assert.equal(await jsonpath(s, 'smcp', 'bad-mesh', 'm', '{.status.conditions[?(@.type=="Ready")].message}'),
      'Error rendering helm charts: error: unknown profile "tiny": the profiles are base, default, maistra, servicemesh, small');
    await s.kubectl.ok(['delete', 'ns', 'bad-mesh', '--wait=true', '--timeout=60s']);
  });

  it('takes its objects and the namespace label with it when deleted', async () => {
    await s.kubectl.ok(['delete', 'smcp', ...ns, 'basic', '--timeout=60s']);
    assert.equal((await s.kubectl(['get', 'smcp', ...ns, 'basic'])).code, 1);
    await waitFor(s, ['get', 'deploy,svc,cm,netpol', ...ns, '-l', 'maistra.io/owner=istio-system', '-o', 'name'], (o) => o.trim() === '', 'the control plane\'s objects to go');
    assert.equal(await jsonpath(s, 'ns', undefined, 'istio-system', '{.metadata.labels.maistra\\.io/member-of}'), '');
    // The CA stays (as istiod's does): a control plane created again keeps the same root.
    assert.equal(await jsonpath(s, 'secret', 'istio-system', 'istio-ca-secret', '{.type}'), 'istio.io/ca-root');
  });
});
