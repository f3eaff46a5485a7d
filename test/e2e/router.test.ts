/**
 * The OpenShift-style router against a real skiff: Routes applied with kubectl reach the
 * built-in hello-world and an `openssl s_server` pod through the router's HTTP and HTTPS
 * listeners, checked with curl and openssl s_client as a user would — plain HTTP by Host,
 * edge with the default `*.apps.example.com` certificate and with the route's own, the
 * Redirect policy, passthrough by SNI, reencrypt, OpenShift's 503 for unknown hosts, and
 * route status (Admitted, HostAlreadyClaimed) as `kubectl get route` shows it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createCertificateAuthority, issueCertificate } from '../../src/pki/certificates.ts';
import { SKIFF_BIN, runSkiffProcess, startUpProcess } from '../../src/cli/testing/run-skiff.ts';
import { pkiFiles, runProgram } from '../support/https.ts';
import { waitFor } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const NS = 'web';

/** A hello-world Deployment answering `Hello <target>!` and its Service. */
function hello(name: string, target: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: app
        image: gcr.io/knative-samples/helloworld-go
        ports: [{containerPort: 8080, name: http}]
        env: [{name: TARGET, value: ${target}}]
        readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${name}}
  ports: [{name: http, port: 80, targetPort: http}]
`;
}

function route(name: string, spec: string): string {
  return `apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: ${name}}
spec:
${spec}`;
}

/** `openssl s_server -www` on the pod's address, with a certificate from the test's own CA. */
const TLS_BACKEND = `apiVersion: v1
kind: Pod
metadata: {name: tls-backend, labels: {app: tls-backend}}
spec:
  containers:
  - name: server
    image: busybox
    command: [sh, -c]
    args: ['exec openssl s_server -www -accept "$SKIFF_LISTEN_ADDRESS:8443" -cert /certs/tls.crt -key /certs/tls.key']
    ports: [{containerPort: 8443, name: https}]
    readinessProbe: {tcpSocket: {port: 8443}, periodSeconds: 1}
    volumeMounts: [{name: certs, mountPath: /certs}]
  volumes: [{name: certs, secret: {secretName: backend-tls}}]
---
apiVersion: v1
kind: Service
metadata: {name: tls-backend}
spec:
  selector: {app: tls-backend}
  ports: [{name: https, port: 443, targetPort: https}]
`;

function indent(pem: string, spaces: number): string {
  return pem.trim().split('\n').map((l) => `${' '.repeat(spaces)}${l}`).join('\n');
}

describe('the OpenShift-style router', () => {
  let s: TestSkiff;
  let dir: string;
  let http: number;
  let https: number;
  let skiffCa: string;
  let testCa: string;
  let testCaPem: string;
  const ok = (args: string[], stdin?: string) => s.kubectl.ok(args, stdin === undefined ? {} : { stdin });
  const apply = (yaml: string, namespace = NS) => ok(['apply', '-n', namespace, '-f', '-'], yaml);
  const routeJson = async (name: string, namespace = NS) => JSON.parse(await ok(['get', 'route', name, '-n', namespace, '-o', 'json']));
  /** curl with the host resolved to the router; `-w` appends the status code. */
  const curl = async (url: string, extra: string[] = []) => {
    const { hostname, port } = new URL(url);
    const r = await runProgram('curl', ['-sS', '-m', '10', '--resolve', `${hostname}:${port}:127.0.0.1`, '-w', '\n%{http_code}', ...extra, url]);
    if (r.code !== 0) return { code: 0, body: '', error: r.stderr };
    const at = r.stdout.lastIndexOf('\n');
    return { code: Number(r.stdout.slice(at + 1)), body: r.stdout.slice(0, at), error: '' };
  };
  const served = (url: string, extra: string[] = [], want = /Hello Router!/) => waitFor(`${url} to be served`, async () => {
    const r = await curl(url, extra);
    return r.code === 200 && want.test(r.body) ? r : undefined;
  });
  const sClient = async (serverName: string) => {
    const r = await runProgram('openssl', ['s_client', '-connect', `127.0.0.1:${https}`, '-servername', serverName, '-showcerts'], 'Q\n');
    return r.stdout;
  };
  const admitted = (name: string, namespace = NS) => waitFor(`route ${name} to have status`, async () => {
    const route = await routeJson(name, namespace);
    return route.status?.ingress?.[0]?.conditions?.[0]?.status ? route : undefined;
  });

  before(async () => {
    s = await startTestSkiff();
    dir = mkdtempSync(join(tmpdir(), 'router-test-'));
    ({ http: { port: http }, https: { port: https } } = s.skiff.info.ingress!);
    skiffCa = pkiFiles(s.dataDir).caCert;
    const now = Date.now();
    const validity = { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 86_400_000) };
    const ca = await createCertificateAuthority({ commonName: 'router-test-ca', ...validity });
    testCaPem = ca.certPem;
    testCa = join(dir, 'test-ca.crt');
    writeFileSync(testCa, ca.certPem);
    const backend = await issueCertificate(ca, { commonName: 'tls-backend', dnsNames: ['pass.example.test', `tls-backend.${NS}.svc`], usages: ['serverAuth'], ...validity });
    writeFileSync(join(dir, 'backend.crt'), backend.certPem);
    writeFileSync(join(dir, 'backend.key'), backend.keyPem);
    const secure = await issueCertificate(ca, { commonName: 'secure.example.test', dnsNames: ['secure.example.test'], usages: ['serverAuth'], ...validity });
    writeFileSync(join(dir, 'secure.crt'), secure.certPem);
    writeFileSync(join(dir, 'secure.key'), secure.keyPem);

    await ok(['create', 'namespace', NS]);
    await ok(['create', 'secret', 'tls', 'backend-tls', '-n', NS, `--cert=${join(dir, 'backend.crt')}`, `--key=${join(dir, 'backend.key')}`]);
    await apply([hello('hello', 'Router'), hello('canary', 'Canary'), TLS_BACKEND].join('---\n'));
    await ok(['rollout', 'status', '-n', NS, 'deployment/hello', '--timeout=60s']);
    await ok(['rollout', 'status', '-n', NS, 'deployment/canary', '--timeout=60s']);
    await ok(['wait', '-n', NS, '--for=condition=Ready', 'pod/tls-backend', '--timeout=60s']);
  });
  after(async () => {
    await s?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('routes plain HTTP by Host and reports the route Admitted as OpenShift does', async () => {
    await apply(`apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: hello}
spec:
  host: hello.example.test
  to: {kind: Service, name: hello}
  port: {targetPort: http}
`);
    const r = await served(`http://hello.example.test:${http}/`);
    assert.equal(r.body.trim(), 'Hello Router!');
    const route = await admitted('hello');
    const ingress = route.status.ingress[0];
    assert.equal(ingress.host, 'hello.example.test');
    assert.equal(ingress.routerName, 'default');
    assert.equal(ingress.wildcardPolicy, 'None');
    assert.equal(ingress.routerCanonicalHostname, 'router-default.apps.example.com');
    assert.equal(ingress.conditions[0].type, 'Admitted');
    assert.equal(ingress.conditions[0].status, 'True');
    assert.match(await ok(['get', 'route', 'hello', '-n', NS]), /^NAME\s+HOST\/PORT\s+PATH\s+SERVICES\s+PORT\s+TERMINATION\s+WILDCARD\nhello\s+hello\.example\.test\s+hello\s+http\s+None\n$/);
    // The HTTP route is not served on the HTTPS listener.
    assert.equal((await curl(`https://hello.example.test:${https}/`, ['-k'])).code, 503);
  });

  it('answers an unknown host with the 503 page, over HTTP and over TLS with the default certificate', async () => {
    const plain = await curl(`http://nowhere.example.test:${http}/`);
    assert.equal(plain.code, 503);
    assert.match(plain.body, /Application is not available/);
    const secure = await curl(`https://nowhere.example.test:${https}/`, ['-k']);
    assert.equal(secure.code, 503);
    assert.match(await sClient('nowhere.example.test'), /subject=CN ?= ?\*\.apps\.example\.com/);
  });

  it('generates the host of a route without one and terminates edge TLS with the default wildcard certificate', async () => {
    await apply(`apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: gen}
spec:
  to: {kind: Service, name: hello}
  tls: {termination: edge}
`);
    const route = await admitted('gen');
    // The API server writes the generated host into the Route, as openshift-apiserver does.
    assert.equal(route.spec.host, `gen-${NS}.apps.example.com`);
    assert.equal(route.status.ingress[0].host, `gen-${NS}.apps.example.com`);
    const r = await served(`https://gen-${NS}.apps.example.com:${https}/`, ['--cacert', skiffCa]);
    assert.equal(r.body.trim(), 'Hello Router!');
    const hello = await sClient(`gen-${NS}.apps.example.com`);
    assert.match(hello, /subject=CN ?= ?\*\.apps\.example\.com/);
    assert.match(hello, /issuer=CN ?= ?skiff-ca/);
    // insecureEdgeTerminationPolicy unset (None): not served over HTTP.
    assert.equal((await curl(`http://gen-${NS}.apps.example.com:${http}/`)).code, 503);
    assert.match(await ok(['get', 'route', 'gen', '-n', NS]), new RegExp(`gen\\s+gen-${NS}\\.apps\\.example\\.com\\s+hello\\s+<all>\\s+edge\\s+None`));
  });

  it('serves an edge route with its own certificate and redirects HTTP to HTTPS', async () => {
    await apply(`apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: secure}
spec:
  host: secure.example.test
  to: {kind: Service, name: hello}
  tls:
    termination: edge
    insecureEdgeTerminationPolicy: Redirect
    certificate: |
${indent(readFileSync(join(dir, 'secure.crt'), 'utf8'), 6)}
    key: |
${indent(readFileSync(join(dir, 'secure.key'), 'utf8'), 6)}
    caCertificate: |
${indent(testCaPem, 6)}
`);
    const r = await served(`https://secure.example.test:${https}/`, ['--cacert', testCa]);
    assert.equal(r.body.trim(), 'Hello Router!');
    assert.match(await sClient('secure.example.test'), /subject=CN ?= ?secure\.example\.test/);
    const redirect = await runProgram('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', '--resolve', `secure.example.test:${http}:127.0.0.1`, `http://secure.example.test:${http}/some/path?x=1`]);
    assert.equal(redirect.stdout, `302 https://secure.example.test:${https}/some/path?x=1`);
    // curl follows the redirect to the HTTPS listener.
    const followed = await curl(`http://secure.example.test:${http}/`, ['-L', '--cacert', testCa, '--resolve', `secure.example.test:${https}:127.0.0.1`]);
    assert.equal(followed.body.trim(), 'Hello Router!');
    assert.match(await ok(['get', 'route', 'secure', '-n', NS]), /secure\s+secure\.example\.test\s+hello\s+<all>\s+edge\/Redirect\s+None/);
  });

  it('passes TLS through by SNI to the endpoint, which does the handshake', async () => {
    await apply(`apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: pass}
spec:
  host: pass.example.test
  to: {kind: Service, name: tls-backend}
  tls: {termination: passthrough}
`);
    await admitted('pass');
    const r = await served(`https://pass.example.test:${https}/`, ['--cacert', testCa], /s_server/);
    assert.match(r.body, /s_server -www/);
    const hello = await sClient('pass.example.test');
    assert.match(hello, /subject=CN ?= ?tls-backend/);
    assert.match(hello, /issuer=CN ?= ?router-test-ca/);
  });

  it('re-encrypts to the endpoint, verifying it with the destination CA', async () => {
    await apply(`apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: re}
spec:
  host: re.apps.example.com
  to: {kind: Service, name: tls-backend}
  tls:
    termination: reencrypt
    destinationCACertificate: |
${indent(testCaPem, 6)}
`);
    // s_server -www answers every request with its own HTTP/1.0 page.
    const r = await served(`https://re.apps.example.com:${https}/`, ['--cacert', skiffCa], /s_server/);
    assert.match(r.body, /s_server -www/);
    // With a CA the endpoint's certificate does not chain to, the router refuses it: 503.
    await apply(`apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: re-wrong-ca}
spec:
  host: re-wrong.apps.example.com
  to: {kind: Service, name: tls-backend}
  tls:
    termination: reencrypt
    destinationCACertificate: |
${indent(readFileSync(skiffCa, 'utf8'), 6)}
`);
    await admitted('re-wrong-ca');
    assert.equal((await curl(`https://re-wrong.apps.example.com:${https}/`, ['--cacert', skiffCa])).code, 503);
  });

  it('rejects a younger route for a claimed host with HostAlreadyClaimed', async () => {
    await ok(['create', 'namespace', 'other']);
    await apply(`apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: thief}
spec:
  host: hello.example.test
  to: {kind: Service, name: hello}
`, 'other');
    const route = await admitted('thief', 'other');
    const condition = route.status.ingress[0].conditions[0];
    assert.equal(condition.status, 'False');
    assert.equal(condition.reason, 'HostAlreadyClaimed');
    assert.equal(condition.message, 'a route in another namespace holds hello.example.test and is older than thief');
    assert.match(await ok(['get', 'route', 'thief', '-n', 'other']), /thief\s+HostAlreadyClaimed\s+hello/);
    // Same namespace, same host and path.
    await apply(`apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: copy}
spec:
  host: hello.example.test
  to: {kind: Service, name: hello}
`);
    const copy = await admitted('copy');
    assert.equal(copy.status.ingress[0].conditions[0].message, 'route hello already exposes hello.example.test and is older');
    // The owner keeps serving.
    assert.equal((await curl(`http://hello.example.test:${http}/`)).body.trim(), 'Hello Router!');
  });
  it('splits traffic over alternateBackends by weight, and routes by path', async () => {
    await apply(route('split', `  host: split.example.test
  to: {kind: Service, name: hello, weight: 1}
  alternateBackends: [{kind: Service, name: canary, weight: 1}]
`) + '---\n' + route('split-api', `  host: split.example.test
  path: /api
  to: {kind: Service, name: canary}
`));
    await admitted('split');
    await admitted('split-api');
    await served(`http://split.example.test:${http}/`, [], /Hello (Router|Canary)!/);
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) answers.push((await curl(`http://split.example.test:${http}/`)).body.trim());
    assert.equal(answers.filter((a) => a === 'Hello Router!').length, 3, answers.join());
    assert.equal(answers.filter((a) => a === 'Hello Canary!').length, 3, answers.join());
    for (let i = 0; i < 3; i++) assert.equal((await curl(`http://split.example.test:${http}/api/x`)).body.trim(), 'Hello Canary!');
    assert.match(await ok(['get', 'route', 'split', '-n', NS]), /split\s+split\.example\.test\s+hello\(50%\),canary\(50%\)\s+<all>\s+None/);
  });

  it('serves every host of a domain from a Subdomain wildcard route', async () => {
    await apply(route('wild', `  host: www.shop.example.test
  wildcardPolicy: Subdomain
  to: {kind: Service, name: canary}
`));
    const status = await admitted('wild');
    assert.equal(status.status.ingress[0].wildcardPolicy, 'Subdomain');
    await served(`http://anything.shop.example.test:${http}/`, [], /Hello Canary!/);
    assert.equal((await curl(`http://a.b.shop.example.test:${http}/`)).code, 503);
  });

  it('answers 503 while the route\'s Service has no ready endpoint, and serves again when it has', async () => {
    await apply(route('scaled', `  host: scaled.example.test
  to: {kind: Service, name: canary}
`));
    await served(`http://scaled.example.test:${http}/`, [], /Hello Canary!/);
    await ok(['scale', '-n', NS, 'deployment/canary', '--replicas=0']);
    await waitFor('503 with no endpoint', async () => (await curl(`http://scaled.example.test:${http}/`)).code === 503);
    await ok(['scale', '-n', NS, 'deployment/canary', '--replicas=1']);
    await served(`http://scaled.example.test:${http}/`, [], /Hello Canary!/);
  });
});

describe('skiff up and status with the router', () => {
  it('listens on the ports and domain given, reports them in status -o json, and refuses a taken port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'router-cli-'));
    const children: ChildProcess[] = [];
    const blocker = createServer();
    try {
      const up = await startUpProcess([SKIFF_BIN, 'up', '--data-dir', dir, '--api-port', '0', '--router-http-port', '0', '--router-https-port', '0', '--domain', 'apps.local.test', '-o', 'json'], { SKIFF_LOG_LEVEL: 'warn' }, (c) => children.push(c));
      const info = JSON.parse(up.stdout());
      assert.equal(info.domain, 'apps.local.test');
      const status = await runSkiffProcess(['status', '--data-dir', dir, '-o', 'json'], { SKIFF_LOG_LEVEL: 'silent' });
      const report = JSON.parse(status.stdout);
      assert.deepEqual(report.ingress, info.ingress);
      assert.equal(report.ingress.http.address, '127.0.0.1');
      assert.ok(report.ingress.http.port > 0 && report.ingress.https.port > 0);
      assert.equal(report.domain, 'apps.local.test');
      // Nothing is routed yet: the router answers with its 503 page on both listeners.
      const r = await runProgram('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${report.ingress.http.port}/`, '-H', 'Host: x.apps.local.test']);
      assert.equal(r.stdout, '503');
      const text = await runSkiffProcess(['status', '--data-dir', dir], { SKIFF_LOG_LEVEL: 'silent' });
      assert.match(text.stdout, new RegExp(`router:\\s+http://127\\.0\\.0\\.1:${report.ingress.http.port} https://127\\.0\\.0\\.1:${report.ingress.https.port} \\(\\*\\.apps\\.local\\.test\\)`));
      children[0]!.kill('SIGTERM');
      assert.equal(await up.exited, 0);

      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const taken = (blocker.address() as { port: number }).port;
      const refused = await runSkiffProcess(['up', '--data-dir', dir, '--api-port', '0', '--router-http-port', String(taken), '--router-https-port', '0'], { SKIFF_LOG_LEVEL: 'silent' });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /router port .* is already in use.*\[SKF_CLI_PORT_IN_USE\]/);
    } finally {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      blocker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
