import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Fields } from '../../api/mesh/fields.ts';
import type { KubeObject } from '../../api/object.ts';
import { injectSidecar, type InjectorConfig } from './sidecar-injection-template.ts';

/** The injector values and MeshConfig the control plane writes for seed 002's `basic` SMCP. */
const CONFIG: InjectorConfig = {
  revision: 'basic',
  values: {
    global: {
      istioNamespace: 'istio-system',
      meshID: 'cluster.local',
      network: '',
      multiCluster: { clusterName: 'Kubernetes' },
      trustDomain: 'cluster.local',
      proxy: {
        clusterDomain: 'cluster.local', excludeInboundPorts: '8444,8022', includeInboundPorts: '*', excludeOutboundPorts: '',
        includeIPRanges: '*', excludeIPRanges: '', interceptionMode: 'REDIRECT', image: 'registry.redhat.io/openshift-service-mesh/proxyv2-rhel8:2.5.0', statusPort: 15020,
      },
    },
    revision: 'basic',
    sidecarInjectorWebhook: { rewriteAppHTTPProbe: true, enableNamespacesByDefault: false },
  },
  meshConfig: {
    defaultConfig: { discoveryAddress: 'istiod-basic.istio-system.svc:15012', proxyMetadata: {}, tracing: {}, terminationDrainDuration: '35s' },
    enablePrometheusMerge: true,
    trustDomain: 'cluster.local',
  },
};

/** A Knative revision pod of the seed's ksvc (template annotations `inject` and `rewriteAppHTTPProbers`). */
function knativePod(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'hello-00001-deployment-7d4b9c-x2x9z',
      namespace: 'serverless-test',
      labels: { app: 'hello-00001', 'serving.knative.dev/service': 'hello', 'pod-template-hash': '7d4b9c' },
      annotations: { 'sidecar.istio.io/inject': 'true', 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'hello-00001-deployment-7d4b9c', uid: 'u', controller: true }],
    },
    spec: {
      serviceAccountName: 'default',
      containers: [
        { name: 'user-container', image: 'gcr.io/knative-samples/helloworld-go', ports: [{ name: 'user-port', containerPort: 8080, protocol: 'TCP' }] },
        {
          name: 'queue-proxy',
          image: 'registry.example/queue',
          ports: [{ name: 'http-queueadm', containerPort: 8022, protocol: 'TCP' }, { name: 'http1', containerPort: 8012, protocol: 'TCP' }],
          readinessProbe: { httpGet: { port: 8012, scheme: 'HTTP', httpHeaders: [{ name: 'K-Network-Probe', value: 'queue' }] }, periodSeconds: 1, timeoutSeconds: 1 },
        },
      ],
    },
  };
}

const envOf = (proxy: Fields) => Object.fromEntries((proxy.env as Array<{ name: string; value?: string }>).map((e) => [e.name, e.value]));

test('a Knative pod gets istio-proxy, Istio volumes, labels, annotations and a status annotation', () => {
  const pod = knativePod();
  injectSidecar(pod, CONFIG);
  const containers = (pod.spec as { containers: Fields[] }).containers;
  assert.deepEqual(containers.map((c) => c.name), ['user-container', 'queue-proxy', 'istio-proxy']);
  const proxy = containers[2]!;
  assert.equal(proxy.image, 'registry.redhat.io/openshift-service-mesh/proxyv2-rhel8:2.5.0');
  assert.deepEqual(proxy.args, ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info']);
  assert.deepEqual(proxy.ports, [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }]);
  assert.deepEqual((proxy.readinessProbe as Fields).httpGet, { path: '/healthz/ready', port: 15021, scheme: 'HTTP' });
  const env = envOf(proxy);
  assert.equal(env.CA_ADDR, 'istiod-basic.istio-system.svc:15012');
  assert.equal(env.ISTIO_META_WORKLOAD_NAME, 'hello-00001-deployment');
  assert.equal(env.ISTIO_META_OWNER, 'kubernetes://apis/apps/v1/namespaces/serverless-test/deployments/hello-00001-deployment');
  assert.equal(env.ISTIO_META_APP_CONTAINERS, 'user-container,queue-proxy');
  assert.equal(env.ISTIO_META_POD_PORTS, '[\n    {"name":"user-port","containerPort":8080,"protocol":"TCP"}\n    ,{"name":"http-queueadm","containerPort":8022,"protocol":"TCP"}\n    ,{"name":"http1","containerPort":8012,"protocol":"TCP"}\n]');
  assert.equal(env.ISTIO_META_MESH_ID, 'cluster.local');
  assert.equal(env.TRUST_DOMAIN, 'cluster.local');
  assert.equal(env.ISTIO_META_NETWORK, undefined);
  assert.deepEqual(JSON.parse(env.PROXY_CONFIG!), CONFIG.meshConfig.defaultConfig);
  // The queue-proxy's readiness probe goes through the agent.
  assert.equal(env.ISTIO_KUBE_APP_PROBERS, '{"/app-health/queue-proxy/readyz":{"httpGet":{"port":8012,"scheme":"HTTP","httpHeaders":[{"name":"K-Network-Probe","value":"queue"}]},"timeoutSeconds":1}}');
  assert.deepEqual((containers[1]!.readinessProbe as Fields).httpGet, { port: 15020, scheme: 'HTTP', httpHeaders: [{ name: 'K-Network-Probe', value: 'queue' }], path: '/app-health/queue-proxy/readyz' });

  const volumes = (pod.spec as { volumes: Fields[] }).volumes.map((v) => v.name);
  assert.deepEqual(volumes, ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert']);
  const a = pod.metadata.annotations!;
  assert.deepEqual(JSON.parse(a['sidecar.istio.io/status']!), { initContainers: null, containers: ['istio-proxy'], volumes, imagePullSecrets: null, revision: 'basic' });
  assert.equal(a['sidecar.istio.io/status'], `{"initContainers":null,"containers":["istio-proxy"],"volumes":${JSON.stringify(volumes)},"imagePullSecrets":null,"revision":"basic"}`);
  assert.equal(a['kubectl.kubernetes.io/default-container'], 'user-container');
  assert.equal(a['kubectl.kubernetes.io/default-logs-container'], 'user-container');
  assert.equal(a['traffic.sidecar.istio.io/excludeInboundPorts'], '8444,8022,15020');
  assert.equal(a['traffic.sidecar.istio.io/includeInboundPorts'], '*');
  assert.equal(a['traffic.sidecar.istio.io/includeOutboundIPRanges'], '*');
  assert.equal(a['traffic.sidecar.istio.io/excludeOutboundPorts'], undefined);
  assert.equal(a['sidecar.istio.io/interceptionMode'], 'REDIRECT');
  assert.deepEqual([a['prometheus.io/port'], a['prometheus.io/path'], a['prometheus.io/scrape']], ['15020', '/stats/prometheus', 'true']);
  assert.deepEqual(pod.metadata.labels, {
    app: 'hello-00001', 'serving.knative.dev/service': 'hello', 'pod-template-hash': '7d4b9c',
    'security.istio.io/tlsMode': 'istio', 'service.istio.io/canonical-name': 'hello-00001', 'service.istio.io/canonical-revision': 'latest',
  });
});

test('pod annotations override the values: traffic ports, proxy config, log levels, app scrape settings', () => {
  const pod = knativePod();
  Object.assign(pod.metadata.annotations!, {
    'traffic.sidecar.istio.io/excludeInboundPorts': '9000',
    'traffic.sidecar.istio.io/excludeOutboundPorts': '5432',
    'proxy.istio.io/config': 'concurrency: 2\nproxyMetadata:\n  ISTIO_META_DNS_CAPTURE: "true"\n',
    'sidecar.istio.io/logLevel': 'debug',
    'sidecar.istio.io/rewriteAppHTTPProbers': 'false',
    'prometheus.io/scrape': 'true',
    'prometheus.io/port': '9090',
  });
  pod.metadata.labels!.version = 'v2';
  injectSidecar(pod, CONFIG);
  const a = pod.metadata.annotations!;
  assert.equal(a['traffic.sidecar.istio.io/excludeInboundPorts'], '9000,15020');
  assert.equal(a['traffic.sidecar.istio.io/excludeOutboundPorts'], '5432');
  const proxy = (pod.spec as { containers: Fields[] }).containers[2]!;
  assert.ok((proxy.args as string[]).includes('--proxyLogLevel=debug'));
  assert.deepEqual((proxy.args as string[]).slice(-2), ['--concurrency', '2']);
  const env = envOf(proxy);
  assert.equal(JSON.parse(env.PROXY_CONFIG!).terminationDrainDuration, '35s');
  assert.equal(env.ISTIO_META_DNS_CAPTURE, 'true');
  assert.equal(env.ISTIO_KUBE_APP_PROBERS, undefined);
  assert.equal(env.ISTIO_PROMETHEUS_ANNOTATIONS, '{"scrape":"true","path":"","port":"9090"}');
  assert.equal(a['prometheus.io/port'], '15020');
  assert.equal(pod.metadata.labels!['service.istio.io/canonical-revision'], 'v2');
});

test('a bare pod is its own workload; prometheus.io/scrape=false keeps its annotations', () => {
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo', namespace: 'ns', annotations: { 'prometheus.io/scrape': 'false' } }, spec: { containers: [{ name: 'app', image: 'x' }] } };
  injectSidecar(pod, CONFIG);
  const env = envOf((pod.spec as { containers: Fields[] }).containers[1]!);
  assert.equal(env.ISTIO_META_WORKLOAD_NAME, 'solo');
  assert.equal(env.ISTIO_META_OWNER, 'kubernetes://apis/v1/namespaces/ns/pods/solo');
  assert.equal(env.ISTIO_META_POD_PORTS, '[\n]');
  assert.equal(pod.metadata.annotations!['prometheus.io/port'], undefined);
  assert.equal(pod.metadata.labels!['service.istio.io/canonical-name'], 'solo');
});
