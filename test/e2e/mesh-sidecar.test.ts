/**
 * Sidecars end to end (issue 5 items 4 and 5): a meshed Deployment in a member namespace of a
 * control plane with `security.dataPlane.mtls: true` (so PeerAuthentication `default` in
 * istio-system is STRICT), checked as a user would with curl and openssl s_client:
 * plaintext to the pod is refused, a client with a mesh certificate gets in and sees the
 * pod's SPIFFE identity, the ingress gateway reaches the pod over mTLS (auto mTLS) and the
 * pod's proxy metrics say so, an excluded port (the seed's 8444, or the pod's own
 * excludeInboundPorts) stays plain, a kubelet probe that is not rewritten meets STRICT as
 * it would with Istio, and PeerAuthentication / AuthorizationPolicy changes take effect live.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { withSmcpAccessLog, writeMeshClientCertificate } from '../support/mesh-client.ts';
import { waitFor } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';
import { SEED_SMCP } from './mesh-controlplane-fixtures.ts';

const run = promisify(execFile);
const HOST = 'web.apps.example.com';

const MEMBERS = `apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
apiVersion: maistra.io/v1
kind: ServiceMeshMemberRoll
metadata: {name: default, namespace: istio-system}
spec:
  members: [apps]
`;

/** The ingress gateway's VirtualService for HOST to the web Service; `extra`: more fields of its one route (indented as such). */
function gatewayRoute(extra = ''): string {
  return `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: web, namespace: apps}
spec:
  hosts: [${HOST}]
  gateways: [web]
  http:
  - route:
    - destination: {host: web.apps.svc.cluster.local, port: {number: 80}}
${extra}`;
}

/** hello-world on 8080 and go-httpbin on the seed's excluded 8444, meshed, probes rewritten. */
const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: apps}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations:
        sidecar.istio.io/inject: "true"
        sidecar.istio.io/rewriteAppHTTPProbers: "true"
    spec:
      containers:
      - name: app
        image: gcr.io/knative-samples/helloworld-go
        ports: [{containerPort: 8080, name: http}]
        readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
      - name: metrics
        image: mccutchen/go-httpbin
        env: [{name: PORT, value: "8444"}]
        ports: [{containerPort: 8444, name: https-metrics}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: apps}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata: {name: web, namespace: apps}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [${HOST}]
---
${gatewayRoute()}`;

/**
 * Three meshed twins whose kubelet probes are not rewritten: \`unprobed\` keeps its port
 * captured (the kubelet's plaintext probe meets the STRICT sidecar), \`excluded\` excludes it
 * with the pod annotation, \`included\` captures only another port (in both, the probe and
 * any plaintext client pass untouched).
 */
const TWINS = ['unprobed', 'excluded', 'included'].map((name) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: apps}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata:
      labels: {app: ${name}}
      annotations:
        sidecar.istio.io/inject: "true"
        sidecar.istio.io/rewriteAppHTTPProbers: "false"
${name === 'excluded' ? '        traffic.sidecar.istio.io/excludeInboundPorts: "8080"\n' : ''}${name === 'included' ? '        traffic.sidecar.istio.io/includeInboundPorts: "9999"\n' : ''}    spec:
      containers:
      - name: app
        image: gcr.io/knative-samples/helloworld-go
        ports: [{containerPort: 8080, name: http}]
        readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
`).join('---\n');

const PERMISSIVE = `apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: default, namespace: apps}
spec:
  mtls: {mode: PERMISSIVE}
`;

/** An AuthorizationPolicy on the web pods denying one principal. */
function denyPrincipal(name: string, principal: string): string {
  return `apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata: {name: ${name}, namespace: apps}
spec:
  selector: {matchLabels: {app: web}}
  action: DENY
  rules:
  - from:
    - source: {principals: ["${principal}"]}
`;
}

const DENY_GATEWAY = denyPrincipal('no-gateway', 'cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account');

/** The gateway's route to web, mirrored to web itself (the copy goes to the STRICT pod too), marked by a response header. */
const MIRRORED = gatewayRoute(`    mirror: {host: web.apps.svc.cluster.local, port: {number: 80}}
    headers: {response: {set: {x-mirrored: "yes"}}}
`);

/**
 * Shells in apps: \`client\` and \`unlisted\` meshed (the second excludes outbound port 80 from
 * its sidecar), \`plain\` without a sidecar; all call the web Service by name.
 */
const CLIENTS = `apiVersion: v1
kind: ServiceAccount
metadata: {name: client, namespace: apps}
---
${[['client', ''], ['unlisted', '    traffic.sidecar.istio.io/excludeOutboundPorts: "80"\n'], ['plain', null]].map(([name, extra]) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: apps
${extra === null ? '' : `  annotations:\n    sidecar.istio.io/inject: "true"\n${extra}`}spec:
  serviceAccountName: client
  containers: [{name: shell, image: busybox, command: [sleep, '3600']}]
`).join('---\n')}`;

/** Bound to the mesh (no gateways): what the meshed client's own sidecar applies. */
const FAULT_FOR_CLIENTS = `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: web-mesh, namespace: apps}
spec:
  hosts: [web.apps.svc.cluster.local]
  http:
  - match: [{headers: {x-canary: {exact: "1"}}}]
    fault: {abort: {percentage: {value: 100}, httpStatus: 418}}
    route: [{destination: {host: web.apps.svc.cluster.local}}]
  - route: [{destination: {host: web.apps.svc.cluster.local}}]
    headers: {response: {add: {x-routed-by: mesh}}}
`;

const DENY_CLIENT = denyPrincipal('no-client', 'cluster.local/ns/apps/sa/client');

/** The web pods behind a Service port with no name (as `kubectl expose` makes it): Istio sniffs its protocol. */
const UNNAMED = `apiVersion: v1
kind: Service
metadata: {name: web-plain, namespace: apps}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: web-plain-mesh, namespace: apps}
spec:
  hosts: [web-plain.apps.svc.cluster.local]
  http:
  - match: [{headers: {x-canary: {exact: "1"}}}]
    fault: {abort: {percentage: {value: 100}, httpStatus: 418}}
    route: [{destination: {host: web-plain.apps.svc.cluster.local}}]
  - route: [{destination: {host: web-plain.apps.svc.cluster.local}}]
    headers: {response: {add: {x-routed-by: sniffed}}}
`;

describe('mesh sidecars: strict mTLS into meshed pods', () => {
  let s: TestSkiff;
  let dir: string;
  let podIP: string;
  let gatewayIP: string;
  const curl = async (...args: string[]) => {
    try {
      const r = await run('curl', ['-sS', '--max-time', '10', ...args], { cwd: dir });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };
  const sh = (script: string) => run('sh', ['-c', script], { cwd: dir });
  const meshClient = ['-k', '--cert', 'client.crt', '--key', 'client.key'];
  const viaGateway = () => curl('-H', `Host: ${HOST}`, '-w', '\n%{http_code}', `http://${gatewayIP}:8080/`);
  /** curl -i from the meshed `client` pod's shell (through its sidecar): the output, or `failed: …`. */
  const curlFromClient = async (url: string, ...curlArgs: string[]) => {
    const r = await s.kubectl(['exec', '-n', 'apps', 'client', '-c', 'shell', '--', 'curl', '-sS', '-i', '--max-time', '5', ...curlArgs, url]);
    return r.code === 0 ? r.stdout : `failed: ${r.stderr}`;
  };
  /**
   * Waits until the client's sidecar routes `url` by a mesh VirtualService that adds
   * `x-routed-by: <marker>` and aborts `x-canary: 1` with 418; returns the curl for more checks.
   */
  const expectMeshRouting = async (url: string, marker: string) => {
    const exec = (...curlArgs: string[]) => curlFromClient(url, ...curlArgs);
    const routed = await waitFor(`the mesh VirtualService for ${url}`, async () => {
      const out = await exec();
      return new RegExp(`x-routed-by: ${marker}`, 'i').test(out) ? out : undefined;
    }, 20_000);
    assert.match(routed, /^HTTP\/1\.1 200[\s\S]*Hello World!/);
    assert.match(await exec('-H', 'x-canary: 1'), /^HTTP\/1\.1 418[\s\S]*fault filter abort/);
    return exec;
  };

  before(async () => {
    s = await startTestSkiff();
    dir = mkdtempSync(join(tmpdir(), 'skiff-sidecar-'));
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: SEED_SMCP });
    await s.kubectl.ok(['wait', '-n', 'istio-system', 'smcp/basic', '--for=condition=Ready', '--timeout=90s'], { timeoutMs: 100_000 });
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: MEMBERS });
    await s.kubectl.ok(['wait', 'ns/apps', '--for=jsonpath={.metadata.labels.maistra\\.io/member-of}=istio-system', '--timeout=60s']);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: WEB });
    await s.kubectl.ok(['wait', '-n', 'apps', 'deployment/web', '--for=condition=Available', '--timeout=90s'], { timeoutMs: 100_000 });
    podIP = await s.kubectl.ok(['get', 'pods', '-n', 'apps', '-l', 'app=web', '-o', 'jsonpath={.items[0].status.podIP}']);
    gatewayIP = await s.kubectl.ok(['get', 'pods', '-n', 'istio-system', '-l', 'app=istio-ingressgateway', '-o', 'jsonpath={.items[0].status.podIP}']);
    // A client workload certificate as istiod would issue it to a meshed pod of apps.
    await writeMeshClientCertificate(s, dir, { namespace: 'apps', serviceAccount: 'client' }, 'client');
  });
  after(async () => {
    await s?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the meshed pod Ready behind its sidecar, with the istio-proxy container and its status annotation', async () => {
    const pod = JSON.parse(await s.kubectl.ok(['get', 'pods', '-n', 'apps', '-l', 'app=web', '-o', 'jsonpath={.items[0]}'])) as {
      metadata: { annotations: Record<string, string> }; status: { containerStatuses: { name: string; ready: boolean }[] };
    };
    assert.ok(pod.metadata.annotations['sidecar.istio.io/status']);
    assert.deepEqual(pod.status.containerStatuses.map((c) => [c.name, c.ready]).sort(), [['app', true], ['istio-proxy', true], ['metrics', true]]);
  });

  it('STRICT: refuses a plaintext client, serves a client with a mesh certificate and presents the pod\'s SPIFFE identity', async () => {
    const plain = await curl(`http://${podIP}:8080/`);
    assert.notEqual(plain.code, 0, plain.stdout);
    assert.doesNotMatch(plain.stdout, /Hello/);
    const meshed = await curl(...meshClient, `https://${podIP}:8080/`);
    assert.equal(meshed.stdout.trim(), 'Hello World!', meshed.stderr);
    const foreign = await curl('-k', `https://${podIP}:8080/`);
    assert.notEqual(foreign.code, 0, 'a TLS client without a mesh certificate is refused');
    const served = await sh(`openssl s_client -connect ${podIP}:8080 -CAfile client-root.crt -verify_return_error -cert client.crt -key client.key </dev/null 2>/dev/null | openssl x509 -noout -ext subjectAltName`);
    assert.match(served.stdout, /URI:spiffe:\/\/cluster\.local\/ns\/apps\/sa\/default/);
  });

  it('keeps an excluded inbound port (the seed\'s 8444) plain', async () => {
    const r = await curl(`http://${podIP}:8444/get`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"url"/);
  });

  it('the ingress gateway reaches the pod over mTLS; the pod\'s proxy reports it with the gateway as source', async () => {
    const r = await waitFor('Hello World! through the gateway', async () => {
      const out = await viaGateway();
      return out.stdout.endsWith('\n200') ? out : undefined;
    }, 20_000);
    assert.match(r.stdout, /^Hello World!/);
    const metrics = await curl(`http://${podIP}:15090/stats/prometheus`);
    assert.match(metrics.stdout, /istio_requests_total\{[^}]*reporter="destination"[^}]*\}/);
    const line = metrics.stdout.split('\n').find((l) => l.startsWith('istio_requests_total{') && l.includes('source_principal="spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account"'));
    assert.ok(line, metrics.stdout);
    assert.match(line, /connection_security_policy="mutual_tls"/);
  });

  it('the sidecar writes the access log the SMCP asks for into the pod\'s istio-proxy container log', async () => {
    const line = await withSmcpAccessLog(s, { name: '/dev/stdout', encoding: 'JSON' }, async () => {
      const pod = await s.kubectl.ok(['get', 'pods', '-n', 'apps', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}']);
      return waitFor('an inbound access log line', async () => {
        await viaGateway();
        const logs = await s.kubectl.ok(['logs', '-n', 'apps', pod, '-c', 'istio-proxy']);
        return logs.split('\n').find((l) => l.startsWith('{') && l.includes('"upstream_cluster":"inbound|'));
      }, 30_000);
    });
    const record = JSON.parse(line) as Record<string, unknown>;
    assert.equal(record.method, 'GET');
    assert.equal(record.response_code, 200);
    assert.match(String(record.upstream_cluster), /^inbound\|8080\|\|/);
  });

  it('without rewriteAppHTTPProbers the kubelet\'s plaintext probe meets STRICT and the pod stays unready; excludeInboundPorts and includeInboundPorts keep a port plain', async () => {
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: TWINS });
    for (const name of ['excluded', 'included']) {
      await s.kubectl.ok(['wait', '-n', 'apps', `deployment/${name}`, '--for=condition=Available', '--timeout=60s'], { timeoutMs: 70_000 });
      const ip = await s.kubectl.ok(['get', 'pods', '-n', 'apps', '-l', `app=${name}`, '-o', 'jsonpath={.items[0].status.podIP}']);
      assert.equal((await curl(`http://${ip}:8080/`)).stdout.trim(), 'Hello World!', name);
    }
    const unhealthy = await waitFor('an Unhealthy event for the unprobed pod', async () => {
      const out = await s.kubectl.ok(['get', 'events', '-n', 'apps', '--field-selector', 'reason=Unhealthy', '-o', 'jsonpath={range .items[*]}{.involvedObject.name} {.message}{"\\n"}{end}']);
      return out.split('\n').find((l) => l.startsWith('unprobed-')) ?? undefined;
    }, 30_000);
    assert.match(unhealthy, /Readiness probe failed/);
    const ready = await s.kubectl.ok(['get', 'pods', '-n', 'apps', '-l', 'app=unprobed', '-o', 'jsonpath={.items[0].status.conditions[?(@.type=="Ready")].status}']);
    assert.equal(ready, 'False');
    await s.kubectl.ok(['delete', 'deployment', '-n', 'apps', 'unprobed', 'excluded', 'included']);
  });

  it('a PERMISSIVE PeerAuthentication in the namespace lets plaintext in; deleting it restores STRICT', async () => {
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: PERMISSIVE });
    await waitFor('plaintext served', async () => ((await curl(`http://${podIP}:8080/`)).stdout.includes('Hello World!') ? true : undefined), 20_000);
    assert.equal((await curl(...meshClient, `https://${podIP}:8080/`)).stdout.trim(), 'Hello World!');
    await s.kubectl.ok(['delete', 'peerauthentication', '-n', 'apps', 'default']);
    await waitFor('plaintext refused again', async () => ((await curl(`http://${podIP}:8080/`)).code !== 0 ? true : undefined), 20_000);
  });

  it('the gateway mirrors over mTLS to a STRICT pod: the pod counts the copy beside the request', async () => {
    // Requests from the gateway the web pod's sidecar counted (reporter destination, any code).
    const fromGateway = async () => (await curl(`http://${podIP}:15090/stats/prometheus`)).stdout.split('\n')
      .filter((l) => l.startsWith('istio_requests_total{') && l.includes('reporter="destination"') && l.includes('source_workload="istio-ingressgateway"'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: MIRRORED });
    await waitFor('the mirroring route applied', async () => {
      const out = await viaGateway();
      return out.stdout.endsWith('\n200') && /x-mirrored: yes/i.test((await curl('-i', '-H', `Host: ${HOST}`, `http://${gatewayIP}:8080/`)).stdout) ? true : undefined;
    }, 20_000);
    const before = await fromGateway();
    assert.equal((await viaGateway()).stdout, 'Hello World!\n\n200');
    await waitFor('the request and its mirrored copy counted', async () => ((await fromGateway()) >= before + 2 ? true : undefined), 20_000);
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: WEB });
  });

  it('an AuthorizationPolicy DENY on the gateway\'s principal answers 403 through the gateway; other mesh clients still get in', async () => {
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: DENY_GATEWAY });
    const denied = await waitFor('a 403 through the gateway', async () => {
      const out = await viaGateway();
      return out.stdout.endsWith('\n403') ? out : undefined;
    }, 20_000);
    assert.match(denied.stdout, /RBAC: access denied/);
    assert.equal((await curl(...meshClient, `https://${podIP}:8080/`)).stdout.trim(), 'Hello World!');
    await s.kubectl.ok(['delete', 'authorizationpolicy', '-n', 'apps', 'no-gateway']);
    await waitFor('the gateway allowed again', async () => ((await viaGateway()).stdout.endsWith('\n200') ? true : undefined), 20_000);
  });

  it("a meshed pod's own processes call a STRICT Service over mTLS with their identity; a plain pod and an excluded outbound port are refused", async () => {
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: CLIENTS });
    await s.kubectl.ok(['wait', '-n', 'apps', 'pod/client', 'pod/unlisted', 'pod/plain', '--for=condition=Ready', '--timeout=60s'], { timeoutMs: 70_000 });
    const exec = async (pod: string) => {
      const r = await s.kubectl(['exec', '-n', 'apps', pod, '-c', 'shell', '--', 'curl', '-sS', '--max-time', '5', '-w', '\n%{http_code}', 'http://web.apps.svc.cluster.local/']);
      return r.code === 0 ? r.stdout : `failed: ${r.stderr}`;
    };
    assert.equal(await exec('client'), 'Hello World!\n\n200', 'the sidecar originated mTLS to the STRICT pod');
    // The client's own proxy reports the call (reporter source) on the client pod's :15090, as its Envoy would.
    const clientIP = await s.kubectl.ok(['get', 'pod', '-n', 'apps', 'client', '-o', 'jsonpath={.status.podIP}']);
    const clientStats = (await curl(`http://${clientIP}:15090/stats/prometheus`)).stdout;
    const sourceLine = clientStats.split('\n').find((l) => l.startsWith('istio_requests_total{') && l.includes('reporter="source"'));
    assert.ok(sourceLine, clientStats);
    assert.match(sourceLine, /destination_service="web\.apps\.svc\.cluster\.local"/);
    assert.match(sourceLine, /response_code="200"/);
    assert.match(await exec('plain'), /^failed:/, 'plaintext from a pod without a sidecar meets STRICT');
    assert.match(await exec('unlisted'), /^failed:/, 'excludeOutboundPorts keeps port 80 plaintext');
    // The server's sidecar sees the client pod's SPIFFE identity: a DENY on it answers 403.
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: DENY_CLIENT });
    const denied = await waitFor('a 403 for the client', async () => {
      const out = await exec('client');
      return out.endsWith('\n403') ? out : undefined;
    }, 20_000);
    assert.match(denied, /RBAC: access denied/);
    await s.kubectl.ok(['delete', 'authorizationpolicy', '-n', 'apps', 'no-client']);
  });

  it("a meshed pod's HTTP to a Service follows the mesh's VirtualServices (match, fault, header rules) in its own sidecar", async () => {
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: FAULT_FOR_CLIENTS });
    const exec = await expectMeshRouting('http://web.apps.svc.cluster.local/', 'mesh');
    // A pod without a sidecar is not routed by it (and meets STRICT at the server).
    const plain = await s.kubectl(['exec', '-n', 'apps', 'plain', '-c', 'shell', '--', 'curl', '-sS', '--max-time', '5', '-H', 'x-canary: 1', 'http://web.apps.svc.cluster.local/']);
    assert.notEqual(plain.code, 0);
    await s.kubectl.ok(['delete', 'virtualservice', '-n', 'apps', 'web-mesh']);
    await waitFor('the fault gone', async () => (/^HTTP\/1\.1 200/.test(await exec('-H', 'x-canary: 1')) ? true : undefined), 20_000);
  });

  it("an unnamed Service port stays TCP under Maistra's defaults; with autoDetect.outbound a meshed pod's HTTP to it is sniffed and routed at layer 7", async () => {
    await s.kubectl.ok(['apply', '-f', '-'], { stdin: UNNAMED });
    // Maistra's profiles turn protocol sniffing off: the call goes through (layer-4 mTLS), no VirtualService applies.
    const tcp = await waitFor('web-plain answering over TCP', async () => {
      const out = await curlFromClient('http://web-plain.apps.svc.cluster.local/');
      return /Hello World!/.test(out) ? out : undefined;
    }, 20_000);
    assert.doesNotMatch(tcp, /x-routed-by/i);
    const istiod = await s.kubectl.ok(['get', 'deployment', '-n', 'istio-system', 'istiod-basic', '-o', 'jsonpath={.spec.template.spec.containers[0].env[?(@.name=="PILOT_ENABLE_PROTOCOL_SNIFFING_FOR_OUTBOUND")].value}']);
    assert.equal(istiod, 'false');
    await s.kubectl.ok(['patch', 'smcp', '-n', 'istio-system', 'basic', '--type', 'merge', '-p', '{"spec":{"proxy":{"networking":{"protocol":{"autoDetect":{"outbound":true,"timeout":"250ms"}}}}}}']);
    await expectMeshRouting('http://web-plain.apps.svc.cluster.local/', 'sniffed');
    // The timeout reaches the mesh config as Maistra renders it; the proxies read it there (src/dataplane/sidecar/sidecar-traffic.test.ts).
    const meshConfig = await s.kubectl.ok(['get', 'configmap', '-n', 'istio-system', 'istio-basic', '-o', 'jsonpath={.data.mesh}']);
    assert.match(meshConfig, /^protocolDetectionTimeout: 250ms$/m);
    const clientIP = await s.kubectl.ok(['get', 'pod', '-n', 'apps', 'client', '-o', 'jsonpath={.status.podIP}']);
    const stats = (await curl(`http://${clientIP}:15090/stats/prometheus`)).stdout;
    assert.ok(stats.split('\n').some((l) => l.startsWith('istio_requests_total{') && l.includes('destination_service="web-plain.apps.svc.cluster.local"') && l.includes('request_protocol="http"') && l.includes('response_code="200"')), stats);
    await s.kubectl.ok(['delete', '-f', '-'], { stdin: UNNAMED });
    await s.kubectl.ok(['patch', 'smcp', '-n', 'istio-system', 'basic', '--type', 'json', '-p', '[{"op":"remove","path":"/spec/proxy/networking/protocol"}]']);
  });
});
