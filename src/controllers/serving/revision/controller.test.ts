/**
 * The Revision and ServerlessService controllers inside a real skiff (with the rest of
 * Serving's controllers, as `skiff up` runs them): a hand-made Revision gets its Deployment
 * (queue-proxy beside the user container) and PodAutoscaler, its pods come up behind the
 * real queue-proxy, and the SKS the autoscaler makes gets its Services and public Endpoints:
 * with no activator installed (no KnativeServing here), the pods themselves, on 8012.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../../api/object.ts';
import type { Client } from '../../../client/types.ts';
import { apiFor } from '../../../../test/support/api.ts';
import { httpClient } from '../../../../test/support/http-client.ts';
import { waitFor } from '../../../../test/support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../../../../test/support/skiff.ts';

type Status = { conditions?: Array<{ type: string; status: string; reason?: string }> } & Record<string, unknown>;
const cond = (o: KubeObject | undefined, type: string) => (o?.status as Status | undefined)?.conditions?.find((c) => c.type === type);

describe('revision and SKS controllers on a real skiff', { timeout: 120_000 }, () => {
  let t: TestSkiff;
  let client: Client;

  before(async () => {
    t = await startTestSkiff();
    client = httpClient(apiFor({ apiServer: t.skiff.info.apiServer, dataDir: t.dataDir }));
  });

  after(async () => {
    await t?.stop();
  });

  it('deploys a revision behind queue-proxy and routes through the SKS', async () => {
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
    const revNow = await waitFor('the revision to see its healthy container', async () => {
      const r = await client.get(rev, 'default', 'hello-00001');
      return cond(r, 'ContainerHealthy')?.status === 'True' && ((r?.status as Status).containerStatuses as unknown[] | undefined)?.length === 1 && r;
    });
    assert.match(String(((revNow.status as Status).containerStatuses as Array<{ imageDigest?: string }>)[0]?.imageDigest), /helloworld-go@sha256:/);
    const ips = (eps: KubeObject | undefined) => ((eps?.subsets ?? []) as Array<{ addresses?: Array<{ ip: string }> }>).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
    const sks = await waitFor('the SKS status', async () => {
      const s = await client.get({ apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'ServerlessService' }, 'default', 'hello-00001');
      return cond(s, 'Ready')?.status === 'True' && s;
    });
    assert.equal((sks.status as Status).serviceName, 'hello-00001');
    assert.equal((sks.status as Status).privateServiceName, 'hello-00001-private');
    const priv = await client.get({ apiVersion: 'v1', kind: 'Service' }, 'default', 'hello-00001-private');
    assert.deepEqual((priv?.spec as { selector: Record<string, string> }).selector, { 'serving.knative.dev/revisionUID': rev.metadata.uid });

    // No activators: the pods' addresses, on 8012.
    const served = await waitFor('pod endpoints', async () => {
      const eps = await client.get({ apiVersion: 'v1', kind: 'Endpoints' }, 'default', 'hello-00001');
      return ips(eps).length > 0 && eps;
    });
    const ports = ((served.subsets as Array<{ ports: Array<{ name: string; port: number }> }>)[0]!.ports).map((p) => `${p.name}:${p.port}`).sort();
    // As upstream, ports are kept by number: the private Service's `http-istio` (8012) travels too.
    assert.deepEqual(ports, ['http-istio:8012', 'http:8012', 'https:8112']);
  });
});
