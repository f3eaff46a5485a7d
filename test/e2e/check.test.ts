/**
 * `skiff check` end to end: seed 002's control plane, certificate and Gateways applied with
 * kubectl, then the real `skiff check` executable (node bin/skiff.js) against the
 * instance's data directory — text, `-o json` and exit codes for passing meshes and for
 * each failure the seed warns about (a conflicting 443 "*" Gateway, an ingress gateway
 * exposed as NodePort, a missing credential Secret, a plain client against STRICT mTLS).
 * skiff runs as its own `skiff up` process, as a user runs it: `skiff check` finds it
 * through the data directory's lock and skiff.json.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { runSkiffProcess } from '../../src/cli/testing/run-skiff.ts';
import { type Kubectl, kubectlFor } from '../support/kubectl.ts';
import { type SkiffProcess, startSkiffProcess } from '../support/skiff-process.ts';
import { SEED_SMCP } from './mesh-controlplane-fixtures.ts';

const run = promisify(execFile);

interface JsonReport {
  success: boolean;
  categories: Array<{ categoryName: string; checks: Array<{ description: string; hint?: string; error?: string; result: string }> }>;
}

const GATEWAYS = `apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata:
  name: knative-ingress-gateway
  namespace: knative-serving
spec:
  selector:
    knative: ingressgateway
  servers:
    - port:
        number: 443
        name: https
        protocol: HTTPS
      hosts:
        - "*"
      tls:
        mode: SIMPLE
        credentialName: wildcard-certs
---
apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata:
 name: knative-local-gateway
 namespace: knative-serving
spec:
 selector:
   knative: ingressgateway
 servers:
   - port:
       number: 8081
       name: https
       protocol: HTTPS
     tls:
       mode: ISTIO_MUTUAL
     hosts:
       - "*"
`;

const MEMBER_ROLL = `apiVersion: maistra.io/v1
kind: ServiceMeshMemberRoll
metadata:
  name: default
  namespace: istio-system
spec:
  members:
    - knative-serving
    - bookinfo
`;

/** A pod running the built-in echo image, optionally as if injected, and a Service for it. */
function workload(namespace: string, name: string, injected: boolean): string {
  const annotations = injected ? `\n  annotations:\n    sidecar.istio.io/inject: "true"\n    sidecar.istio.io/status: '{"containers":["istio-proxy"]}'` : '';
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}
  labels: {app: ${name}}${annotations}
spec:
  containers:
    - name: app
      image: mccutchen/go-httpbin
      env: [{name: PORT, value: "8080"}]
      ports: [{containerPort: 8080, name: http}]
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 8000, targetPort: http}]
`;
}

/**
 * As the mesh control-plane suites do (mesh-controlplane-fixtures.ts): images.yaml runs a
 * readiness responder for istiod's and the gateways' images.
 */
function writeImageMappings(dataDir: string): void {
  const responder = join(dataDir, 'readiness-responder.mjs');
  writeFileSync(responder, [
    "import { createServer } from 'node:http';",
    "for (const port of (process.env.READY_PORTS ?? '').split(',')) createServer((_req, res) => res.end('ok')).listen(Number(port), process.env.SKIFF_POD_IP);",
    "process.on('SIGTERM', () => process.exit(0));",
    '',
  ].join('\n'));
  const run = (ports: string) => `    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(responder)}]\n    env: {READY_PORTS: "${ports}"}\n`;
  writeFileSync(join(dataDir, 'images.yaml'), [
    'images:',
    '  - image: "registry.redhat.io/openshift-service-mesh/pilot-rhel8:*"',
    run('8080'),
    '  - image: "registry.redhat.io/openshift-service-mesh/proxyv2-rhel8:*"',
    run('15021'),
  ].join('\n'));
}

const canEnforce = process.getuid?.() === 0 && spawnSync('nft', ['--version']).status === 0;

describe('skiff check', () => {
  let dataDir: string;
  let skiff: SkiffProcess | undefined;
  let certDir: string;
  const s = { kubectl: undefined as unknown as Kubectl };
  const check = (...args: string[]) => runSkiffProcess(['check', '--data-dir', dataDir, ...args], {});
  const checkJson = async (...args: string[]) => {
    const r = await check(...args, '-o', 'json');
    return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
  };
  const find = (report: JsonReport, description: RegExp) => report.categories.flatMap((c) => c.checks).find((c) => description.test(c.description));

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'skiff-check-'));
    writeImageMappings(dataDir);
    skiff = await startSkiffProcess({ dataDir, logLevel: 'warn' });
    s.kubectl = kubectlFor(skiff.info.kubeconfig);
    // Seed 002 §1.3: a root CA and a wildcard certificate signed by it, made with openssl.
    certDir = mkdtempSync(join(tmpdir(), 'skiff-check-certs-'));
    const openssl = (...args: string[]) => run('openssl', args, { cwd: certDir });
    await openssl('req', '-x509', '-sha256', '-nodes', '-days', '365', '-newkey', 'rsa:2048', '-subj', '/O=Example Inc./CN=example.com', '-keyout', 'root.key', '-out', 'root.crt');
    await openssl('req', '-nodes', '-newkey', 'rsa:2048', '-subj', '/CN=*.apps.openshift.example.com/O=Example Inc.', '-keyout', 'wildcard.key', '-out', 'wildcard.csr');
    await openssl('x509', '-req', '-days', '365', '-set_serial', '0', '-CA', 'root.crt', '-CAkey', 'root.key', '-in', 'wildcard.csr', '-out', 'wildcard.crt');

    await s.kubectl.ok(['apply', '-f', '-'], { stdin: SEED_SMCP });
    // knative-serving may exist from the start; apply makes sure of all three.
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: ['knative-serving', 'bookinfo', 'legacy'].map((n) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${n}}\n`).join('---\n') });
    await s.kubectl.ok(['wait', '-n', 'istio-system', 'smcp/basic', '--for=condition=Ready', '--timeout=90s'], { timeoutMs: 100_000 });
    await s.kubectl.ok(['create', '-n', 'istio-system', 'secret', 'tls', 'wildcard-certs', `--key=${join(certDir, 'wildcard.key')}`, `--cert=${join(certDir, 'wildcard.crt')}`]);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: GATEWAYS });
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: MEMBER_ROLL });
    await s.kubectl.ok(['wait', '-n', 'istio-system', 'smmr/default', '--for=condition=Ready', '--timeout=60s']);
    await s.kubectl.ok(['wait', 'ns/bookinfo', '--for=jsonpath={.metadata.labels.maistra\\.io/member-of}=istio-system', '--timeout=60s']);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: [workload('bookinfo', 'sleep', true), workload('bookinfo', 'httpbin', true), workload('legacy', 'curl', false)].join('---\n') });
    await s.kubectl.ok(['wait', '-n', 'bookinfo', 'pod/sleep', 'pod/httpbin', '--for=condition=Ready', '--timeout=60s']);
  });
  after(async () => {
    await skiff?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it('passes on the seed\'s mesh, in linkerd\'s text and JSON formats', async () => {
    const text = await check();
    assert.equal(text.code, 0, text.stdout + text.stderr);
    assert.match(text.stdout, /^kubernetes-api\n--------------\n√ can initialize the client\n√ can query the Kubernetes API\n\n/);
    assert.match(text.stdout, /\nmesh-control-plane\n-+\n√ a ServiceMeshControlPlane exists in the cluster\n√ ServiceMeshControlPlane istio-system\/basic is Ready\n√ ServiceMeshMemberRoll istio-system\/default is Ready with every member configured\n/);
    assert.match(text.stdout, /\n√ mesh CA of istio-system is valid and not about to expire\n/);
    assert.match(text.stdout, /\n√ Gateway knative-serving\/knative-ingress-gateway port 443: TLS credential wildcard-certs is usable\n/);
    assert.match(text.stdout, /\n√ no two Gateways claim the same port and host on one gateway workload\n/);
    assert.match(text.stdout, /\n√ sidecars of istio-system are running and ready \(2\/2\)\n/);
    assert.match(text.stdout, /\n√ proxies of istio-system run the latest configuration \((\d+)\/\1\)\n/);
    // Maistra's policies in the member namespaces are enforced by the kernel (root with nft).
    if (canEnforce) assert.match(text.stdout, /\nnetwork-policy\n-+\n√ NetworkPolicies are enforced \(\d+ policies, \d+ pods isolated\)\n/);
    assert.match(text.stdout, /\nStatus check results are √\n$/);
    assert.equal(text.stderr, '');

    const { code, report } = await checkJson();
    assert.equal(code, 0);
    assert.equal(report.success, true);
    assert.deepEqual(report.categories.map((c) => c.categoryName), ['kubernetes-api', 'mesh-control-plane', 'mesh-certificates', 'mesh-gateways', 'mesh-data-plane', 'network-policy']);
    assert.deepEqual(report.categories[0]!.checks[0], { description: 'can initialize the client', result: 'success' });

    const pre = await check('--pre');
    assert.equal(pre.code, 0, pre.stdout);
    assert.match(pre.stdout, /\npre-serverless-mesh\n-+\n√ no Gateway outside knative-serving binds port 443 with hosts "\*"\n√ istio-ingressgateway is not exposed as NodePort or LoadBalancer\n\nStatus check results are √\n$/);
  });

  it('after a VirtualService is applied, every proxy of the mesh runs it (SYNCED), as the status endpoint reports', async () => {
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: 'apiVersion: networking.istio.io/v1alpha3\nkind: VirtualService\nmetadata: {name: httpbin, namespace: bookinfo}\nspec:\n  hosts: [httpbin]\n  http: [{route: [{destination: {host: httpbin, port: {number: 8000}}}], timeout: 5s}]\n' });
    const version = BigInt(await s.kubectl.ok(['get', 'virtualservice', '-n', 'bookinfo', 'httpbin', '-o', 'jsonpath={.metadata.resourceVersion}']));
    // The data plane applies it after its debounce; skiff check itself waits a moment for that.
    const deadline = Date.now() + 30_000;
    let sync: JsonReport['categories'][number]['checks'][number] | undefined;
    for (;;) {
      const { report } = await checkJson('-n', 'istio-system');
      sync = find(report, /^proxies of istio-system run the latest configuration/);
      if (sync?.result === 'success' || Date.now() > deadline) break;
    }
    assert.deepEqual(Object.keys(sync!), ['description', 'result'], JSON.stringify(sync));
    assert.equal(sync!.result, 'success');
    const [, synced, total] = /\((\d+)\/(\d+)\)$/.exec(sync!.description)!;
    assert.equal(synced, total);
    assert.ok(Number(total) >= 3, `two sidecars and the gateways: ${sync!.description}`);

    // What skiff check compared: every proxy's applied version is at least the VirtualService's.
    const status = JSON.parse(await s.kubectl.ok(['get', '--raw', '/skiff/v1/status'])) as { mesh: { proxies: Array<{ pod: string; kind: string; mesh: string; appliedVersion: string; problems: number }> } };
    const sidecars = status.mesh.proxies.filter((p) => p.kind === 'sidecar' && p.pod.startsWith('bookinfo/')).map((p) => p.pod).sort();
    assert.deepEqual(sidecars, ['bookinfo/httpbin', 'bookinfo/sleep']);
    assert.ok(status.mesh.proxies.some((p) => p.kind === 'gateway' && p.mesh === 'istio-system'));
    for (const p of status.mesh.proxies.filter((x) => x.mesh === 'istio-system')) assert.ok(BigInt(p.appliedVersion) >= version, `${p.pod} applied ${p.appliedVersion} < ${version}`);
    await s.kubectl.ok(['delete', 'virtualservice', '-n', 'bookinfo', 'httpbin']);
  });

  it('--pre fails on a Gateway binding 443 "*" outside knative-serving, and not on one of another mesh', async () => {
    const gateway = (namespace: string) => `apiVersion: networking.istio.io/v1alpha3\nkind: Gateway\nmetadata: {name: greedy, namespace: ${namespace}}\nspec:\n  selector: {istio: ingressgateway}\n  servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: ["*"], tls: {mode: SIMPLE, credentialName: wildcard-certs}}]\n`;
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: gateway('bookinfo') });
    const text = await check('--pre');
    assert.equal(text.code, 1);
    assert.match(text.stdout, /\n× no Gateway outside knative-serving binds port 443 with hosts "\*"\n {4}Gateway bookinfo\/greedy binds port 443 with hosts \["\*"\]\n {4}hint: Only one Gateway may claim hosts "\*" on port 443 of a mesh.*kubectl edit gateway -n bookinfo greedy.*\n/);
    assert.match(text.stdout, /\nStatus check results are ×\n$/);
    assert.match(text.stderr, /^error: 1 check failed \[SKF_CHECK_FAILED\]\nhint: /);
    const { code, report, stderr } = await checkJson('--pre');
    assert.equal(code, 1);
    assert.equal(stderr, '');
    assert.equal(report.success, false);
    const failed = find(report, /binds port 443/)!;
    assert.equal(failed.result, 'error');
    assert.deepEqual(Object.keys(failed), ['description', 'hint', 'error', 'result']);
    await s.kubectl.ok(['delete', 'gateway', '-n', 'bookinfo', 'greedy']);

    // A namespace of another mesh may have its own.
    await s.kubectl.ok(['label', 'ns', 'legacy', 'maistra.io/member-of=other-mesh']);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: gateway('legacy') });
    assert.equal((await check('--pre')).code, 0);
    await s.kubectl.ok(['delete', 'gateway', '-n', 'legacy', 'greedy']);
    await s.kubectl.ok(['label', 'ns', 'legacy', 'maistra.io/member-of-']);
  });

  it('--pre fails when an istio-ingressgateway Service is exposed as NodePort', async () => {
    await s.kubectl.ok(['create', 'namespace', 'exposed']);
    await s.kubectl.ok(['create', 'service', 'nodeport', 'istio-ingressgateway', '-n', 'exposed', '--tcp=443:8443']);
    const { code, report } = await checkJson('--pre');
    assert.equal(code, 1);
    const failed = find(report, /istio-ingressgateway is not exposed/)!;
    assert.equal(failed.result, 'error');
    assert.equal(failed.error, 'Service exposed/istio-ingressgateway has type NodePort');
    assert.match(failed.hint!, /Set spec\.gateways\.ingress\.service\.type to ClusterIP/);
    await s.kubectl.ok(['delete', 'namespace', 'exposed', '--wait=false']);
  });

  it('fails on a missing credential Secret and on two Gateways claiming one port and host', async () => {
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: networking.istio.io/v1alpha3\nkind: Gateway\nmetadata: {name: shop, namespace: bookinfo}\nspec:\n  selector: {knative: ingressgateway}\n  servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: ["shop.apps.openshift.example.com"], tls: {mode: SIMPLE, credentialName: shop-certs}}]\n` });
    const text = await check();
    assert.equal(text.code, 1, text.stdout);
    assert.match(text.stdout, /\n× Gateway bookinfo\/shop port 443: TLS credential shop-certs is usable\n {4}Secret istio-system\/shop-certs does not exist\n {4}hint: Create or replace it in the gateway workload's namespace: kubectl create -n istio-system secret tls shop-certs /);
    assert.match(text.stdout, /\n× no two Gateways claim the same port and host on one gateway workload\n {4}bookinfo\/shop \(hosts shop\.apps\.openshift\.example\.com\) and knative-serving\/knative-ingress-gateway \(hosts \*\) claim port 443 on selector knative=ingressgateway\n/);
    assert.match(text.stderr, /^error: 2 checks failed \[SKF_CHECK_FAILED\]\n/);

    // With the Secret in place only the conflict remains.
    await s.kubectl.ok(['create', '-n', 'istio-system', 'secret', 'tls', 'shop-certs', `--key=${join(certDir, 'wildcard.key')}`, `--cert=${join(certDir, 'wildcard.crt')}`]);
    const { code, report } = await checkJson();
    assert.equal(code, 1);
    assert.equal(find(report, /TLS credential shop-certs/)!.result, 'success');
    assert.equal(find(report, /no two Gateways/)!.result, 'error');
    await s.kubectl.ok(['delete', 'gateway', '-n', 'bookinfo', 'shop']);
    assert.equal((await check()).code, 0);
  });

  it('--mtls tells mTLS between meshed workloads and a refused plain client under STRICT', async () => {
    const meshed = await check('--mtls', 'bookinfo/sleep', 'bookinfo/httpbin');
    assert.equal(meshed.code, 0, meshed.stdout);
    assert.match(meshed.stdout, /\nmesh-mtls\n-+\n√ bookinfo\/sleep is meshed \(mesh istio-system, sidecar injected\)\n√ bookinfo\/httpbin is meshed \(mesh istio-system, sidecar injected\)\n√ bookinfo\/sleep → bookinfo\/httpbin port 8080 \(Service httpbin port 8000\): mTLS \(server: STRICT; client: ISTIO_MUTUAL by DestinationRule istio-system\/default\)\n/);

    const plain = await checkJson('--mtls', 'legacy/curl', 'bookinfo/httpbin');
    assert.equal(plain.code, 1);
    const refused = find(plain.report, /legacy\/curl → bookinfo\/httpbin port 8080/)!;
    assert.equal(refused.result, 'error');
    assert.match(refused.description, /: refused \(server: STRICT; client: no sidecar, plain text\)$/);
    assert.match(refused.error!, /requires mTLS \(STRICT\) but the client sends plain text/);

    // A PERMISSIVE workload policy lets the plain client in (a warning: not mTLS).
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: 'apiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata: {name: httpbin, namespace: bookinfo}\nspec:\n  selector: {matchLabels: {app: httpbin}}\n  mtls: {mode: PERMISSIVE}\n' });
    const permissive = await checkJson('--mtls', 'legacy/curl', 'bookinfo/httpbin');
    assert.equal(permissive.code, 0);
    assert.equal(find(permissive.report, /legacy\/curl → bookinfo\/httpbin/)!.result, 'warning');
    assert.match(find(permissive.report, /legacy\/curl → bookinfo\/httpbin/)!.description, /: plain text \(server: PERMISSIVE;/);

    const unknown = await checkJson('--mtls', 'bookinfo/nope', 'bookinfo/httpbin');
    assert.equal(unknown.code, 1);
    assert.equal(find(unknown.report, /workload bookinfo\/nope exists/)!.result, 'error');
    const bad = await check('--mtls', 'bookinfo/sleep');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--mtls takes exactly two workloads.*\[SKF_CLI_BAD_ARGUMENT\]/);
  });

  it('reports a mesh CA that no longer validates', async () => {
    // Break the CA the control plane created: a plug-in cacerts wins over it and is incomplete.
    await s.kubectl.ok(['create', 'secret', 'generic', 'cacerts', '-n', 'istio-system', `--from-file=ca-cert.pem=${join(certDir, 'root.crt')}`]);
    const { code, report } = await checkJson('-n', 'istio-system');
    assert.equal(code, 1);
    const ca = find(report, /mesh CA of istio-system/)!;
    assert.equal(ca.result, 'error');
    assert.match(ca.error!, /mesh CA secret istio-system\/cacerts: ca-key\.pem is missing or empty/);
    await s.kubectl.ok(['delete', 'secret', 'cacerts', '-n', 'istio-system']);
  });
});
