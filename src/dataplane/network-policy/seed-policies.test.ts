/**
 * The NetworkPolicies skiff actually meets: seed 002's two (verbatim from the document)
 * and the ones Maistra's control plane writes into every member namespace (built here by
 * the control-plane and member resource builders themselves), on a Serverless-on-mesh
 * world: knative-serving and default are mesh members, the router lives in
 * openshift-ingress, Prometheus in openshift-monitoring.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { appliedSpecOf } from '../../controllers/mesh/controlplane/resources/applied-spec.ts';
import { meshPolicyObjects } from '../../controllers/mesh/controlplane/resources/mesh-policies.ts';
import { meshSettingsOf } from '../../controllers/mesh/controlplane/resources/settings.ts';
import { memberNetworkPolicies } from '../../controllers/mesh/member/resources/network-policies.ts';
import { admitIngress } from './admit.ts';
import { compileNetworkPolicies } from './compile.ts';
import { fromExternal, fromNode, fromPod, namespace, pod } from './fixtures.ts';
import type { ConnectionSource, NetworkPolicy } from './types.ts';

// Seed 002 §1.5 step 2, as printed (no policyTypes: the API server defaults [Ingress]).
const ALLOW_MONITORING = `
apiVersion: networking.k8s.io/v1
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

// Seed 002 §1.6 step 2, for the member namespace `default`.
const ALLOW_SERVING_SYSTEM = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-from-serving-system-namespace
  namespace: default
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

const CP = { namespace: 'istio-system', name: 'basic', uid: 'u-1', generation: 1 };

function maistraPolicies(members: string[]): NetworkPolicy[] {
  const applied = appliedSpecOf({ security: { dataPlane: { mtls: true } } });
  assert.ok(applied.ok);
  const inMesh = meshPolicyObjects(meshSettingsOf(CP, applied.appliedSpec))
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => ({ ...o, metadata: { ...o.metadata, namespace: 'istio-system' } }));
  assert.deepEqual(inMesh.map((o) => o.metadata.name), ['istio-mesh-basic', 'istio-expose-route-basic']);
  return [...inMesh, ...members.flatMap((m) => memberNetworkPolicies(inMesh, 'istio-system', m))] as NetworkPolicy[];
}

const member = { 'maistra.io/member-of': 'istio-system' };
const serverless = { 'knative.openshift.io/part-of': 'openshift-serverless' };
const NAMESPACES = [
  namespace('istio-system', member),
  namespace('knative-serving', { ...member, ...serverless }),
  namespace('knative-serving-ingress', serverless),
  namespace('default', member),
  namespace('openshift-monitoring', { name: 'openshift-monitoring' }),
  namespace('openshift-ingress', { 'network.openshift.io/policy-group': 'ingress' }),
  namespace('outsider'),
];
const PODS = [
  pod('istio-system', 'istio-ingressgateway', '127.244.0.2', { labels: { istio: 'ingressgateway' } }),
  pod('knative-serving', 'activator', '127.244.0.3', { labels: { app: 'activator' }, ports: [{ name: 'http-metrics', containerPort: 9090 }] }),
  pod('knative-serving-ingress', 'net-kourier', '127.244.0.4', { labels: { app: '3scale-kourier-gateway' } }),
  pod('default', 'hello-00001', '127.244.0.5', { labels: { 'serving.knative.dev/service': 'hello' } }),
  pod('default', 'exposed', '127.244.0.6', { labels: { 'maistra.io/expose-route': 'true' } }),
  pod('openshift-monitoring', 'prometheus-k8s-0', '127.244.0.7', { labels: { app: 'prometheus' } }),
  pod('openshift-ingress', 'router-default', '127.244.0.8', { labels: { ingresscontroller: 'default' } }),
  pod('outsider', 'curl', '127.244.0.9'),
];

const POLICIES = [...maistraPolicies(['knative-serving', 'default']), parse(ALLOW_MONITORING) as NetworkPolicy, parse(ALLOW_SERVING_SYSTEM) as NetworkPolicy];
const INDEX = compileNetworkPolicies({ policies: POLICIES, pods: PODS, namespaces: NAMESPACES });

function admit(to: string, port: number, source: ConnectionSource) {
  const [namespace, name] = to.split('/') as [string, string];
  return admitIngress(INDEX, { destinationPod: { namespace, name }, port, protocol: 'TCP', source });
}

const CASES: Array<[string, string, number, ConnectionSource, string | false]> = [
  ['Prometheus scrapes the activator (seed 002 §1.5)', 'knative-serving/activator', 9090, fromPod('127.244.0.7'), 'knative-serving/allow-from-openshift-monitoring-ns'],
  ['the mesh gateway reaches the activator (mesh members admit each other)', 'knative-serving/activator', 8012, fromPod('127.244.0.2'), 'knative-serving/istio-mesh-basic'],
  ['a pod outside the mesh is cut from the activator', 'knative-serving/activator', 8012, fromPod('127.244.0.9'), false],
  ['the router is cut from an unexposed member pod', 'default/hello-00001', 8012, fromPod('127.244.0.8'), false],
  ['Kourier reaches a member workload (seed 002 §1.6)', 'default/hello-00001', 8012, fromPod('127.244.0.4'), 'default/allow-from-serving-system-namespace'],
  ['the activator reaches a member workload (mesh, first by name)', 'default/hello-00001', 8012, fromPod('127.244.0.3'), 'default/allow-from-serving-system-namespace'],
  ['the mesh gateway reaches a member workload', 'default/hello-00001', 8012, fromPod('127.244.0.2'), 'default/istio-mesh-basic'],
  ['Prometheus is cut from a member workload (only knative-serving admits it)', 'default/hello-00001', 9091, fromPod('127.244.0.7'), false],
  ['the router reaches a pod labelled maistra.io/expose-route', 'default/exposed', 8080, fromPod('127.244.0.8'), 'default/istio-expose-route-basic'],
  ['an outsider is cut from the exposed pod', 'default/exposed', 8080, fromPod('127.244.0.9'), false],
  ['an external client is cut from member pods', 'default/hello-00001', 8012, fromExternal('192.0.2.1'), false],
  ['kubelet probes (the node) always pass', 'default/hello-00001', 8012, fromNode, 'node'],
  ['the control plane namespace isolates too: an outsider is cut from the gateway', 'istio-system/istio-ingressgateway', 8080, fromPod('127.244.0.9'), false],
  ['the router reaches the gateway? no: only members and exposed pods', 'istio-system/istio-ingressgateway', 8080, fromPod('127.244.0.8'), false],
  ['non-member namespaces stay open', 'outsider/curl', 80, fromExternal('192.0.2.1'), 'open'],
  ['knative-serving-ingress (not a member) stays open to the router', 'knative-serving-ingress/net-kourier', 8080, fromPod('127.244.0.8'), 'open'],
];

for (const [name, to, port, source, expected] of CASES) {
  test(`seed policies: ${name}`, () => {
    const d = admit(to, port, source);
    assert.equal(d.allowed, expected !== false, d.reason);
    if (typeof expected === 'string' && expected.includes('/')) assert.equal(d.policy, expected, d.reason);
    if (expected === 'open' || expected === 'node') assert.equal(d.policy, undefined);
  });
}

test('seed policies: every policy compiled; the defaulted seed policy isolates Ingress', () => {
  assert.deepEqual(INDEX.errors, []);
  assert.equal(INDEX.policies.length, 8, "two in istio-system, two copied into each of two members, two from the seed");
  const monitoring = INDEX.policies.find((p) => p.key === 'knative-serving/allow-from-openshift-monitoring-ns')!;
  assert.deepEqual([monitoring.ingress, monitoring.egress], [true, false]);
  assert.deepEqual(INDEX.ingressSelecting.get('default/exposed')!.map((p) => p.key), [
    'default/allow-from-serving-system-namespace', 'default/istio-expose-route-basic', 'default/istio-mesh-basic',
  ]);
});
