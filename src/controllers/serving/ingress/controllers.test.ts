/**
 * The ingress controllers against a real skiff (API server, admission, garbage collector):
 * net-istio writes the VirtualServices and reports NetworkConfigured while no gateway pod can
 * be probed; a TLS ingress whose secret the filtering informer cannot see stays not Ready
 * until the secret carries the certificate-uid label; the OpenShift controller makes the
 * Route once the public load balancer is known and removes it with the ingress.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../../api/object.ts';
import type { Client } from '../../../client/types.ts';
import { EventRecorder } from '../../../runtime/events/recorder.ts';
import { silentLogger } from '../../../util/log.ts';
import { apiFor } from '../../../../test/support/api.ts';
import { waitFor } from '../../../../test/support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../../../../test/support/skiff.ts';
import { KINDS } from '../shared/contracts.ts';
import { startIstioIngressController } from './istio-controller.ts';
import { ISTIO_FINALIZER } from './istio-reconcile.ts';
import { CERTIFICATE_UID_LABEL, type KIngress } from './kingress.ts';
import { OCP_INGRESS_FINALIZER, startOpenShiftIngressController } from './openshift-controller.ts';
import { helloIngress } from './testing-fixtures.ts';
import { httpClient } from '../../../../test/support/http-client.ts';

const log = silentLogger();
type Cond = { type: string; status: string; reason?: string };
const cond = (o: KubeObject | undefined, type: string) => ((o?.status as { conditions?: Cond[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

describe('ingress controllers on a real skiff', { timeout: 120_000 }, () => {
  let t: TestSkiff;
  let client: Client;
  let events: EventRecorder;
  const running: Array<{ stop(): Promise<void> }> = [];
  const get = (name: string, namespace = 'default') => client.get<KIngress>(KINDS.ingress, namespace, name);

  before(async () => {
    t = await startTestSkiff();
    client = httpClient(apiFor({ apiServer: t.skiff.info.apiServer, dataDir: t.dataDir }));
    events = new EventRecorder(client, { component: 'ingress-test' }, log);
    for (const n of ['knative-serving', 'istio-system', 'knative-serving-ingress']) {
      if (!(await client.get(ns(n), undefined, n))) await client.create(ns(n));
    }
    await client.create({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
      spec: { selector: { istio: 'ingressgateway' }, ports: [{ name: 'http2', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }] },
    });
    running.push(await startIstioIngressController(client, events, log));
    running.push(await startOpenShiftIngressController(client, events, log));
  });

  after(async () => {
    for (const r of running.reverse()) await r.stop();
    await events?.flush();
    await t?.stop();
  });

  it('writes the VirtualServices; NetworkConfigured, load balancer waiting for gateway pods', async () => {
    await client.create(helloIngress());
    const vs = await waitFor('hello-ingress VirtualService', () => client.get(KINDS.virtualService, 'default', 'hello-ingress'));
    assert.deepEqual((vs.spec as { gateways: string[] }).gateways, ['knative-serving/knative-ingress-gateway', 'knative-serving/knative-local-gateway']);
    assert.ok(await client.get(KINDS.virtualService, 'default', 'hello-mesh'));
    const ing = await waitFor('NetworkConfigured', async () => { const i = await get('hello'); return cond(i, 'NetworkConfigured')?.status === 'True' && i; });
    assert.equal(cond(ing, 'LoadBalancerReady')?.reason, 'Uninitialized');
    assert.equal(cond(ing, 'Ready')?.status, 'Unknown');
    assert.ok(ing.metadata.finalizers?.includes(ISTIO_FINALIZER));
    // Converged: no write loop against the API server's defaulting or pruning.
    const before = (await client.get(KINDS.virtualService, 'default', 'hello-ingress'))!.metadata.resourceVersion;
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal((await client.get(KINDS.virtualService, 'default', 'hello-ingress'))!.metadata.resourceVersion, before);
    // Not Ready, so no public load balancer: no OpenShift Route yet.
    assert.deepEqual((await client.list(KINDS.openshiftRoute, { namespace: 'istio-system' })).items, []);
  });

  it('secret filtering: an unlabelled TLS secret leaves the ingress not Ready; labelled, its gateway and copy appear', async () => {
    await client.create({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'net-istio-controller', namespace: 'knative-serving' },
      spec: {
        replicas: 0, selector: { matchLabels: { app: 'net-istio-controller' } },
        template: { metadata: { labels: { app: 'net-istio-controller' } }, spec: { containers: [{ name: 'controller', image: 'net-istio-controller', env: [{ name: 'ENABLE_SECRET_INFORMER_FILTERING_BY_CERT_UID', value: 'true' }] }] } },
      },
    });
    await client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'dm-cert', namespace: 'default' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y3J0', 'tls.key': 'a2V5' } });
    const tlsIngress = helloIngress({ tls: [{ hosts: ['hello-default.apps.example.com'], secretName: 'dm-cert', secretNamespace: 'default' }] });
    tlsIngress.metadata.name = 'dm';
    await client.create(tlsIngress);
    const failed = await waitFor('ReconcileIngressFailed', async () => { const i = await get('dm'); return cond(i, 'Ready')?.reason === 'ReconcileIngressFailed' && i; });
    assert.equal(cond(failed, 'Ready')?.status, 'Unknown');
    const secret = (await client.get(KINDS.secret, 'default', 'dm-cert'))!;
    await client.update({ ...secret, metadata: { ...secret.metadata, labels: { [CERTIFICATE_UID_LABEL]: 'dm' } } });
    const gateways = await waitFor('per-ingress Gateway', async () => { const l = await client.list(KINDS.gateway, { namespace: 'default' }); return l.items.length > 0 && l.items; });
    const server = (gateways[0]!.spec as { servers: Array<{ tls: { credentialName: string } }> }).servers[0]!;
    const copy = await client.get(KINDS.secret, 'istio-system', server.tls.credentialName);
    assert.equal(copy?.metadata.labels?.[CERTIFICATE_UID_LABEL], 'dm');
    await waitFor('NetworkConfigured', async () => cond(await get('dm'), 'NetworkConfigured')?.status === 'True');
    await client.delete(KINDS.ingress, 'default', 'dm');
    await waitFor('dm gone', async () => !(await get('dm')));
    await waitFor('secret copy deleted', async () => !(await client.get(KINDS.secret, 'istio-system', server.tls.credentialName)));
  });

  it('OpenShift Route from the public load balancer, deleted with the ingress', async () => {
    // Another class: only the OpenShift controller acts on it, so the test sets the status.
    const ing = helloIngress({ annotations: { 'networking.knative.dev/ingress.class': 'kourier.ingress.networking.knative.dev', 'serving.knative.openshift.io/enablePassthrough': 'true' } });
    ing.metadata.name = 'kourier-hello';
    const created = await client.create(ing);
    await waitFor('ocp finalizer', async () => (await get('kourier-hello'))?.metadata.finalizers?.includes(OCP_INGRESS_FINALIZER));
    const live = (await get('kourier-hello'))!;
    await client.updateStatus({ ...live, status: { publicLoadBalancer: { ingress: [{ domainInternal: 'kourier.knative-serving-ingress.svc.cluster.local' }] } } });
    const routes = await waitFor('Route', async () => { const l = await client.list(KINDS.openshiftRoute, { namespace: 'knative-serving-ingress' }); return l.items.length > 0 && l.items; });
    assert.equal(routes.length, 1);
    const spec = routes[0]!.spec as { host: string; to: { name: string }; tls: { termination: string }; port: { targetPort: string } };
    assert.equal(spec.host, 'hello-default.apps.example.com');
    assert.equal(spec.to.name, 'kourier');
    assert.equal(spec.tls.termination, 'passthrough');
    assert.equal(spec.port.targetPort, 'https');
    assert.match(routes[0]!.metadata.name!, new RegExp(`^route-${created.metadata.uid}-[0-9a-f]{6}$`));
    await client.delete(KINDS.ingress, 'default', 'kourier-hello');
    await waitFor('Route deleted', async () => (await client.list(KINDS.openshiftRoute, { namespace: 'knative-serving-ingress' })).items.length === 0);
    await waitFor('ingress gone', async () => !(await get('kourier-hello')));
  });

  it('deleting the istio ingress removes its VirtualServices', async () => {
    await client.delete(KINDS.ingress, 'default', 'hello');
    await waitFor('hello gone', async () => !(await get('hello')));
    await waitFor('VirtualServices collected', async () => (await client.list(KINDS.virtualService, { namespace: 'default' })).items.length === 0);
  });
});
