/**
 * Knative traffic features end to end (issue 6 item 4), on one skiff with seed 002's setup
 * (certificates, SMCP, member roll, Gateways, KnativeServing; apps domain of the seed):
 *
 * - a ksvc with two revisions split 50/50, the second tagged `candidate`: status.traffic
 *   carries the tag URL from OpenShift's templates (`{{.Tag}}-{{.Name}}` then
 *   `{{.Name}}-{{.Namespace}}.{{.Domain}}`); requests through the router reach both
 *   revisions, the tag host only the tagged one;
 * - `latestRevision: false` pinning: a third revision takes no traffic;
 * - a cluster-local ksvc: `http://<name>.<ns>.svc.cluster.local`, no OpenShift Route, answered
 *   through knative-local-gateway to a client with a mesh certificate only, and the
 *   router does not know its host;
 * - a DomainMapping `hello.example.org` → the ksvc: Ready, an edge OpenShift Route, and
 *   plain http through the router answers; one with its own certificate (`spec.tls`) gets a
 *   passthrough Route and answers https with that certificate; a second DomainMapping of a
 *   claimed domain is refused until the holder is deleted.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { installSeedServing } from '../support/seed-002-serving.ts';
import { writeMeshClientCertificate } from '../support/mesh-client.ts';
import { waitFor } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const run = promisify(execFile);
const DOMAIN = 'apps.openshift.example.com';
const HOST = `hello-default.${DOMAIN}`;
const TAG_HOST = `candidate-hello-default.${DOMAIN}`;
const MAPPED = 'hello.example.org';
const SECURE = 'secure.example.org';
const IMAGE = 'gcr.io/knative-samples/helloworld-go';

interface Answer { code: number; stdout: string; stderr: string }

/** The ksvc at one TARGET, with the seed's passthrough and injection annotations and an optional traffic block. */
function ksvc(opts: { name: string; target: string; traffic?: string; labels?: Record<string, string> }): string {
  const labels = Object.entries(opts.labels ?? {}).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`).join('\n');
  return `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: ${opts.name}
  namespace: default
  annotations:
    serving.knative.openshift.io/enablePassthrough: "true"
${labels ? `  labels:\n${labels}\n` : ''}spec:
  template:
    metadata:
      annotations:
        sidecar.istio.io/inject: "true"
        sidecar.istio.io/rewriteAppHTTPProbers: "true"
    spec:
      containers:
      - image: ${IMAGE}
        env:
        - name: TARGET
          value: ${opts.target}
${opts.traffic ?? ''}`;
}

/**
 * The seed's knative-ingress-gateway serves HTTPS 443 only, which passthrough Routes use. An
 * edge Route (a DomainMapping without `enablePassthrough`) reaches the gateway's `http2` port
 * in plain HTTP, so the gateway also needs the HTTP server upstream Knative ships on port 80.
 */
const HTTP_GATEWAY_SERVER = JSON.stringify([{ op: 'add', path: '/spec/servers/-', value: { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] } }]);

describe('Knative traffic end to end: splits, tags, pinning, cluster-local, DomainMapping', () => {
  let s: TestSkiff;
  let certDir: string;
  let httpsPort: number;
  let httpPort: number;
  const sh = (script: string) => run('sh', ['-c', script], { cwd: certDir, env: { ...process.env, KUBECONFIG: s.skiff.info.kubeconfig } });
  const curl = async (args: string[]): Promise<Answer> => {
    try {
      const r = await run('curl', ['-sS', '--max-time', '60', ...args], { cwd: certDir });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };
  const curlHttps = (host: string) => curl(['--cacert', 'root.crt', '--resolve', `${host}:${httpsPort}:127.0.0.1`, `https://${host}:${httpsPort}`]);
  const apply = (yaml: string) => s.kubectl.ok(['apply', '-f', '-'], { stdin: yaml });
  const jsonpath = (resource: string, path: string) => s.kubectl.ok(['get', ...resource.split(' '), '-o', `jsonpath=${path}`]);
  const waitReady = (resource: string) => s.kubectl.ok(['wait', resource, '--for=condition=Ready', '--timeout=120s'], { timeoutMs: 130_000 });
  /** The answers of `n` requests to `host`, once it answers at all. */
  const answers = async (host: string, n: number): Promise<string[]> => {
    await waitFor(`${host} answering through the router`, async () => ((await curlHttps(host)).stdout.startsWith('Hello') ? true : undefined), 60_000);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push((await curlHttps(host)).stdout);
    return out;
  };

  before(async () => {
    s = await startTestSkiff({ domain: DOMAIN });
    httpsPort = s.skiff.info.ingress!.https.port;
    httpPort = s.skiff.info.ingress!.http.port;
    certDir = mkdtempSync(join(tmpdir(), 'skiff-serving-traffic-'));
    await installSeedServing(s, certDir, {
      afterGateways: () => s.kubectl.ok(['patch', '-n', 'knative-serving', 'gateway.networking.istio.io/knative-ingress-gateway', '--type', 'json', '-p', HTTP_GATEWAY_SERVER]),
    });
  });
  after(async () => {
    await s?.stop();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it('splits traffic 50/50 between two revisions, and the tag URL reaches only the tagged one', async () => {
    await apply(ksvc({ name: 'hello', target: 'v1' }));
    await waitReady('ksvc/hello');
    assert.equal(await jsonpath('ksvc hello', '{.status.latestReadyRevisionName}'), 'hello-00001');
    await apply(ksvc({
      name: 'hello', target: 'v2',
      traffic: '  traffic:\n  - revisionName: hello-00001\n    percent: 50\n  - latestRevision: true\n    percent: 50\n    tag: candidate\n',
    }));
    await waitFor('hello-00002 ready and the split in status', async () => {
      const traffic = await jsonpath('ksvc hello', '{.status.traffic}');
      const ready = await jsonpath('ksvc hello', '{.status.conditions[?(@.type=="Ready")].status}');
      return ready === 'True' && traffic.includes('hello-00002') ? true : undefined;
    }, 120_000);
    const traffic = JSON.parse(await jsonpath('ksvc hello', '{.status.traffic}')) as unknown[];
    assert.deepEqual(traffic, [
      { latestRevision: false, percent: 50, revisionName: 'hello-00001' },
      { latestRevision: true, percent: 50, revisionName: 'hello-00002', tag: 'candidate', url: `https://${TAG_HOST}` },
    ]);
    assert.equal(await jsonpath('ksvc hello', '{.status.url}'), `https://${HOST}`);

    const split = await answers(HOST, 40);
    assert.ok(split.includes('Hello v1!\n'), `v1 among ${JSON.stringify(split)}`);
    assert.ok(split.includes('Hello v2!\n'), `v2 among ${JSON.stringify(split)}`);
    assert.deepEqual(split.filter((a) => a !== 'Hello v1!\n' && a !== 'Hello v2!\n'), []);
    const tagged = await answers(TAG_HOST, 10);
    assert.deepEqual([...new Set(tagged)], ['Hello v2!\n']);
  });

  it('latestRevision: false pins traffic to a revision while a newer one is created', async () => {
    await apply(ksvc({ name: 'hello', target: 'v3', traffic: '  traffic:\n  - revisionName: hello-00001\n    percent: 100\n' }));
    await waitFor('hello-00003 ready', async () => ((await jsonpath('ksvc hello', '{.status.latestReadyRevisionName}')) === 'hello-00003' ? true : undefined), 120_000);
    await waitFor('traffic pinned to hello-00001 in status', async () => {
      const traffic = JSON.parse((await jsonpath('ksvc hello', '{.status.traffic}')) || '[]') as Array<{ revisionName?: string; percent?: number }>;
      return traffic.length === 1 && traffic[0]!.revisionName === 'hello-00001' && traffic[0]!.percent === 100 ? true : undefined;
    }, 60_000);
    // The KIngress moves once the new split is probed on the gateway; then every answer is v1's.
    await waitFor('only v1 answering', async () => {
      const batch = await answers(HOST, 10);
      return batch.every((a) => a === 'Hello v1!\n') ? true : undefined;
    }, 60_000);
    const pinned = await answers(HOST, 20);
    assert.deepEqual([...new Set(pinned)], ['Hello v1!\n']);
  });

  it('a cluster-local ksvc gets the cluster URL, no OpenShift Route, and no host on the router', async () => {
    await apply(ksvc({ name: 'private', target: 'private', labels: { 'networking.knative.dev/visibility': 'cluster-local' } }));
    await waitReady('ksvc/private');
    assert.equal(await jsonpath('ksvc private', '{.status.url}'), 'http://private.default.svc.cluster.local');
    const ingressUid = await jsonpath('ingresses.networking.internal.knative.dev private', '{.metadata.uid}');
    const routes = await s.kubectl.ok(['get', 'routes.route.openshift.io', '-A', '-l', 'serving.knative.openshift.io/ingressName=private', '-o', 'name']);
    assert.equal(routes.trim(), '', `no OpenShift Route for ingress ${ingressUid}`);
    // The router knows no such host: it answers 503 "Application is not available", as OpenShift's does.
    const external = await curl(['-o', '/dev/null', '-w', '%{http_code}', '--resolve', `private-default.${DOMAIN}:${httpPort}:127.0.0.1`, `http://private-default.${DOMAIN}:${httpPort}`]);
    assert.equal(external.stdout, '503');
    // In the mesh it answers through knative-local-gateway (the seed's: 8081, ISTIO_MUTUAL),
    // which the KIngress's cluster-local rule is bound to.
    const gateways = await jsonpath('virtualservices.networking.istio.io private-ingress', '{.spec.gateways}');
    assert.deepEqual(JSON.parse(gateways), ['knative-serving/knative-local-gateway']);
    // A client in the mesh: a workload certificate of default/sleep as istiod would issue it.
    await writeMeshClientCertificate(s, certDir, { namespace: 'default', serviceAccount: 'sleep' });
    const gatewayIP = await s.kubectl.ok(['get', 'pods', '-n', 'istio-system', '-l', 'knative=ingressgateway', '-o', 'jsonpath={.items[0].status.podIP}']);
    const local = ['--resolve', `private.default.svc.cluster.local:8081:${gatewayIP}`, 'https://private.default.svc.cluster.local:8081/'];
    // curl cannot check a SPIFFE URI SAN (no DNS name): -k; the gateway's chain is checked in mesh-gateway.test.ts.
    const inMesh = await waitFor('the cluster-local service answering a mesh client', async () => {
      const r = await curl(['-k', '--cert', 'mesh-client.crt', '--key', 'mesh-client.key', ...local]);
      return r.stdout.startsWith('Hello') ? r : undefined;
    }, 60_000);
    assert.equal(inMesh.stdout, 'Hello private!\n');
    const outside = await curl(['-k', ...local]);
    assert.notEqual(outside.code, 0, 'a client without a mesh certificate is refused');
  });

  it('a meshed pod reaches the cluster-local ksvc by its Knative host (DNS follows Knative\'s ExternalName), routed by its own sidecar', async () => {
    // A member namespace of the seed's mesh with a meshed shell pod (busybox runs the host's curl).
    await apply('apiVersion: v1\nkind: Namespace\nmetadata: {name: callers}\n');
    await s.kubectl.ok(['patch', '-n', 'istio-system', 'smmr/default', '--type', 'json', '-p', '[{"op":"add","path":"/spec/members/-","value":"callers"}]']);
    await s.kubectl.ok(['wait', 'ns/callers', '--for=jsonpath={.metadata.labels.maistra\\.io/member-of}=istio-system', '--timeout=60s']);
    await apply(`apiVersion: v1
kind: Pod
metadata:
  name: caller
  namespace: callers
  annotations: {sidecar.istio.io/inject: "true"}
spec:
  containers: [{name: shell, image: busybox, command: [sleep, '3600']}]
`);
    await s.kubectl.ok(['wait', '-n', 'callers', 'pod/caller', '--for=condition=Ready', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.match(await jsonpath('pod caller -n callers', '{.spec.containers[*].name}'), /istio-proxy/);
    let last = '';
    const answer = await waitFor('the cluster-local ksvc answering the meshed pod', async () => {
      const r = await s.kubectl(['exec', '-n', 'callers', 'caller', '-c', 'shell', '--', 'curl', '-sS', '-i', '--max-time', '10', 'http://private.default.svc.cluster.local/']);
      last = `${r.code} ${r.stdout} ${r.stderr}`;
      return r.code === 0 && /\r\n\r\nHello/.test(r.stdout) ? r.stdout.split('\r\n\r\n')[1] : undefined;
    }, 60_000).catch((err: Error) => assert.fail(`${err.message}; last answer: ${last}`));
    assert.equal(answer, 'Hello private!\n');
    // The caller's own sidecar routed it by Knative's mesh VirtualService, straight to the revision.
    const callerIP = await jsonpath('pod caller -n callers', '{.status.podIP}');
    const stats = (await curl([`http://${callerIP}:15090/stats/prometheus`])).stdout;
    const routed = stats.split('\n').find((l) => l.startsWith('istio_requests_total{') && l.includes('reporter="source"') && l.includes('response_code="200"'));
    assert.match(routed ?? stats, /destination_service="private-00001[^"]*\.default\.svc\.cluster\.local"/);
  });

  it('a DomainMapping becomes Ready and serves its domain through the router over http', async () => {
    await apply(`apiVersion: serving.knative.dev/v1beta1
kind: DomainMapping
metadata:
  name: ${MAPPED}
  namespace: default
spec:
  ref:
    name: hello
    kind: Service
    apiVersion: serving.knative.dev/v1
`);
    await waitReady(`domainmapping/${MAPPED}`);
    assert.equal(await jsonpath(`domainmapping ${MAPPED}`, '{.status.url}'), `https://${MAPPED}`);
    const conditions = JSON.parse(await jsonpath(`domainmapping ${MAPPED}`, '{.status.conditions}')) as Array<{ type: string; status: string }>;
    assert.deepEqual(conditions.map((c) => `${c.type}=${c.status}`), ['CertificateProvisioned=True', 'DomainClaimed=True', 'IngressReady=True', 'Ready=True', 'ReferenceResolved=True']);
    const table = await s.kubectl.ok(['get', 'domainmapping', MAPPED]);
    assert.match(table, new RegExp(`^NAME\\s+URL\\s+READY\\s+REASON\\n${MAPPED.replace(/\./g, '\\.')}\\s+https://${MAPPED.replace(/\./g, '\\.')}\\s+True\\s*\\n$`));
    const tls = await s.kubectl.ok(['get', 'routes.route.openshift.io', '-A', '-l', `serving.knative.openshift.io/ingressName=${MAPPED}`, '-o', 'jsonpath={.items[*].spec.tls.termination}']);
    assert.equal(tls, 'edge');
    const r = await waitFor(`${MAPPED} answering over http through the router`, async () => {
      const c = await curl(['--resolve', `${MAPPED}:${httpPort}:127.0.0.1`, `http://${MAPPED}:${httpPort}`]);
      return c.stdout === 'Hello v1!\n' ? c : undefined;
    }, 60_000);
    assert.equal(r.code, 0);
  });

  it('a DomainMapping with its own certificate gets a passthrough Route and serves https with it', async () => {
    // A certificate for the mapped domain from the seed's root CA, labelled for net-istio's secret filtering.
    await sh(`printf 'subjectAltName=DNS:${SECURE}\\n' > secure.ext && openssl req -nodes -newkey rsa:2048 -subj '/CN=${SECURE}/O=Example Inc.' -keyout secure.key -out secure.csr 2>/dev/null && ` +
      'openssl x509 -req -days 365 -set_serial 1 -CA root.crt -CAkey root.key -in secure.csr -out secure.crt -extfile secure.ext 2>/dev/null');
    await sh('kubectl create -n default secret tls secure-cert --key=secure.key --cert=secure.crt && kubectl label -n default secret secure-cert networking.internal.knative.dev/certificate-uid=secure');
    await apply(`apiVersion: serving.knative.dev/v1beta1
kind: DomainMapping
metadata:
  name: ${SECURE}
  namespace: default
spec:
  ref:
    name: hello
    kind: Service
    apiVersion: serving.knative.dev/v1
  tls:
    secretName: secure-cert
`);
    await waitReady(`domainmapping/${SECURE}`);
    assert.equal(await jsonpath(`domainmapping ${SECURE}`, '{.status.url}'), `https://${SECURE}`);
    assert.equal(await jsonpath(`domainmapping ${SECURE}`, '{.status.conditions[?(@.type=="CertificateProvisioned")].reason}'), 'CertificateExternallyProvided');
    const tls = await s.kubectl.ok(['get', 'routes.route.openshift.io', '-A', '-l', `serving.knative.openshift.io/ingressName=${SECURE}`, '-o', 'jsonpath={.items[*].spec.tls.termination}']);
    assert.equal(tls, 'passthrough');
    const r = await waitFor(`${SECURE} answering over https with its own certificate`, async () => {
      const c = await curlHttps(SECURE);
      return c.stdout === 'Hello v1!\n' ? c : undefined;
    }, 60_000);
    assert.equal(r.code, 0);
  });

  it('a second DomainMapping of the same domain in another namespace finds it claimed', async () => {
    await s.kubectl.ok(['create', 'namespace', 'other']);
    await apply(`apiVersion: serving.knative.dev/v1beta1
kind: DomainMapping
metadata:
  name: ${MAPPED}
  namespace: other
spec:
  ref:
    name: hello
    kind: Service
    apiVersion: serving.knative.dev/v1
`);
    const reason = await waitFor('DomainClaimed=False', async () => {
      const r = await s.kubectl.ok(['get', 'domainmapping', '-n', 'other', MAPPED, '-o', 'jsonpath={.status.conditions[?(@.type=="DomainClaimed")].reason}']);
      return r || undefined;
    }, 30_000);
    assert.equal(reason, 'DomainAlreadyClaimed');
  });

  it('deleting the holder removes its KIngress and OpenShift Route and passes the claim on', async () => {
    await s.kubectl.ok(['delete', 'domainmapping', '-n', 'default', MAPPED]);
    await waitFor('the KIngress and OpenShift Route of the deleted DomainMapping gone', async () => {
      const ing = await s.kubectl(['get', 'ingresses.networking.internal.knative.dev', '-n', 'default', MAPPED, '-o', 'name']);
      const routes = await s.kubectl.ok(['get', 'routes.route.openshift.io', '-A', '-l', `serving.knative.openshift.io/ingressName=${MAPPED}`, '-o', 'name']);
      return ing.code !== 0 && routes.trim() === '' ? true : undefined;
    }, 30_000);
    // The other namespace's DomainMapping now holds the domain; its ref (no ksvc hello there) is what stops it.
    await waitFor('DomainClaimed=True in the other namespace', async () => {
      const st = await s.kubectl.ok(['get', 'domainmapping', '-n', 'other', MAPPED, '-o', 'jsonpath={.status.conditions[?(@.type=="DomainClaimed")].status}']);
      return st === 'True' ? true : undefined;
    }, 30_000);
    const resolved = await s.kubectl.ok(['get', 'domainmapping', '-n', 'other', MAPPED, '-o', 'jsonpath={.status.conditions[?(@.type=="ReferenceResolved")].reason}']);
    assert.equal(resolved, 'ResolveFailed');
  });
});
