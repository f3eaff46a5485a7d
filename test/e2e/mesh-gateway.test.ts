/**
 * The gateway data plane end to end (issue 5 items 6 and 11): seed 002's certificate flow
 * verbatim (§1.3's openssl commands and `kubectl create secret tls`), its control plane and
 * Gateways (§1.4.2), a hello-world app routed by a VirtualService, and an OpenShift
 * passthrough Route into istio-ingressgateway — then, as a user would check it, curl
 * through skiff's router with the seed's root CA, `openssl s_client` for the served
 * certificate, a rotation of the credential with `kubectl apply`, an unknown host (404 NR),
 * a Gateway whose credential is missing (Warning event; the others keep serving), and the
 * knative-local-gateway on 8081 with ISTIO_MUTUAL (a mesh client certificate gets in, a
 * client without one is refused). The apps are meshed (`sidecar.istio.io/inject`): the
 * control plane's mTLS DestinationRule makes the gateway originate ISTIO_MUTUAL to them, as
 * Istio's would, so an app without a sidecar would be unreachable.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { extractSteps, fillPlaceholders, readSeed, SERVERLESS_PLACEHOLDERS, type SeedCommand, type SeedYaml } from '../support/seeds.ts';
import { withSmcpAccessLog, writeMeshClientCertificate } from '../support/mesh-client.ts';
import { waitFor } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { SEED_SMCP } from './mesh-controlplane-fixtures.ts';

const run = promisify(execFile);
const HOST = 'hello.apps.openshift.example.com';

const MEMBER_ROLL = `apiVersion: maistra.io/v1
kind: ServiceMeshMemberRoll
metadata: {name: default, namespace: istio-system}
spec:
  members: [knative-serving, default]
`;

const HELLO = `apiVersion: apps/v1
kind: Deployment
metadata: {name: hello, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: hello}}
  template:
    metadata: {labels: {app: hello}, annotations: {sidecar.istio.io/inject: "true"}}
    spec:
      containers:
      - name: app
        image: gcr.io/knative-samples/helloworld-go
        ports: [{containerPort: 8080, name: http}]
        readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: hello, namespace: default}
spec:
  selector: {app: hello}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: hello, namespace: default}
spec:
  hosts: [${HOST}]
  gateways: [knative-serving/knative-ingress-gateway, knative-serving/knative-local-gateway]
  http:
  - route:
    - destination: {host: hello.default.svc.cluster.local, port: {number: 80}}
`;

/** go-httpbin (skiff's built-in echo image): `/delay/<s>` keeps a request in flight. */
const HTTPBIN = `apiVersion: v1
kind: Pod
metadata: {name: httpbin, namespace: default, labels: {app: httpbin}, annotations: {sidecar.istio.io/inject: "true"}}
spec:
  containers:
  - name: app
    image: mccutchen/go-httpbin
    env: [{name: PORT, value: "8080"}]
    ports: [{containerPort: 8080, name: http}]
    readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: httpbin, namespace: default}
spec:
  selector: {app: httpbin}
  ports: [{name: http, port: 8000, targetPort: http}]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: httpbin, namespace: default}
spec:
  hosts: [httpbin.apps.openshift.example.com]
  gateways: [knative-serving/knative-ingress-gateway]
  http:
  - route:
    - destination: {host: httpbin.default.svc.cluster.local}
`;

const PASSTHROUGH_ROUTE = `apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: hello, namespace: istio-system}
spec:
  host: ${HOST}
  to: {kind: Service, name: istio-ingressgateway}
  port: {targetPort: https}
  tls: {termination: passthrough}
`;

const BROKEN_GATEWAY = `apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: broken, namespace: knative-serving}
spec:
  selector: {knative: ingressgateway}
  servers:
  - port: {number: 443, name: https-broken, protocol: HTTPS}
    hosts: [broken.apps.openshift.example.com]
    tls: {mode: SIMPLE, credentialName: missing-certs}
`;

const DENY_ADMIN = `apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata: {name: deny-admin, namespace: istio-system}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  action: DENY
  rules: [{to: [{operation: {paths: ["/admin*"]}}]}]
`;

/** knative-local-gateway as the seed's 1.4.1 example output shows it: plain HTTP on 8081. */
const LOCAL_GATEWAY_HTTP = `apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata: {name: knative-local-gateway, namespace: knative-serving}
spec:
  selector: {knative: ingressgateway}
  servers:
  - port: {number: 8081, name: http, protocol: HTTP}
    hosts: ["*"]
`;

/** Seed 002 §1.3 (certificates and the Secret) and the Gateways file of §1.4.2. */
function seedPieces(): { commands: string[]; gateways: string } {
  const steps = extractSteps(readSeed('002'));
  const commands = steps.filter((s): s is SeedCommand => s.type === 'command');
  const openssl = commands.filter((c) => c.program === 'openssl').slice(0, 3).map((c) => c.text);
  const secret = commands.find((c) => /create -n istio-system secret tls wildcard-certs/.test(c.text));
  const gateways = steps.find((s): s is SeedYaml => s.type === 'yaml' && s.file === 'istio-knative-gateways.yaml');
  assert.equal(openssl.length, 3);
  assert.ok(secret && gateways, 'seed 002 holds the secret command and istio-knative-gateways.yaml');
  // `oc` is OpenShift's kubectl; the command is otherwise run as written.
  return { commands: [...openssl, secret.text.replace(/^oc /, 'kubectl ')], gateways: fillPlaceholders(gateways.text, SERVERLESS_PLACEHOLDERS) };
}

describe('mesh gateways', () => {
  let s: TestSkiff;
  let certDir: string;
  let httpsPort: number;
  let podIP: string;
  const sh = (script: string) => run('sh', ['-c', script], { cwd: certDir, env: { ...process.env, KUBECONFIG: s.skiff.info.kubeconfig } });
  const curl = async (...args: string[]) => {
    try {
      const r = await run('curl', ['-sS', '--max-time', '10', ...args], { cwd: certDir });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };
  const throughRouter = (host = HOST) => curl('--cacert', 'root.crt', '--resolve', `${host}:${httpsPort}:127.0.0.1`, `https://${host}:${httpsPort}`);
  /** The subject and serial the server presents for `servername` (openssl s_client | openssl x509). */
  const served = async (port: number, servername: string, address = '127.0.0.1') => {
    const r = await sh(`openssl s_client -connect ${address}:${port} -servername ${servername} </dev/null 2>/dev/null | openssl x509 -noout -subject -serial`);
    return r.stdout;
  };

  before(async () => {
    s = await startTestSkiff();
    httpsPort = s.skiff.info.ingress!.https.port;
    certDir = mkdtempSync(join(tmpdir(), 'skiff-gw-certs-'));
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: SEED_SMCP });
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: knative-serving}\n' });
    await s.kubectl.ok(['wait', '-n', 'istio-system', 'smcp/basic', '--for=condition=Ready', '--timeout=90s'], { timeoutMs: 100_000 });
    const seed = seedPieces();
    for (const command of seed.commands) await sh(command);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: MEMBER_ROLL });
    await s.kubectl.ok(['wait', 'ns/default', '--for=jsonpath={.metadata.labels.maistra\\.io/member-of}=istio-system', '--timeout=60s']);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: seed.gateways });
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: HELLO });
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: HTTPBIN });
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: PASSTHROUGH_ROUTE });
    await s.kubectl.ok(['wait', '-n', 'default', 'deployment/hello', '--for=condition=Available', '--timeout=60s'], { timeoutMs: 70_000 });
    await s.kubectl.ok(['wait', '-n', 'default', 'pod/httpbin', '--for=condition=Ready', '--timeout=60s'], { timeoutMs: 70_000 });
    podIP = await s.kubectl.ok(['get', 'pods', '-n', 'istio-system', '-l', 'app=istio-ingressgateway', '-o', 'jsonpath={.items[0].status.podIP}']);
    assert.match(podIP, /^127\./);
  });
  after(async () => {
    await s?.stop();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it('serves the seed\'s wildcard certificate through the router\'s passthrough route, and routes by VirtualService', async () => {
    const hello = await waitFor('Hello World! through the router', async () => {
      const r = await throughRouter();
      return r.code === 0 && r.stdout.includes('Hello World!') ? r : undefined;
    }, 60_000);
    assert.equal(hello.stdout.trim(), 'Hello World!');
    assert.match(await served(httpsPort, HOST), /subject=CN\s*=\s*\*\.apps\.openshift\.example\.com, O\s*=\s*Example Inc\./);
    // The gateway saw it: Istio's metrics on Envoy's stats port of the gateway pod.
    const stats = await curl(`http://${podIP}:15090/stats/prometheus`);
    // A gateway reports as Istio's `source`, with its own workload as the source labels.
    const line = stats.stdout.split('\n').find((l) => l.startsWith('istio_requests_total{') && l.includes('response_code="200"')) ?? '';
    assert.match(line, /reporter="source",source_workload="istio-ingressgateway",source_workload_namespace="istio-system",source_principal="spiffe:\/\/cluster\.local\/ns\/istio-system\/sa\/istio-ingressgateway-service-account"/);
    assert.match(line, /destination_workload="hello",destination_workload_namespace="default",.*destination_app="hello",.*destination_service="hello\.default\.svc\.cluster\.local"/);
    // The agent's merged endpoint (15020, where the gateway pods' prometheus.io annotations point) carries them too.
    const merged = await curl(`http://${podIP}:15020/stats/prometheus`);
    assert.match(merged.stdout, /^istio_requests_total\{.*response_code="200"/m);
    assert.match(merged.stdout, /^istio_build\{component="proxy"/m);
  });

  it('writes the access log the SMCP asks for into the gateway pod\'s istio-proxy container log', async () => {
    // OSSM's spec.proxy.accessLogging.file.name renders meshConfig.accessLogFile; Envoy's
    // /dev/stdout is its container's, so kubectl logs -c istio-proxy shows the requests.
    const line = await withSmcpAccessLog(s, { name: '/dev/stdout' }, async () => {
      const gatewayPod = await s.kubectl.ok(['get', 'pods', '-n', 'istio-system', '-l', 'app=istio-ingressgateway', '-o', 'jsonpath={.items[0].metadata.name}']);
      return waitFor('an access log line in kubectl logs', async () => {
        await throughRouter();
        const logs = await s.kubectl.ok(['logs', '-n', 'istio-system', gatewayPod, '-c', 'istio-proxy']);
        return logs.split('\n').find((l) => l.includes(`"${HOST}:`) && l.includes('"GET / HTTP/1.1" 200'));
      }, 60_000);
    });
    // Istio's default TEXT format: time, request line, code, flags, bytes, duration, …, authority, upstream host, cluster.
    assert.match(line, /^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] "GET \/ HTTP\/1\.1" 200 - via_upstream - "-" 0 \d+ \d+ \S+ "\S+" "curl\/[\d.]+" "[0-9a-f-]+" "hello\.apps\.openshift\.example\.com:\d+" "127\.[\d.]+:8080" outbound\|80\|\|hello\.default\.svc\.cluster\.local /);
  });

  it('answers an unknown host with 404 (no route), on the gateway pod\'s translated port 8443', async () => {
    const host = 'nobody.apps.openshift.example.com';
    const r = await curl('--cacert', 'root.crt', '--resolve', `${host}:8443:${podIP}`, '-o', '/dev/null', '-w', '%{http_code}', `https://${host}:8443/`);
    assert.equal(r.stdout, '404', r.stderr);
  });

  it('serves a replaced credential within seconds, without dropping an open connection', async () => {
    // A kept-alive TLS connection from before the rotation.
    const socket: TLSSocket = await new Promise((resolve, reject) => {
      const c = connect({ host: '127.0.0.1', port: httpsPort, servername: HOST, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => resolve(c));
      c.once('error', reject);
    });
    const ask = () => new Promise<string>((resolve, reject) => {
      let text = '';
      const onData = (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('Hello World!')) {
          socket.off('data', onData);
          resolve(text);
        }
      };
      socket.on('data', onData);
      socket.once('error', reject);
      socket.write(`GET / HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`);
    });
    assert.match(await ask(), /^HTTP\/1\.1 200/);
    const before = await served(httpsPort, HOST);

    await sh('openssl req -nodes -newkey rsa:2048 -subj "/CN=*.apps.openshift.example.com/O=Rotated Inc." -keyout wildcard2.key -out wildcard2.csr');
    await sh('openssl x509 -req -days 365 -set_serial 7 -CA root.crt -CAkey root.key -in wildcard2.csr -out wildcard2.crt');
    await sh('kubectl create secret tls wildcard-certs -n istio-system --key=wildcard2.key --cert=wildcard2.crt --dry-run=client -o yaml | kubectl apply -f -');
    const after = await waitFor('the rotated certificate', async () => {
      const now = await served(httpsPort, HOST);
      return now.includes('Rotated Inc.') ? now : undefined;
    }, 20_000);
    assert.notEqual(after, before);
    assert.match(after, /serial=07/);
    assert.match(await ask(), /^HTTP\/1\.1 200/, 'the connection opened before the rotation still serves');
    socket.destroy();
    const r = await throughRouter();
    assert.equal(r.stdout.trim(), 'Hello World!', r.stderr);
  });

  it('ignores configuration outside the mesh\'s member roll, as Maistra\'s istiod does', async () => {
    const host = 'outsider.apps.openshift.example.com';
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: `apiVersion: v1\nkind: Namespace\nmetadata: {name: outsider}\n---\n${HELLO.split('---')[2]!.replace('name: hello, namespace: default', 'name: outsider, namespace: outsider').replace(`[${HOST}]`, `[${host}]`)}` });
    const code = async () => (await curl('--cacert', 'root.crt', '--resolve', `${host}:8443:${podIP}`, '-o', '/dev/null', '-w', '%{http_code}', `https://${host}:8443/`)).stdout;
    // A VirtualService in a member namespace for the same host would route within ~100 ms; this one never does.
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: HELLO.split('---')[2]!.replace('name: hello, namespace: default', 'name: insider, namespace: default').replace(`[${HOST}]`, '[insider.apps.openshift.example.com]') });
    await waitFor('the member\'s VirtualService to route', async () => (await curl('--cacert', 'root.crt', '--resolve', `insider.apps.openshift.example.com:8443:${podIP}`, `https://insider.apps.openshift.example.com:8443/`)).stdout.includes('Hello World!') || undefined, 20_000);
    assert.equal(await code(), '404');
  });

  it('reports a Gateway whose credential is missing with a Warning event, and keeps the other Gateways serving', async () => {
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: BROKEN_GATEWAY });
    const pod = await s.kubectl.ok(['get', 'pods', '-n', 'istio-system', '-l', 'app=istio-ingressgateway', '-o', 'jsonpath={.items[0].metadata.name}']);
    const message = await waitFor('a Warning event about missing-certs', async () => {
      const out = await s.kubectl.ok(['get', 'events', '-n', 'istio-system', '--field-selector', `involvedObject.name=${pod},type=Warning`, '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
      return out.split('\n').find((l) => l.includes('missing-certs'));
    }, 20_000);
    assert.match(message, /^GatewayConfigRejected: Gateway knative-serving\/broken .*secret istio-system\/missing-certs not found/);
    const r = await throughRouter();
    assert.equal(r.stdout.trim(), 'Hello World!', r.stderr);
    const status = s.skiff.health().find((h) => h.name === 'mesh-gateways');
    assert.match(status?.message ?? '', new RegExp(`istio-system/${pod} ${podIP.replace(/\./g, '\\.')}:\\[[^\\]]*8081[^\\]]*8443`));
  });

  it('knative-local-gateway on 8081 (ISTIO_MUTUAL): a mesh client certificate gets in, a client without one is refused', async () => {
    // A workload certificate as istiod would issue it to a meshed client (knative's activator).
    await writeMeshClientCertificate(s, certDir, { namespace: 'knative-serving', serviceAccount: 'activator' });

    // The gateway presents its own SPIFFE certificate, chaining to the mesh root.
    const chain = await sh(`openssl s_client -connect ${podIP}:8081 -servername ${HOST} -CAfile mesh-client-root.crt -verify_return_error -cert mesh-client.crt -key mesh-client.key </dev/null 2>/dev/null | openssl x509 -noout -ext subjectAltName`);
    assert.match(chain.stdout, /URI:spiffe:\/\/cluster\.local\/ns\/istio-system\/sa\/istio-ingressgateway-service-account/);

    // curl cannot check a SPIFFE URI SAN (there is no DNS name to verify): -k, the chain was verified above.
    const url = `https://${HOST}:8081/`;
    const resolve = `${HOST}:8081:${podIP}`;
    const ok = await curl('-k', '--cert', 'mesh-client.crt', '--key', 'mesh-client.key', '--cacert', 'mesh-client-root.crt', '--resolve', resolve, url);
    assert.equal(ok.stdout.trim(), 'Hello World!', ok.stderr);
    const refused = await curl('-k', '--cacert', 'mesh-client-root.crt', '--resolve', resolve, url);
    assert.notEqual(refused.code, 0);
    assert.doesNotMatch(refused.stdout, /Hello/);
  });
  it('enforces an AuthorizationPolicy on the gateway workload with Envoy\'s RBAC answer', async () => {
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: DENY_ADMIN });
    const denied = await waitFor('a 403 for /admin', async () => {
      const r = await curl('--cacert', 'root.crt', '--resolve', `${HOST}:${httpsPort}:127.0.0.1`, '-w', '\n%{http_code}', `https://${HOST}:${httpsPort}/admin`);
      return r.stdout.endsWith('\n403') ? r : undefined;
    }, 20_000);
    assert.equal(denied.stdout, 'RBAC: access denied\n403');
    assert.equal((await throughRouter()).stdout.trim(), 'Hello World!');
    await s.kubectl.ok(['delete', 'authorizationpolicy', '-n', 'istio-system', 'deny-admin']);
  });

  it('knative-local-gateway\'s plain HTTP variant (the seed\'s 1.4.1 example output) serves on 8081 after an apply', async () => {
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: LOCAL_GATEWAY_HTTP });
    const r = await waitFor('plain HTTP on 8081', async () => {
      const out = await curl('-H', `Host: ${HOST}`, `http://${podIP}:8081/`);
      return out.stdout.includes('Hello World!') ? out : undefined;
    }, 20_000);
    assert.equal(r.stdout.trim(), 'Hello World!');
  });

  it('a deleted gateway pod drains its in-flight request, stops serving, and its replacement takes over', async () => {
    const old = await s.kubectl.ok(['get', 'pods', '-n', 'istio-system', '-l', 'app=istio-ingressgateway', '-o', 'jsonpath={.items[0].metadata.name}']);
    const slowHost = 'httpbin.apps.openshift.example.com';
    const slow = (path: string) => curl('--cacert', 'root.crt', '--resolve', `${slowHost}:8443:${podIP}`, '-o', '/dev/null', '-w', '%{http_code}', `https://${slowHost}:8443${path}`);
    await waitFor('httpbin through the gateway', async () => (await slow('/get')).stdout === '200' || undefined, 20_000);
    // In flight when the pod is deleted: the proxy stops accepting but lets it finish (terminationDrainDuration).
    const inFlight = slow('/delay/3');
    await waitFor('the request in flight in the gateway', () => /1 in flight/.test(s.skiff.health().find((h) => h.name === 'mesh-gateways')?.message ?? '') || undefined);
    await s.kubectl.ok(['delete', 'pod', '-n', 'istio-system', old, '--wait=false']);
    assert.equal((await inFlight).stdout, '200', 'the in-flight request finished during the drain');
    const fresh = await waitFor('a replacement gateway pod', async () => {
      const out = await s.kubectl.ok(['get', 'pods', '-n', 'istio-system', '-l', 'app=istio-ingressgateway', '-o', 'jsonpath={range .items[?(@.status.podIP)]}{.metadata.name} {.status.podIP}{"\\n"}{end}']);
      return out.split('\n').map((l) => l.split(' ')).find(([name, ip]) => name && name !== old && ip);
    }, 60_000);
    // Pod IPs may be reused; only a different address says something about the old proxy.
    if (fresh[1] !== podIP) await waitFor('the old pod\'s proxy to stop accepting', async () => (await curl('-H', `Host: ${HOST}`, `http://${podIP}:8081/`)).code !== 0 || undefined, 60_000);
    const r = await waitFor('Hello World! through the new gateway pod', async () => {
      const out = await throughRouter();
      return out.stdout.includes('Hello World!') ? out : undefined;
    }, 60_000);
    assert.equal(r.stdout.trim(), 'Hello World!');
    assert.match(s.skiff.health().find((h) => h.name === 'mesh-gateways')?.message ?? '', new RegExp(`istio-system/${fresh[0]!} ${fresh[1]!.replace(/\./g, '\\.')}:`));
  });
});
