/**
 * KnativeServing installation end to end (issue 6 items 1 and 2), each on a fresh skiff:
 *
 * - Istio (seed 002 §1.4.3 with §1.7's annotation): `kubectl get knativeserving` columns and
 *   conditions, every Deployment available, activator and autoscaler meshed, spec.config and
 *   hand edits of the ConfigMaps live, spec.config.domain moving a ksvc's URL, and Secret
 *   informer filtering both ways on a hand-made KIngress with spec.tls.
 * - Kourier (seed 002 §1.6): the NetworkPolicy and namespace labels, the Kourier gateway in
 *   knative-serving-ingress, a ksvc answering through skiff's router → kourier → revision.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { waitFor } from '../support/runtime.ts';
import { seed002Serving } from '../support/seed-002-serving.ts';
import { startTestSkiff, type TestSkiff } from '../support/skiff.ts';

const run = promisify(execFile);
const DOMAIN = 'apps.openshift.example.com';
const WAIT = { timeoutMs: 130_000 };

/** §1.7's KnativeServing, verbatim. */
const FILTERING_SERVING = `apiVersion: operator.knative.dev/v1beta1
kind: KnativeServing
metadata:
  name: knative-serving
  namespace: knative-serving
  annotations:
    serverless.openshift.io/enable-secret-informer-filtering: "true"
spec:
  ingress:
    istio:
      enabled: true
  deployments:
    - annotations:
        sidecar.istio.io/inject: "true"
        sidecar.istio.io/rewriteAppHTTPProbers: "true"
      name: activator
    - annotations:
        sidecar.istio.io/inject: "true"
        sidecar.istio.io/rewriteAppHTTPProbers: "true"
      name: autoscaler
`;

const HELLO = (ns: string) => `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: hello
  namespace: ${ns}
spec:
  template:
    spec:
      containers:
      - image: gcr.io/knative-samples/helloworld-go
        env:
        - name: TARGET
          value: Kourier
`;

const TLS_INGRESS = `apiVersion: networking.internal.knative.dev/v1alpha1
kind: Ingress
metadata:
  name: shop
  namespace: default
  annotations:
    networking.knative.dev/ingress.class: istio.ingress.networking.knative.dev
spec:
  rules:
  - hosts: [shop.example.org]
    visibility: ExternalIP
    http:
      paths:
      - splits:
        - serviceName: shop
          serviceNamespace: default
          servicePort: 80
          percent: 100
  tls:
  - hosts: [shop.example.org]
    secretName: shop-cert
    secretNamespace: default
`;

type Condition = { type: string; status: string; reason?: string; message?: string };

describe('KnativeServing with Istio: install, live configuration, secret filtering', () => {
  let s: TestSkiff;
  const apply = (yaml: string) => s.kubectl.ok(['apply', '-f', '-'], { stdin: yaml });
  const conditions = async (args: string[]): Promise<Condition[]> => JSON.parse(await s.kubectl.ok(['get', ...args, '-o', 'jsonpath={.status.conditions}']) || '[]') as Condition[];
  const configMap = async (name: string) => JSON.parse(await s.kubectl.ok(['get', 'configmap', name, '-n', 'knative-serving', '-o', 'jsonpath={.data}'])) as Record<string, string>;

  before(async () => {
    s = await startTestSkiff({ domain: DOMAIN });
    const seed = seed002Serving();
    await apply(seed.smcp);
    await apply(seed.memberRoll);
    await s.kubectl.ok(['wait', '-n', 'istio-system', 'smcp/basic', '--for=condition=Ready', '--timeout=120s'], WAIT);
    await s.kubectl.ok(['wait', '-n', 'istio-system', 'smmr/default', '--for=condition=Ready', '--timeout=120s'], WAIT);
    await apply(FILTERING_SERVING);
    await s.kubectl.ok(['wait', '-n', 'knative-serving', 'knativeserving/knative-serving', '--for=condition=Ready', '--timeout=120s'], WAIT);
  });
  after(async () => {
    await s?.stop();
  });

  it('kubectl get knativeserving shows the version and Ready, with every upstream condition True', async () => {
    const table = await s.kubectl.ok(['get', 'knativeserving', '-n', 'knative-serving']);
    const [header, row] = table.trim().split('\n');
    assert.match(header!, /^NAME\s+VERSION\s+READY\s+REASON\s*$/);
    assert.match(row!, /^knative-serving\s+1\.15\.2\s+True\s*$/);
    const byType = Object.fromEntries((await conditions(['knativeserving', 'knative-serving', '-n', 'knative-serving'])).map((c) => [c.type, c.status]));
    for (const type of ['DependenciesInstalled', 'DeploymentsAvailable', 'InstallSucceeded', 'Ready']) assert.equal(byType[type], 'True', type);
  });

  it('every Serving Deployment is available', async () => {
    const out = await s.kubectl.ok(['get', 'deploy', '-n', 'knative-serving', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.availableReplicas}/{.spec.replicas} {end}']);
    const available = Object.fromEntries(out.trim().split(/\s+/).map((kv) => kv.split('=') as [string, string]));
    assert.deepEqual(Object.keys(available).sort(), ['activator', 'autoscaler', 'controller', 'net-istio-controller', 'net-istio-webhook', 'webhook']);
    for (const [name, count] of Object.entries(available)) assert.equal(count, '1/1', name);
  });

  it('activator and autoscaler pods carry the seed\'s annotations and run the istio-proxy sidecar', async () => {
    for (const app of ['activator', 'autoscaler']) {
      const pod = JSON.parse(await s.kubectl.ok(['get', 'pods', '-n', 'knative-serving', '-l', `app=${app}`, '-o', 'jsonpath={.items[0]}'])) as { metadata: { annotations: Record<string, string> }; spec: { containers: Array<{ name: string }> } };
      assert.equal(pod.metadata.annotations['sidecar.istio.io/inject'], 'true', app);
      assert.equal(pod.metadata.annotations['sidecar.istio.io/rewriteAppHTTPProbers'], 'true', app);
      assert.ok(pod.spec.containers.some((c) => c.name === 'istio-proxy'), `${app} has istio-proxy`);
    }
    assert.equal(await s.kubectl.ok(['get', 'namespace', 'knative-serving', '-o', 'jsonpath={.metadata.labels.knative\\.openshift\\.io/part-of}']), 'openshift-serverless');
  });

  it('spec.config.autoscaler reaches config-autoscaler live, and a hand-set key survives', async () => {
    await s.kubectl.ok(['patch', 'configmap', 'config-autoscaler', '-n', 'knative-serving', '--type', 'merge', '-p', '{"data":{"max-scale-limit":"7"}}']);
    await s.kubectl.ok(['patch', 'knativeserving', 'knative-serving', '-n', 'knative-serving', '--type', 'merge', '-p', '{"spec":{"config":{"autoscaler":{"stable-window":"6s"}}}}']);
    const data = await waitFor('config-autoscaler with the CR\'s stable-window', async () => {
      const d = await configMap('config-autoscaler');
      return d['stable-window'] === '6s' ? d : undefined;
    }, 30_000);
    assert.equal(data['max-scale-limit'], '7');
  });

  it('spec.config.domain moves a Knative Service\'s URL live', async () => {
    await apply(HELLO('default'));
    const url = () => s.kubectl.ok(['get', 'ksvc', 'hello', '-n', 'default', '-o', 'jsonpath={.status.url}']);
    await waitFor('the apps-domain URL', async () => ((await url()) === `https://hello-default.${DOMAIN}` ? true : undefined), 60_000);
    await s.kubectl.ok(['patch', 'knativeserving', 'knative-serving', '-n', 'knative-serving', '--type', 'merge', '-p', '{"spec":{"config":{"domain":{"example.org":""}}}}']);
    await waitFor('the URL on the CR\'s domain', async () => ((await url()) === 'https://hello-default.example.org' ? true : undefined), 60_000);
    assert.deepEqual(Object.keys(await configMap('config-domain')).filter((k) => k !== '_example'), ['example.org']);
  });

  it('with the filtering annotation net-istio only sees labelled secrets; without it, every secret', async () => {
    const env = () => s.kubectl.ok(['get', 'deploy', 'net-istio-controller', '-n', 'knative-serving', '-o', 'jsonpath={.spec.template.spec.containers[0].env[?(@.name=="ENABLE_SECRET_INFORMER_FILTERING_BY_CERT_UID")].value}']);
    assert.equal(await env(), 'true');
    await s.kubectl.ok(['create', 'secret', 'generic', 'shop-cert', '-n', 'default', '--type=kubernetes.io/tls', '--from-literal=tls.crt=unused', '--from-literal=tls.key=unused']);
    await apply(TLS_INGRESS);
    const ingress = ['ingress.networking.internal.knative.dev', 'shop', '-n', 'default'];
    const ready = async () => (await conditions(ingress)).find((c) => c.type === 'Ready');
    const configured = async () => (await conditions(ingress)).find((c) => c.type === 'NetworkConfigured')?.status === 'True' && (await ready())?.reason !== 'ReconcileIngressFailed';
    const failed = async () => (await ready())?.reason === 'ReconcileIngressFailed';
    await waitFor('the unlabelled secret unseen: reconcile failed', async () => ((await failed()) ? true : undefined), 30_000);
    // Events are written asynchronously: wait for it rather than read once.
    await waitFor('an event saying the secret is not found', async () => /secret "shop-cert" not found/.test(await s.kubectl.ok(['get', 'events', '-n', 'default', '--field-selector', 'involvedObject.name=shop', '-o', 'jsonpath={.items[*].message}'])) || undefined);

    await s.kubectl.ok(['label', 'secret', 'shop-cert', '-n', 'default', 'networking.internal.knative.dev/certificate-uid=shop']);
    await waitFor('the labelled secret seen', async () => ((await configured()) ? true : undefined), 30_000);

    await s.kubectl.ok(['label', 'secret', 'shop-cert', '-n', 'default', 'networking.internal.knative.dev/certificate-uid-']);
    await waitFor('unlabelled again: failed again', async () => ((await failed()) ? true : undefined), 30_000);

    await s.kubectl.ok(['annotate', 'knativeserving', 'knative-serving', '-n', 'knative-serving', 'serverless.openshift.io/enable-secret-informer-filtering-']);
    await waitFor('the env removed from net-istio-controller', async () => ((await env()) === '' ? true : undefined), 30_000);
    await waitFor('without filtering the unlabelled secret is seen', async () => ((await configured()) ? true : undefined), 30_000);
  });
});

/** §1.6's NetworkPolicy for a namespace integrated with the mesh while Kourier is enabled. */
const NETWORK_POLICY = (ns: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-from-serving-system-namespace
  namespace: ${ns}
spec:
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          knative.openshift.io/part-of: "openshift-serverless"
  podSelector: {}
  policyTypes:
  - Ingress
`;

const MEMBER_ROLL = (ns: string) => `apiVersion: maistra.io/v1
kind: ServiceMeshMemberRoll
metadata:
  name: default
  namespace: istio-system
spec:
  members:
    - ${ns}
`;

const KOURIER_SERVING = `apiVersion: operator.knative.dev/v1beta1
kind: KnativeServing
metadata:
  name: knative-serving
  namespace: knative-serving
spec:
  ingress:
    kourier:
      enabled: true
`;

describe('KnativeServing with Kourier (seed 002 §1.6): a Knative Service answers through the router', () => {
  let s: TestSkiff;
  const apply = (yaml: string) => s.kubectl.ok(['apply', '-f', '-'], { stdin: yaml });
  const HOST = `hello-demo.${DOMAIN}`;

  before(async () => {
    s = await startTestSkiff({ domain: DOMAIN });
    await s.kubectl.ok(['create', 'namespace', 'demo']);
    // §1.6 step 1: the namespace joins the mesh's member roll (the SMCP of §1.4 stands for the installed mesh).
    await apply(seed002Serving().smcp);
    await apply(MEMBER_ROLL('demo'));
    await apply(KOURIER_SERVING);
    await apply(NETWORK_POLICY('demo'));
    await s.kubectl.ok(['wait', '-n', 'knative-serving', 'knativeserving/knative-serving', '--for=condition=Ready', '--timeout=120s'], WAIT);
  });
  after(async () => {
    await s?.stop();
  });

  it('installs the Kourier gateway in knative-serving-ingress, both namespaces labelled part of Serverless', async () => {
    await s.kubectl.ok(['wait', '-n', 'knative-serving-ingress', 'deploy/3scale-kourier-gateway', '--for=condition=Available', '--timeout=60s'], WAIT);
    for (const ns of ['knative-serving', 'knative-serving-ingress']) {
      assert.equal(await s.kubectl.ok(['get', 'namespace', ns, '-o', 'jsonpath={.metadata.labels.knative\\.openshift\\.io/part-of}']), 'openshift-serverless', ns);
    }
    const cls = await s.kubectl.ok(['get', 'configmap', 'config-network', '-n', 'knative-serving', '-o', 'jsonpath={.data.ingress-class}']);
    assert.equal(cls, 'kourier.ingress.networking.knative.dev');
  });

  it('a Knative Service becomes Ready with Kourier\'s load balancers and answers over the router', async () => {
    await apply(HELLO('demo'));
    await s.kubectl.ok(['wait', 'ksvc/hello', '-n', 'demo', '--for=condition=Ready', '--timeout=120s'], WAIT);
    const lb = await s.kubectl.ok(['get', 'ingress.networking.internal.knative.dev', 'hello', '-n', 'demo', '-o', 'jsonpath={.status.publicLoadBalancer.ingress[0].domainInternal} {.status.privateLoadBalancer.ingress[0].domainInternal}']);
    assert.equal(lb, 'kourier.knative-serving-ingress.svc.cluster.local kourier-internal.knative-serving-ingress.svc.cluster.local');
    const route = await waitFor('the OpenShift Route to kourier', async () => {
      const out = await s.kubectl.ok(['get', 'routes.route.openshift.io', '-n', 'knative-serving-ingress', '-o', 'jsonpath={range .items[*]}{.spec.host} {.spec.to.name} {.spec.tls.termination}{end}']);
      return out.trim() === '' ? undefined : out.trim();
    }, 30_000);
    assert.equal(route, `${HOST} kourier edge`);
    const port = s.skiff.info.ingress!.http.port;
    const body = await waitFor('Hello Kourier! through the router', async () => {
      try {
        const r = await run('curl', ['-sS', '--max-time', '30', '--resolve', `${HOST}:${port}:127.0.0.1`, `http://${HOST}:${port}`]);
        return r.stdout === 'Hello Kourier!\n' ? r.stdout : undefined;
      } catch {
        return undefined;
      }
    }, 60_000);
    assert.equal(body, 'Hello Kourier!\n');
    // The Route is edge: the router terminates TLS (its default certificate) and forwards plain HTTP to kourier.
    const httpsPort = s.skiff.info.ingress!.https.port;
    const tls = await run('curl', ['-sSk', '--max-time', '30', '--resolve', `${HOST}:${httpsPort}:127.0.0.1`, `https://${HOST}:${httpsPort}`]);
    assert.equal(tls.stdout, 'Hello Kourier!\n');
  });

  it('the demo namespace is a mesh member with §1.6\'s NetworkPolicy', async () => {
    await s.kubectl.ok(['wait', '-n', 'istio-system', 'smmr/default', '--for=condition=Ready', '--timeout=120s'], WAIT);
    const members = await s.kubectl.ok(['get', 'smmr', 'default', '-n', 'istio-system', '-o', 'jsonpath={.status.configuredMembers}']);
    assert.match(members, /"demo"/);
    const from = await s.kubectl.ok(['get', 'networkpolicy', 'allow-from-serving-system-namespace', '-n', 'demo', '-o', 'jsonpath={.spec.ingress[0].from[0].namespaceSelector.matchLabels}']);
    assert.deepEqual(JSON.parse(from), { 'knative.openshift.io/part-of': 'openshift-serverless' });
  });
});
