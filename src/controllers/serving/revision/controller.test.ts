/**
 * The Revision and ServerlessService controllers against a real skiff: a hand-made Revision
 * gets its Deployment (queue-proxy beside the user container) and PodAutoscaler, both stay
 * converged (no write loop against the API server's defaulting), its pods come up behind
 * queue-proxy, and a hand-made SKS gets its Services and public Endpoints — the activators
 * in Proxy mode, the pods in Serve mode.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '../../../api/object.ts';
import type { Client } from '../../../client/types.ts';
import { EventRecorder } from '../../../runtime/events/recorder.ts';
import { silentLogger } from '../../../util/log.ts';
import { apiFor } from '../../../../test/support/api.ts';
import { waitFor } from '../../../../test/support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../../../../test/support/skiff.ts';
import { startServerlessServiceController } from '../serverlessservice/controller.ts';
import { startRevisionController } from './controller.ts';
import { httpClient } from './testing/http-client.ts';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const log = silentLogger();
type Status = { conditions?: Array<{ type: string; status: string; reason?: string }> } & Record<string, unknown>;
const cond = (o: KubeObject | undefined, type: string) => (o?.status as Status | undefined)?.conditions?.find((c) => c.type === type);

describe('revision and SKS controllers on a real skiff', { timeout: 120_000 }, () => {
  let t: TestSkiff;
  let client: Client;
  const running: Array<{ stop(): Promise<void> }> = [];
  let events: EventRecorder;

  before(async () => {
    t = await startTestSkiff();
    // Until the catalog knows queue-proxy, run its program from the source tree.
    writeFileSync(join(t.dataDir, 'images.yaml'), [
      'images:',
      '  - image: "*serving/cmd/queue*"',
      `    command: [${JSON.stringify(process.execPath)}, "--import", ${JSON.stringify(join(REPO, 'node_modules/tsx/dist/loader.mjs'))}, ${JSON.stringify(join(REPO, 'src/images/queue-proxy/main.ts'))}]`,
      '',
    ].join('\n'));
    client = httpClient(apiFor({ apiServer: t.skiff.info.apiServer, dataDir: t.dataDir }));
    events = new EventRecorder(client, { component: 'revision-test' }, log);
    running.push(await startRevisionController(client, events, log));
    running.push(await startServerlessServiceController(client, events, log));
  });

  after(async () => {
    for (const r of running.reverse()) await r.stop();
    await events?.flush();
    await t?.stop();
  });

  it('deploys a revision, converges, and routes through the SKS', async () => {
    const rev = await client.create<KubeObject>({
      apiVersion: 'serving.knative.dev/v1', kind: 'Revision',
      metadata: {
        name: 'hello-00001', namespace: 'default',
        labels: { 'serving.knative.dev/routingState': 'active' },
      },
      spec: { containers: [{ image: 'gcr.io/knative-samples/helloworld-go', env: [{ name: 'TARGET', value: 'skiff' }] }] },
    });

    const deployment = await waitFor('the deployment', () => client.get({ apiVersion: 'apps/v1', kind: 'Deployment' }, 'default', 'hello-00001-deployment'));
    const containers = ((deployment.spec as { template: { spec: { containers: Array<{ name: string }> } } }).template.spec.containers).map((c) => c.name);
    assert.deepEqual(containers, ['user-container', 'queue-proxy']);
    const pa = await waitFor('the pod autoscaler', () => client.get({ apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler' }, 'default', 'hello-00001'));
    assert.equal((pa.spec as { reachability: string }).reachability, 'Reachable');

    // Pods come up with queue-proxy ready (it probes the user container).
    await waitFor('a ready revision pod', async () => {
      const pods = await client.list({ apiVersion: 'v1', kind: 'Pod' }, { namespace: 'default', labelSelector: 'serving.knative.dev/revision=hello-00001' });
      return pods.items.some((p) => (p.status as Status | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    }, 60_000);
    const d1 = await waitFor('the deployment to be available', async () => {
      const d = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment' }, 'default', 'hello-00001-deployment');
      return ((d?.status as { availableReplicas?: number } | undefined)?.availableReplicas ?? 0) > 0 && d;
    });
    // Converged: a few passes later nobody rewrote the Deployment or the PodAutoscaler.
    const pa1 = await client.get({ apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler' }, 'default', 'hello-00001');
    const rev1 = await waitFor('the revision to see its healthy container', async () => {
      const r = await client.get(rev, 'default', 'hello-00001');
      return cond(r, 'ContainerHealthy')?.status === 'True' && ((r?.status as Status).containerStatuses as unknown[] | undefined)?.length === 1 && r;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const d2 = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment' }, 'default', 'hello-00001-deployment');
    const pa2 = await client.get({ apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler' }, 'default', 'hello-00001');
    assert.equal(d2?.metadata.resourceVersion, d1.metadata.resourceVersion);
    assert.equal(pa2?.metadata.resourceVersion, pa1?.metadata.resourceVersion);
    const revNow = await client.get(rev, 'default', 'hello-00001');
    assert.equal(revNow?.metadata.resourceVersion, rev1.metadata.resourceVersion);
    assert.equal(cond(revNow, 'ContainerHealthy')?.status, 'True');
    assert.match(String(((revNow?.status as Status).containerStatuses as Array<{ imageDigest?: string }>)[0]?.imageDigest), /helloworld-go@sha256:/);
    // No autoscaler here: the PA never becomes Ready, so the revision waits on it.
    assert.equal(cond(revNow, 'Active')?.reason, 'Deploying');

    // An activator (a selectorless Service with hand-written Endpoints) and an SKS in Proxy mode.
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'knative-serving' } }).catch(() => undefined);
    await client.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'activator-service', namespace: 'knative-serving' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8012 }] } });
    await client.create({
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'activator-service', namespace: 'knative-serving' },
      subsets: [{ addresses: [{ ip: '127.0.9.1' }, { ip: '127.0.9.2' }, { ip: '127.0.9.3' }], ports: [{ name: 'http', port: 8012, protocol: 'TCP' }] }],
    });
    await client.create({
      apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'ServerlessService',
      metadata: { name: 'hello-00001', namespace: 'default', labels: { 'serving.knative.dev/revision': 'hello-00001' } },
      spec: { mode: 'Proxy', numActivators: 2, protocolType: 'http1', objectRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello-00001-deployment' } },
    });
    const ips = (eps: KubeObject | undefined) => ((eps?.subsets ?? []) as Array<{ addresses?: Array<{ ip: string }> }>).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
    const proxied = await waitFor('activator endpoints', async () => {
      const eps = await client.get({ apiVersion: 'v1', kind: 'Endpoints' }, 'default', 'hello-00001');
      return ips(eps).length === 2 && ips(eps).every((ip) => ip.startsWith('127.0.9.')) && eps;
    });
    assert.ok(proxied);
    const sks = await waitFor('the SKS status', async () => {
      const s = await client.get({ apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'ServerlessService' }, 'default', 'hello-00001');
      return cond(s, 'Ready')?.status === 'True' && s;
    });
    assert.equal((sks.status as Status).serviceName, 'hello-00001');
    assert.equal((sks.status as Status).privateServiceName, 'hello-00001-private');
    assert.equal(cond(sks, 'ActivatorEndpointsPopulated')?.status, 'True');
    const priv = await client.get({ apiVersion: 'v1', kind: 'Service' }, 'default', 'hello-00001-private');
    assert.deepEqual((priv?.spec as { selector: Record<string, string> }).selector, { 'serving.knative.dev/revisionUID': rev.metadata.uid });

    // Serve mode: the pods' addresses, on 8012.
    const live = await client.get({ apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'ServerlessService' }, 'default', 'hello-00001');
    await client.update({ ...live!, spec: { ...(live!.spec as object), mode: 'Serve' } });
    const served = await waitFor('pod endpoints', async () => {
      const eps = await client.get({ apiVersion: 'v1', kind: 'Endpoints' }, 'default', 'hello-00001');
      return ips(eps).length > 0 && ips(eps).every((ip) => !ip.startsWith('127.0.9.')) && eps;
    });
    const ports = ((served.subsets as Array<{ ports: Array<{ name: string; port: number }> }>)[0]!.ports).map((p) => `${p.name}:${p.port}`).sort();
    // As upstream, ports are kept by number: the private Service's `http-istio` (8012) travels too.
    assert.deepEqual(ports, ['http-istio:8012', 'http:8012', 'https:8112']);
  });
});
