/**
 * Sidecar injection end to end with the real kubectl: with seed 002's control plane and a
 * member roll, a Deployment whose pods ask for a sidecar in a member namespace gets
 * `istio-proxy` (the built-in proxyv2 image), the status annotation and Istio's labels; its
 * app's readiness probe is rewritten to the agent, which runs the original one, and the pod
 * becomes Ready 2/2. A pod that asks outside the mesh's members is not injected. The control
 * plane itself comes up Ready on the built-in pilot and proxyv2 images (no images.yaml).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { SEED_SMCP, getJson, waitFor } from './mesh-controlplane-fixtures.ts';

const run = promisify(execFile);

const ROLL = `apiVersion: maistra.io/v1
kind: ServiceMeshMemberRoll
metadata:
  name: default
  namespace: istio-system
spec:
  members: [mesh-app]
`;

const deployment = (namespace: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${namespace}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web, version: v1}
      annotations:
        sidecar.istio.io/inject: "true"
        sidecar.istio.io/rewriteAppHTTPProbers: "true"
    spec:
      containers:
      - name: app
        image: mccutchen/go-httpbin
        ports: [{name: http, containerPort: 8080}]
        # A period far beyond the waits below: the first try runs before the sidecar's agent
        # listens (istio-proxy starts after the app), so Ready in time proves the kubelet tries
        # an unready probe again when the pod's status changes, as the real kubelet does.
        readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 300}
`;

interface Container { name: string; image: string; env?: Array<{ name: string; value?: string }>; readinessProbe?: { httpGet?: { path: string; port: number | string } } }
interface Pod {
  metadata: { name: string; labels: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Container[]; volumes?: Array<{ name: string }> };
  status: { podIP?: string };
}

describe('sidecar injection', () => {
  let s: TestSkiff;
  const pods = async (ns: string) => (await getJson<{ items: Pod[] }>(s, 'get', 'pods', '-n', ns, '-l', 'app=web')).items;

  before(async () => {
    s = await startTestSkiff();
  });
  after(async () => {
    await s?.stop();
  });

  it('brings the control plane up on the built-in pilot and proxyv2 images', async () => {
    assert.equal(existsSync(join(s.dataDir, 'images.yaml')), false);
    await s.kubectl.ok(['create', 'namespace', 'mesh-app']);
    await s.kubectl.ok(['create', 'namespace', 'outside']);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: `${SEED_SMCP}---\n${ROLL}` });
    await s.kubectl.ok(['wait', '-n', 'istio-system', 'smcp/basic', '--for=condition=Ready', '--timeout=90s']);
    await waitFor(s, ['get', 'ns', 'mesh-app', '-o', 'jsonpath={.metadata.labels.maistra\\.io/member-of}'], (o) => o === 'istio-system', 'mesh-app to join the mesh');
    await waitFor(s, ['get', 'configmap', '-n', 'mesh-app', 'istio-ca-root-cert', '-o', 'name'], (o) => o.trim() !== '', 'the root certificate in mesh-app');
  });

  it('injects istio-proxy into a member pod that asks for it; the pod becomes Ready 2/2 through the agent', async () => {
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: deployment('mesh-app') });
    await waitFor(s, ['get', 'pods', '-n', 'mesh-app', '-l', 'app=web', '-o', 'name'], (o) => o.trim() !== '', 'the web pod');
    const [pod] = await pods('mesh-app');
    assert.deepEqual(pod!.spec.containers.map((c) => c.name), ['app', 'istio-proxy']);
    const proxy = pod!.spec.containers[1]!;
    assert.equal(proxy.image, 'registry.redhat.io/openshift-service-mesh/proxyv2-rhel8:2.5.0');
    const status = JSON.parse(pod!.metadata.annotations!['sidecar.istio.io/status']!) as Record<string, unknown>;
    assert.deepEqual([status.containers, status.revision, status.initContainers], [['istio-proxy'], 'basic', null]);
    assert.deepEqual(status.volumes, pod!.spec.volumes!.filter((v) => (status.volumes as string[]).includes(v.name)).map((v) => v.name));
    assert.equal(pod!.metadata.labels['security.istio.io/tlsMode'], 'istio');
    assert.equal(pod!.metadata.labels['service.istio.io/canonical-name'], 'web');
    assert.equal(pod!.metadata.labels['service.istio.io/canonical-revision'], 'v1');
    assert.equal(pod!.metadata.annotations!['kubectl.kubernetes.io/default-container'], 'app');
    assert.equal(pod!.metadata.annotations!['traffic.sidecar.istio.io/excludeInboundPorts'], '8444,8022,15020');
    assert.deepEqual(pod!.spec.containers[0]!.readinessProbe!.httpGet, { path: '/app-health/app/readyz', port: 15020, scheme: 'HTTP' });
    const probers = proxy.env!.find((e) => e.name === 'ISTIO_KUBE_APP_PROBERS')!.value!;
    assert.deepEqual(JSON.parse(probers), { '/app-health/app/readyz': { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, timeoutSeconds: 1 } });
    const workload = proxy.env!.find((e) => e.name === 'ISTIO_META_WORKLOAD_NAME')!.value;
    assert.equal(workload, 'web');

    await s.kubectl.ok(['wait', '-n', 'mesh-app', 'pod', '-l', 'app=web', '--for=condition=Ready', '--timeout=60s']);
    const table = await s.kubectl.ok(['get', 'pods', '-n', 'mesh-app', '-l', 'app=web']);
    assert.match(table, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n\S+\s+2\/2\s+Running\s+0\s+\S+\n$/);

    // The agent answers the kubelet's rewritten probe by running the app's original one.
    const [ready] = await pods('mesh-app');
    const ip = ready!.status.podIP!;
    const probe = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://${ip}:15020/app-health/app/readyz`]);
    assert.equal(probe.stdout, '200');
    const missing = await run('curl', ['-s', '-w', ' %{http_code}', `http://${ip}:15020/app-health/nope/readyz`]);
    assert.equal(missing.stdout, 'app prober config does not exists for /app-health/nope/readyz 400');
    const envoyReady = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://${ip}:15021/healthz/ready`]);
    assert.equal(envoyReady.stdout, '200');
    // `kubectl logs` without -c reaches the app, not the sidecar.
    const logs = await s.kubectl(['logs', '-n', 'mesh-app', ready!.metadata.name]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.doesNotMatch(logs.stdout + logs.stderr, /readiness server listening/);
  });

  it('leaves a pod outside the mesh members alone, even when it asks', async () => {
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: deployment('outside') });
    await s.kubectl.ok(['wait', '-n', 'outside', 'pod', '-l', 'app=web', '--for=condition=Ready', '--timeout=60s']);
    const [pod] = await pods('outside');
    assert.deepEqual(pod!.spec.containers.map((c) => c.name), ['app']);
    assert.equal(pod!.metadata.annotations?.['sidecar.istio.io/status'], undefined);
    assert.equal(pod!.metadata.labels['security.istio.io/tlsMode'], undefined);
    assert.match(await s.kubectl.ok(['get', 'pods', '-n', 'outside', '-l', 'app=web']), /\s1\/1\s+Running\s/);
  });

  it('does not inject a member pod that does not ask (Maistra\'s injection is opt-in)', async () => {
    await s.kubectl.ok(['run', 'plain', '-n', 'mesh-app', '--image=mccutchen/go-httpbin']);
    const pod = await getJson<Pod>(s, 'get', 'pod', '-n', 'mesh-app', 'plain');
    assert.deepEqual(pod.spec.containers.map((c) => c.name), ['plain']);
  });
});
