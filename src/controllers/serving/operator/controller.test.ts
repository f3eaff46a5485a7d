/**
 * The KnativeServing operator against a real skiff: the seed's KnativeServing (Istio
 * ingress, sidecar annotations on activator and autoscaler) installs Serving's Deployments,
 * whose pods run the knative-component program (mapped in images.yaml until the catalog
 * registers it) and become Available; the CR turns Ready with its version; a key added to a
 * ConfigMap by hand survives a CR change; deleting the CR removes what it installed.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
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
import { KINDS } from '../shared/contracts.ts';
import { startKnativeServingController } from './controller.ts';
import { httpClient } from '../../../../test/support/http-client.ts';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const DOMAIN = 'apps.openshift.example.com';
const log = silentLogger();
type Status = { conditions?: Array<{ type: string; status: string; message?: string }>; version?: string };
const condition = (o: KubeObject | undefined, type: string) => (o?.status as Status | undefined)?.conditions?.find((c) => c.type === type);

const SEED_SERVING: KubeObject = {
  apiVersion: 'operator.knative.dev/v1beta1',
  kind: 'KnativeServing',
  metadata: { name: 'knative-serving', namespace: 'knative-serving' },
  spec: {
    ingress: { istio: { enabled: true } },
    deployments: [
      { name: 'activator', annotations: { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' } },
      { name: 'autoscaler', annotations: { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' } },
    ],
    config: { istio: { 'gateway.knative-serving.knative-ingress-gateway': 'istio-ingressgateway.istio-system.svc.cluster.local', 'local-gateway.knative-serving.knative-local-gateway': 'knative-local-gateway.istio-system.svc.cluster.local' } },
  },
};

describe('KnativeServing operator on a real skiff', { timeout: 180_000 }, () => {
  let t: TestSkiff;
  let client: Client;
  let events: EventRecorder;
  let running: { stop(): Promise<void> } | undefined;
  let activatorPlane: Server | undefined;

  before(async () => {
    t = await startTestSkiff({ domain: DOMAIN });
    const program = `[${JSON.stringify(process.execPath)}, "--import", ${JSON.stringify(join(REPO, 'node_modules/tsx/dist/loader.mjs'))}, ${JSON.stringify(join(REPO, 'src/images/knative-component/main.ts'))}]`;
    // Until the catalog registers knative-component; the program tells components apart by pod name.
    writeFileSync(join(t.dataDir, 'images.yaml'), ['images:', '  - image: "*knative.dev/serving/cmd/*"', `    command: ${program}`, '  - image: "*knative.dev/net-istio/cmd/*"', `    command: ${program}`, ''].join('\n'));
    client = httpClient(apiFor({ apiServer: t.skiff.info.apiServer, dataDir: t.dataDir }));
    events = new EventRecorder(client, { component: 'knative-operator-test' }, log);
  });

  after(async () => {
    await running?.stop();
    await events?.flush();
    activatorPlane?.close();
    await t?.stop();
  });

  it('installs Serving, reports Ready, keeps hand-made ConfigMap keys, and uninstalls', async () => {
    await client.create(SEED_SERVING);
    // skiff may run the operator itself (src/server/serving-controllers.ts); otherwise start it here.
    const heldBySkiff = await waitFor('skiff\'s own operator to take the CR', async () => {
      const ks = await client.get(KINDS.knativeServing, 'knative-serving', 'knative-serving');
      return (ks?.metadata.finalizers ?? []).includes('delete-knative-serving-manifest');
    }, 3_000).catch(() => false);
    if (!heldBySkiff) running = await startKnativeServingController(client, events, log, { appsDomain: DOMAIN });

    // skiff's activator data plane answers the activator pod's :8012: stand in for it if it is not running.
    const activatorPod = await waitFor('the activator pod\'s IP', async () => {
      const pods = await client.list({ apiVersion: 'v1', kind: 'Pod' }, { namespace: 'knative-serving', labelSelector: 'app=activator' });
      return pods.items.find((p) => (p.status as { podIP?: string } | undefined)?.podIP);
    }, 60_000);
    assert.equal(activatorPod.metadata.annotations?.['sidecar.istio.io/inject'], 'true');
    const podIP = (activatorPod.status as { podIP: string }).podIP;
    const standIn = createServer((req, res) => res.writeHead(req.headers['k-kubelet-probe'] === 'activator' ? 200 : 404).end());
    // Where skiff already runs its activator data plane on that address, it answers instead.
    const bound = await new Promise<boolean>((resolve) => standIn.once('error', () => resolve(false)).listen(8012, podIP, () => resolve(true)));
    if (bound) activatorPlane = standIn;

    const ready = await waitFor('the KnativeServing to be Ready', async () => {
      const ks = await client.get(KINDS.knativeServing, 'knative-serving', 'knative-serving');
      return condition(ks, 'Ready')?.status === 'True' && ks;
    }, 120_000);
    assert.equal((ready.status as Status).version, '1.15.2');

    const deployments = await t.kubectl.ok(['get', 'deploy', '-n', 'knative-serving', '-o', 'custom-columns=NAME:.metadata.name,READY:.status.readyReplicas', '--no-headers']);
    assert.deepEqual(deployments.trim().split('\n').map((l: string) => l.trim().split(/\s+/).join(' ')).sort(),
      ['activator 1', 'autoscaler 1', 'controller 1', 'net-istio-controller 1', 'net-istio-webhook 1', 'webhook 1']);
    const columns = await t.kubectl.ok(['get', 'knativeserving', '-n', 'knative-serving', '--no-headers']);
    assert.match(columns, /^knative-serving\s+1\.15\.2\s+True\s*$/m);
    const ns = await client.get({ apiVersion: 'v1', kind: 'Namespace' }, undefined, 'knative-serving');
    assert.equal(ns?.metadata.labels?.['knative.openshift.io/part-of'], 'openshift-serverless');

    // Converged: nothing is rewritten while nothing changes (no fight with the API server's defaulting).
    const versions = async () => {
      const out: string[] = [];
      for (const kind of ['Deployment', 'Service', 'ConfigMap', 'ServiceAccount']) {
        const list = await client.list({ apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1', kind }, { namespace: 'knative-serving' });
        // A Deployment's status moves on its own (its controller): its generation says whether its spec was rewritten.
        for (const o of list.items) out.push(`${kind}/${o.metadata.name}@${kind === 'Deployment' ? `g${o.metadata.generation}` : o.metadata.resourceVersion}`);
      }
      const ks = await client.get(KINDS.knativeServing, 'knative-serving', 'knative-serving');
      return [...out, `KnativeServing@${ks?.metadata.resourceVersion}`].sort();
    };
    const before = await versions();
    await new Promise((r) => setTimeout(r, 3_000));
    assert.deepEqual(await versions(), before);

    // A hand-added key stays; the CR's change is written beside it.
    await t.kubectl.ok(['patch', 'configmap', 'config-network', '-n', 'knative-serving', '--type', 'merge', '-p', '{"data":{"my-own-key":"kept"}}']);
    await t.kubectl.ok(['patch', 'knativeserving', 'knative-serving', '-n', 'knative-serving', '--type', 'merge', '-p', '{"spec":{"config":{"network":{"tag-template":"{{.Name}}-{{.Tag}}"}}}}']);
    const network = await waitFor('config-network to carry the CR\'s tag-template', async () => {
      const cm = await client.get({ apiVersion: 'v1', kind: 'ConfigMap' }, 'knative-serving', 'config-network');
      return (cm?.data as Record<string, string> | undefined)?.['tag-template'] === '{{.Name}}-{{.Tag}}' && cm;
    });
    const data = network.data as Record<string, string>;
    assert.equal(data['my-own-key'], 'kept');
    assert.equal(data['domain-template'], '{{.Name}}-{{.Namespace}}.{{.Domain}}');
    assert.equal(data['ingress-class'], 'istio.ingress.networking.knative.dev');
    const domain = await client.get({ apiVersion: 'v1', kind: 'ConfigMap' }, 'knative-serving', 'config-domain');
    assert.equal((domain?.data as Record<string, string>)[DOMAIN], '');

    await client.delete(KINDS.knativeServing, 'knative-serving', 'knative-serving');
    await waitFor('the installed Deployments to be gone', async () => {
      const left = await client.list({ apiVersion: 'apps/v1', kind: 'Deployment' }, { namespace: 'knative-serving' });
      return left.items.length === 0;
    }, 60_000);
    assert.equal(await client.get(KINDS.knativeServing, 'knative-serving', 'knative-serving'), undefined);
  });
});
