/**
 * Seed 002 §1.5 (Knative metrics under the mesh), end to end: the seed's Serving setup with
 * `metrics.backend-destination: prometheus` in the KnativeServing's observability config and the
 * seed's NetworkPolicy for openshift-monitoring, the seed's Knative Service with some traffic,
 * and a real Prometheus (Debian's /usr/bin/prometheus) running as a pod in an
 * `openshift-monitoring` namespace — `quay.io/prometheus/prometheus` is mapped to the host
 * binary in `<dataDir>/images.yaml`, its configuration is a ConfigMap volume. It scrapes the
 * revision's queue-proxy (:9091, through the private Service), the activator (:9090) and the
 * autoscaler (:9090) and answers `revision_request_count`, `autoscaler_desired_pods` and, after
 * a request held by the activator while the revision scales from zero, `activator_request_count`.
 *
 * As the seed says, with the mesh's mTLS Prometheus cannot scrape at first: the activator,
 * the autoscaler and the revision are meshed and their sidecars are STRICT, and Prometheus is
 * outside the mesh — every target is down. The metrics ports are then opened to plaintext
 * clients the Istio way, with workload PeerAuthentications whose `portLevelMtls` makes 9090 /
 * 9091 PERMISSIVE, and the figures arrive.
 *
 * NetworkPolicy has its effect (the kernel drops what no policy admits): Maistra's
 * `istio-mesh-basic` closes every member namespace to non-members, so with the metrics ports
 * PERMISSIVE the scrapes are still dropped until the seed's
 * `allow-from-openshift-monitoring-ns` opens knative-serving to openshift-monitoring; the
 * revision's own namespace needs the same policy before its queue-proxy can be scraped.
 * (Removing a policy does not cut connections already established, as with most plugins:
 * Prometheus keeps its scrape connections alive, so the test only adds policies.)
 *
 * OpenShift Serverless' own path is there too: with a metrics backend the operator gives each
 * component a kube-rbac-proxy container on 8444 (the port the seed excludes from mTLS) and a
 * `<component>-sm-service` whose certificate the service CA issues; Prometheus scrapes it as
 * the ServiceMonitors would (HTTPS, its service account token, the injected CA bundle), and
 * a caller without a valid token gets 401.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { installSeedServing } from '../support/seed-002-serving.ts';
import { waitFor } from '../support/runtime.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const run = promisify(execFile);
const PROMETHEUS = '/usr/bin/prometheus';
const DOMAIN = 'apps.openshift.example.com';
const HOST = `hello-default.${DOMAIN}`;
const REVISION = 'hello-00001';

/** Seed 002 §1.5 step 1 (observability) with the fast scale-down the other serving tests use. */
const METRICS_AND_FAST_SCALE_DOWN = JSON.stringify({
  spec: { config: { observability: { 'metrics.backend-destination': 'prometheus' }, autoscaler: { 'stable-window': '6s', 'scale-to-zero-grace-period': '2s' } } },
});

/** Seed 002 §1.5 step 2, verbatim. */
const NETWORK_POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-from-openshift-monitoring-ns
  namespace: knative-serving
spec:
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          name: "openshift-monitoring"
  podSelector: {}
`;

/** The seed's policy, as the user writes it again for the namespace of their revisions. */
const NETWORK_POLICY_DEFAULT = NETWORK_POLICY.replace('namespace: knative-serving', 'namespace: default');

/** Port-level PERMISSIVE mTLS on the metrics ports, so a scraper outside the mesh gets in. */
const METRICS_PERMISSIVE = [
  { namespace: 'knative-serving', name: 'activator-metrics', labels: 'app: activator', port: 9090 },
  { namespace: 'knative-serving', name: 'autoscaler-metrics', labels: 'app: autoscaler', port: 9090 },
  { namespace: 'default', name: 'hello-metrics', labels: 'serving.knative.dev/service: hello', port: 9091 },
].map((p) => `apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata:
  name: ${p.name}
  namespace: ${p.namespace}
spec:
  selector:
    matchLabels:
      ${p.labels}
  mtls:
    mode: STRICT
  portLevelMtls:
    ${p.port}:
      mode: PERMISSIVE
`).join('---\n');

function withTarget(ksvc: string): string {
  return ksvc.replace(/^( *)- (image: .+)$/m, (_m, indent: string, image: string) => `${indent}- ${image}\n${indent}  env:\n${indent}  - name: TARGET\n${indent}    value: Openshift`);
}

/** Prometheus as the cluster monitoring stack would run it: a pod in openshift-monitoring. */
function prometheusManifests(targets: { queueProxy: string; activator: string; autoscaler: string; activatorSm: string; autoscalerSm: string }): string {
  const job = (name: string, target: string) => `      - job_name: ${name}\n        static_configs:\n          - targets: ['${target}']\n`;
  // As the ServiceMonitors OpenShift Serverless installs: HTTPS to <component>-sm-service:8444
  // with Prometheus's service account token, the service CA bundle and the Service's name.
  // Relative paths are read beside prometheus.yml (one projected volume holds all three).
  const smJob = (name: string, service: string, target: string) => `      - job_name: ${name}\n        scheme: https\n        authorization:\n          credentials_file: token\n        tls_config:\n          ca_file: service-ca.crt\n          server_name: ${service}.knative-serving.svc\n        static_configs:\n          - targets: ['${target}']\n`;
  return `apiVersion: v1
kind: Namespace
metadata:
  name: openshift-monitoring
  labels:
    name: openshift-monitoring
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: prometheus-k8s
  namespace: openshift-monitoring
data:
  prometheus.yml: |
    global:
      scrape_interval: 1s
      scrape_timeout: 1s
    scrape_configs:
${job('queue-proxy', targets.queueProxy)}${job('activator', targets.activator)}${job('autoscaler', targets.autoscaler)}${smJob('activator-sm', 'activator-sm-service', targets.activatorSm)}${smJob('autoscaler-sm', 'autoscaler-sm-service', targets.autoscalerSm)}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: serving-certs-ca-bundle
  namespace: openshift-monitoring
  annotations:
    service.beta.openshift.io/inject-cabundle: "true"
---
apiVersion: v1
kind: Pod
metadata:
  name: prometheus-k8s-0
  namespace: openshift-monitoring
  labels:
    app.kubernetes.io/name: prometheus
spec:
  containers:
  - name: prometheus
    image: quay.io/prometheus/prometheus:v2.42.0
    args:
    - --config.file=/etc/prometheus/prometheus.yml
    - --storage.tsdb.path=/prometheus
    - --web.listen-address=$(POD_IP):9090
    env:
    - name: POD_IP
      valueFrom:
        fieldRef:
          fieldPath: status.podIP
    ports:
    - name: web
      containerPort: 9090
    readinessProbe:
      httpGet:
        path: /-/ready
        port: 9090
      periodSeconds: 1
    volumeMounts:
    - name: config
      mountPath: /etc/prometheus
    - name: data
      mountPath: /prometheus
  volumes:
  - name: config
    projected:
      sources:
      - configMap: {name: prometheus-k8s}
      - configMap: {name: serving-certs-ca-bundle}
      - serviceAccountToken: {path: token}
  - name: data
    emptyDir: {}
`;
}

interface Sample { metric: Record<string, string>; value: [number, string] }

describe('seed 002 §1.5: Knative metrics scraped by Prometheus in openshift-monitoring', { skip: existsSync(PROMETHEUS) ? false : `${PROMETHEUS} is not installed (Debian package prometheus)` }, () => {
  let s: TestSkiff;
  let certDir: string;
  let httpsPort: number;
  let prometheus = '';
  const curl = async () => {
    try {
      return (await run('curl', ['-sS', '--max-time', '60', '--cacert', 'root.crt', '--resolve', `${HOST}:${httpsPort}:127.0.0.1`, `https://${HOST}:${httpsPort}`], { cwd: certDir })).stdout;
    } catch (err) {
      return `curl failed: ${(err as { stderr?: string }).stderr ?? String(err)}`;
    }
  };
  const apply = (yaml: string) => s.kubectl.ok(['apply', '-f', '-'], { stdin: yaml });
  const clusterIP = (ns: string, svc: string) => s.kubectl.ok(['get', 'svc', '-n', ns, svc, '-o', 'jsonpath={.spec.clusterIP}']);
  /** Asks Prometheus until the query answers a series whose value passes `ok`. */
  const query = (promql: string, ok: (v: number) => boolean, timeoutMs = 60_000) => waitFor(`Prometheus answering ${promql}`, async () => {
    try {
      const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = await res.json() as { status: string; data?: { result: Sample[] } };
      const hit = body.data?.result.find((r) => ok(Number(r.value[1])));
      return body.status === 'success' && hit ? hit : undefined;
    } catch {
      return undefined;
    }
  }, timeoutMs);

  /** Several scrapes in a row (1 s apart) all fail. */
  const assertStaysDown = async (job: string) => {
    const since = Date.now();
    await waitFor(`three scrape intervals of ${job}`, () => (Date.now() - since > 3_500 ? true : undefined));
    const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(`max_over_time(up{job="${job}"}[3s])`)}`);
    const body = await res.json() as { data: { result: Sample[] } };
    assert.equal(body.data.result[0]?.value[1], '0', `${job} was scraped in the last 3 s`);
  };

  before(async () => {
    s = await startTestSkiff({ domain: DOMAIN });
    httpsPort = s.skiff.info.ingress!.https.port;
    certDir = mkdtempSync(join(tmpdir(), 'skiff-serving-metrics-'));
    // The monitoring image is the host's Prometheus (docs/images.md: user mappings).
    writeFileSync(join(s.dataDir, 'images.yaml'), `images:\n  - image: "quay.io/prometheus/prometheus:*"\n    command: ["${PROMETHEUS}"]\n`);
    const seed = await installSeedServing(s, certDir, { knativeServingPatch: METRICS_AND_FAST_SCALE_DOWN });
    await apply(withTarget(seed.knativeService));
    await s.kubectl.ok(['wait', 'ksvc/hello', '--for=condition=Ready', '--timeout=120s'], { timeoutMs: 130_000 });
    await waitFor('the service answering through the router', async () => ((await curl()) === 'Hello Openshift!\n' ? true : undefined), 60_000);

    await apply(prometheusManifests({
      queueProxy: `${await clusterIP('default', `${REVISION}-private`)}:9091`,
      activator: `${await clusterIP('knative-serving', 'activator-service')}:9090`,
      autoscaler: `${await clusterIP('knative-serving', 'autoscaler')}:9090`,
      activatorSm: `${await clusterIP('knative-serving', 'activator-sm-service')}:8444`,
      autoscalerSm: `${await clusterIP('knative-serving', 'autoscaler-sm-service')}:8444`,
    }));
    await s.kubectl.ok(['wait', '-n', 'openshift-monitoring', 'pod/prometheus-k8s-0', '--for=condition=Ready', '--timeout=90s'], { timeoutMs: 100_000 });
    const ip = await s.kubectl.ok(['get', 'pod', '-n', 'openshift-monitoring', 'prometheus-k8s-0', '-o', 'jsonpath={.status.podIP}']);
    prometheus = `http://${ip}:9090`;
  });
  after(async () => {
    await s?.stop();
    if (certDir) rmSync(certDir, { recursive: true, force: true });
  });

  it('the operator writes the backend into config-observability', async () => {
    const backend = await s.kubectl.ok(['get', 'cm', '-n', 'knative-serving', 'config-observability', '-o', 'jsonpath={.data.metrics\\.backend-destination}']);
    assert.equal(backend, 'prometheus');
  });

  it("under STRICT mTLS and the mesh's NetworkPolicies Prometheus, outside the mesh, cannot scrape; PERMISSIVE metrics ports and the seed's NetworkPolicy let it in", async () => {
    for (const job of ['queue-proxy', 'activator', 'autoscaler']) await query(`up{job="${job}"}`, (v) => v === 0);
    await apply(METRICS_PERMISSIVE);
    // Maistra's istio-mesh-basic still admits only the mesh's namespaces: the kernel drops the scrapes.
    await assertStaysDown('activator');
    await assertStaysDown('activator-sm');
    await apply(NETWORK_POLICY);
    for (const job of ['activator', 'autoscaler']) await query(`up{job="${job}"}`, (v) => v === 1);
  });

  it("the revision's namespace needs the policy too before its queue-proxy can be scraped", async () => {
    // (A request first, so the revision has a pod to scrape: it scales to zero in seconds here.)
    assert.equal(await curl(), 'Hello Openshift!\n');
    await assertStaysDown('queue-proxy');
    await apply(NETWORK_POLICY_DEFAULT);
    assert.equal(await curl(), 'Hello Openshift!\n');
    await query('up{job="queue-proxy"}', (v) => v === 1);
  });

  it('revision_request_count from the queue-proxy (:9091) counts the request', async () => {
    // Another request now that Prometheus is watching, so the count is scraped while the pod lives.
    assert.equal(await curl(), 'Hello Openshift!\n');
    const hit = await query(`revision_request_count{namespace_name="default",revision_name="${REVISION}",response_code="200"}`, (v) => v >= 1);
    assert.equal(hit.metric.job, 'queue-proxy');
    assert.equal(hit.metric.configuration_name, 'hello');
    assert.equal(hit.metric.service_name, 'hello');
  });

  it('autoscaler_desired_pods and the other KPA figures from the autoscaler pod (:9090)', async () => {
    // job= picks the plain :9090 scrape; the same series also come through kube-rbac-proxy (job autoscaler-sm).
    const desired = await query(`autoscaler_desired_pods{job="autoscaler",namespace_name="default",revision_name="${REVISION}"}`, (v) => v >= 0);
    assert.equal(desired.metric.job, 'autoscaler');
    assert.equal(desired.metric.service_name, 'hello');
    await query(`autoscaler_target_concurrency_per_pod{revision_name="${REVISION}"}`, (v) => v === 70);
    await query(`autoscaler_panic_mode{revision_name="${REVISION}"}`, (v) => v === 0 || v === 1);
    await query(`autoscaler_actual_pods{revision_name="${REVISION}"}`, (v) => v >= 0);
  });

  it('activator_request_count (:9090) after a request held by the activator while the revision scales from zero', async () => {
    await waitFor('no pods of the revision', async () => {
      const pods = await s.kubectl.ok(['get', 'pods', '-n', 'default', '-l', `serving.knative.dev/revision=${REVISION}`, '-o', 'name']);
      return pods.trim() === '' ? true : undefined;
    }, 120_000);
    await query(`autoscaler_desired_pods{revision_name="${REVISION}"}`, (v) => v === 0);
    assert.equal(await curl(), 'Hello Openshift!\n');
    const hit = await query(`activator_request_count{job="activator",namespace_name="default",revision_name="${REVISION}",response_code="200"}`, (v) => v >= 1);
    assert.equal(hit.metric.job, 'activator');
    assert.equal(hit.metric.container_name, 'activator');
  });

  it("OpenShift Serverless' metrics path: kube-rbac-proxy on 8444 (excluded from mTLS) serves the components' metrics to Prometheus's token, over the service CA's certificate", async () => {
    for (const job of ['activator-sm', 'autoscaler-sm']) await query(`up{job="${job}"}`, (v) => v === 1);
    const hit = await query(`activator_request_count{job="activator-sm",revision_name="${REVISION}"}`, (v) => v >= 1);
    assert.equal(hit.metric.namespace_name, 'default');
    await query(`autoscaler_desired_pods{job="autoscaler-sm",revision_name="${REVISION}"}`, (v) => v >= 0);
    // Without a token the proxy answers 401, with a wrong one too; the certificate is the service CA's.
    const podIP = await s.kubectl.ok(['get', 'pods', '-n', 'knative-serving', '-l', 'app=activator', '-o', 'jsonpath={.items[0].status.podIP}']);
    const bundle = join(certDir, 'service-ca.crt');
    writeFileSync(bundle, await s.kubectl.ok(['get', 'cm', '-n', 'openshift-monitoring', 'serving-certs-ca-bundle', '-o', 'jsonpath={.data.service-ca\\.crt}']));
    const status = async (...extra: string[]) => (await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', '--cacert', bundle, '--resolve', `activator-sm-service.knative-serving.svc:8444:${podIP}`, ...extra, 'https://activator-sm-service.knative-serving.svc:8444/metrics'])).stdout;
    assert.equal(await status(), '401');
    assert.equal(await status('-H', 'Authorization: Bearer not-a-token'), '401');
  });
});

