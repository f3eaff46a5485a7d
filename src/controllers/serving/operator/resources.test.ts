import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.ts';
import { CONFIG_KEYS_ANNOTATION, configMaps, mergeConfigData } from './configmaps.ts';
import { manifestOf } from './manifest.ts';
import { OWNER_NAME_LABEL, SECRET_FILTERING_ANNOTATION, SECRET_FILTERING_ENV } from './meta.ts';
import { servingSpecOf } from './spec.ts';

/** The seed's KnativeServing (002: Service Mesh integration). */
function seedServing(extra: { annotations?: Record<string, string>; spec?: Record<string, unknown> } = {}): KubeObject {
  return {
    apiVersion: 'operator.knative.dev/v1beta1',
    kind: 'KnativeServing',
    metadata: { name: 'knative-serving', namespace: 'knative-serving', uid: 'uid-1', generation: 1, ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: {
      ingress: { istio: { enabled: true } },
      deployments: [
        { name: 'activator', annotations: { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' } },
        { name: 'autoscaler', annotations: { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' } },
      ],
      config: { istio: { 'gateway.knative-serving.knative-ingress-gateway': 'istio-ingressgateway.istio-system.svc.cluster.local' } },
      ...(extra.spec ?? {}),
    },
  };
}

const render = (cr: KubeObject) => manifestOf(cr, servingSpecOf(cr), 'apps.openshift.example.com');
const find = (objs: KubeObject[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
type Pod = { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: { containers: Array<{ image?: string; env?: unknown; resources?: unknown; readinessProbe: { httpGet?: unknown } }>; serviceAccountName?: string; terminationGracePeriodSeconds?: number } };
const podOf = (d: KubeObject | undefined) => (d?.spec as { template: Pod }).template;

test('istio ingress: Serving core plus net-istio, owned by the CR, with the seed\'s pod annotations', () => {
  const m = render(seedServing());
  const deployments = m.objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort();
  assert.deepEqual(deployments, ['activator', 'autoscaler', 'controller', 'net-istio-controller', 'net-istio-webhook', 'webhook']);
  assert.deepEqual(m.namespaces, []);
  for (const obj of m.objects) {
    assert.equal(obj.metadata.ownerReferences?.[0]?.uid, 'uid-1', `${obj.kind}/${obj.metadata.name}`);
    assert.equal(obj.metadata.labels?.[OWNER_NAME_LABEL], 'knative-serving');
  }
  const activator = find(m.objects, 'Deployment', 'activator')!;
  assert.deepEqual(activator.metadata.labels?.app, 'activator');
  assert.equal(activator.metadata.labels?.['app.kubernetes.io/component'], 'activator');
  assert.equal(activator.metadata.labels?.['app.kubernetes.io/name'], 'knative-serving');
  assert.equal(activator.metadata.annotations?.['sidecar.istio.io/inject'], 'true');
  const pod = podOf(activator);
  assert.equal(pod.metadata.annotations?.['sidecar.istio.io/inject'], 'true');
  assert.equal(pod.spec.terminationGracePeriodSeconds, 600);
  const c = pod.spec.containers[0]!;
  assert.equal(c.image, 'gcr.io/knative-releases/knative.dev/serving/cmd/activator:v1.15.2');
  assert.deepEqual(c.readinessProbe.httpGet, { port: 8012, httpHeaders: [{ name: 'k-kubelet-probe', value: 'activator' }] });
  assert.equal(podOf(find(m.objects, 'Deployment', 'controller')).metadata.annotations?.['sidecar.istio.io/inject'], undefined);
  assert.equal(podOf(find(m.objects, 'Deployment', 'net-istio-controller')).spec.containers[0]!.image, 'gcr.io/knative-releases/knative.dev/net-istio/cmd/controller:v1.15.1');
  const svc = find(m.objects, 'Service', 'activator-service')!;
  assert.deepEqual((svc.spec as { selector: unknown }).selector, { app: 'activator' });
  assert.deepEqual((svc.spec as { ports: Array<{ name: string; port: number; targetPort: number }> }).ports.map((p) => `${p.name}:${p.port}->${p.targetPort}`),
    ['http-metrics:9090->9090', 'http-profiling:8008->8008', 'http:80->8012', 'http2:81->8013', 'https:443->8112']);
  for (const sa of ['controller', 'activator']) assert.ok(find(m.objects, 'ServiceAccount', sa), sa);
  assert.ok(find(m.objects, 'ConfigMap', 'config-istio'));
  assert.equal(find(m.objects, 'ConfigMap', 'config-kourier'), undefined);
});

test('kourier ingress: its controller beside Serving, the gateway and its Services in knative-serving-ingress (labels, no owner refs)', () => {
  const m = render(seedServing({ spec: { ingress: { kourier: { enabled: true } } } }));
  assert.deepEqual(m.namespaces.map((n) => [n.metadata.name, n.metadata.labels?.['knative.openshift.io/part-of']]), [['knative-serving-ingress', 'openshift-serverless']]);
  const gateway = find(m.objects, 'Deployment', '3scale-kourier-gateway')!;
  assert.equal(gateway.metadata.namespace, 'knative-serving-ingress');
  assert.equal(gateway.metadata.ownerReferences, undefined);
  assert.equal(gateway.metadata.labels?.[OWNER_NAME_LABEL], 'knative-serving');
  assert.equal(find(m.objects, 'Deployment', 'net-kourier-controller')?.metadata.namespace, 'knative-serving');
  assert.equal(find(m.objects, 'Deployment', 'net-istio-controller'), undefined);
  for (const name of ['kourier', 'kourier-internal']) assert.equal(find(m.objects, 'Service', name)?.metadata.namespace, 'knative-serving-ingress');
  assert.equal((find(m.objects, 'ConfigMap', 'config-network')?.data as Record<string, string>)['ingress-class'], 'kourier.ingress.networking.knative.dev');
});

test('workload overrides: replicas, labels, env per container, resources; workloads win over deployments', () => {
  const m = render(seedServing({ spec: {
    'high-availability': { replicas: 2 },
    workloads: [
      { name: 'controller', replicas: 3, labels: { team: 'a' }, env: [{ container: 'controller', envVars: [{ name: 'METRICS_DOMAIN', value: 'x' }, { name: 'EXTRA', value: '1' }] }], resources: [{ container: 'controller', limits: { memory: '2Gi' } }] },
    ],
  } }));
  const controller = find(m.objects, 'Deployment', 'controller')!;
  assert.equal((controller.spec as { replicas: number }).replicas, 3);
  assert.equal((find(m.objects, 'Deployment', 'webhook')!.spec as { replicas: number }).replicas, 2);
  assert.equal(controller.metadata.labels?.team, 'a');
  const pod = podOf(controller);
  assert.equal(pod.metadata.labels.team, 'a');
  const env = pod.spec.containers[0]!.env as Array<{ name: string; value?: string }>;
  assert.equal(env.find((e) => e.name === 'METRICS_DOMAIN')?.value, 'x');
  assert.equal(env.filter((e) => e.name === 'METRICS_DOMAIN').length, 1);
  assert.equal(env.at(-1)?.name, 'EXTRA');
  assert.deepEqual(pod.spec.containers[0]!.resources, { requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '1000m', memory: '2Gi' } });
});

test('secret informer filtering: the CR annotation sets the env on net-istio-controller, an override can turn it off', () => {
  const envOf = (cr: KubeObject) => (podOf(find(render(cr).objects, 'Deployment', 'net-istio-controller')).spec.containers[0]!.env as Array<{ name: string; value?: string }>)
    .find((e) => e.name === SECRET_FILTERING_ENV)?.value;
  assert.equal(envOf(seedServing()), undefined);
  assert.equal(envOf(seedServing({ annotations: { [SECRET_FILTERING_ANNOTATION]: 'true' } })), 'true');
  assert.equal(envOf(seedServing({
    annotations: { [SECRET_FILTERING_ANNOTATION]: 'true' },
    spec: { workloads: [{ name: 'net-istio-controller', env: [{ container: 'controller', envVars: [{ name: SECRET_FILTERING_ENV, value: 'false' }] }] }] },
  })), 'false');
});

test('secret informer filtering: with Kourier the annotation sets the env on net-kourier-controller', () => {
  const cr = seedServing({ annotations: { [SECRET_FILTERING_ANNOTATION]: 'true' }, spec: { ingress: { kourier: { enabled: true } } } });
  const env = podOf(find(render(cr).objects, 'Deployment', 'net-kourier-controller')).spec.containers[0]!.env as Array<{ name: string; value?: string }>;
  assert.equal(env.find((e) => e.name === SECRET_FILTERING_ENV)?.value, 'true');
});

test('ConfigMaps: upstream examples, OpenShift defaults, spec.config in either spelling', () => {
  const cr = seedServing({ spec: { config: { network: { 'tag-template': '{{.Name}}-{{.Tag}}' }, 'config-autoscaler': { 'enable-scale-to-zero': 'false' } } } });
  const cms = configMaps('knative-serving', servingSpecOf(cr), 'apps.example.com');
  const data = (name: string) => cms.find((c) => c.metadata.name === name)!.data as Record<string, string>;
  assert.deepEqual(cms.map((c) => c.metadata.name), ['config-autoscaler', 'config-defaults', 'config-deployment', 'config-domain', 'config-features', 'config-gc', 'config-istio', 'config-logging', 'config-network', 'config-observability', 'config-tracing']);
  for (const cm of cms) {
    assert.match((cm.data as Record<string, string>)._example!, /EXAMPLE CONFIGURATION/);
    assert.match(cm.metadata.annotations!['knative.dev/example-checksum']!, /^[0-9a-f]{8}$/);
  }
  assert.equal(data('config-network')['domain-template'], '{{.Name}}-{{.Namespace}}.{{.Domain}}');
  assert.equal(data('config-network')['ingress-class'], 'istio.ingress.networking.knative.dev');
  assert.equal(data('config-network')['tag-template'], '{{.Name}}-{{.Tag}}');
  assert.equal(data('config-autoscaler')['enable-scale-to-zero'], 'false');
  assert.deepEqual(Object.keys(data('config-domain')).filter((k) => k !== '_example'), ['apps.example.com']);
  assert.equal(data('config-deployment')['queue-sidecar-image'], 'gcr.io/knative-releases/knative.dev/serving/cmd/queue:v1.15.2');
  assert.match(data('config-autoscaler')._example!, /^target-burst-capacity: "211"$/m);
});

test('spec.config.domain replaces the apps domain in config-domain', () => {
  const cr = seedServing({ spec: { config: { domain: { 'example.org': '' } } } });
  const cm = configMaps('knative-serving', servingSpecOf(cr), 'apps.example.com').find((c) => c.metadata.name === 'config-domain')!;
  assert.deepEqual(Object.keys(cm.data as Record<string, string>).filter((k) => k !== '_example'), ['example.org']);
});

test('a live ConfigMap keeps hand-added keys and loses the keys the CR stopped setting', () => {
  const desired: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config-network', annotations: { [CONFIG_KEYS_ANNOTATION]: 'ingress-class' } }, data: { _example: 'e', 'ingress-class': 'istio' } };
  const live: KubeObject = {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'config-network', annotations: { [CONFIG_KEYS_ANNOTATION]: 'ingress-class,tag-template' } },
    data: { _example: 'old', 'ingress-class': 'kourier', 'tag-template': 'x', 'mine': 'kept' },
  };
  assert.deepEqual(mergeConfigData(live, desired), { _example: 'e', 'ingress-class': 'istio', mine: 'kept' });
  assert.deepEqual(mergeConfigData(undefined, desired), desired.data);
});
