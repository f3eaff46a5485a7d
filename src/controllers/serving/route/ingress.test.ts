import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.ts';
import { type RouteConfig, domainConfigFromData, networkConfigFromData } from './config.ts';
import type { Visibility } from './domains.ts';
import { httpOptionFor, makeIngress } from './ingress.ts';
import { route } from './testing.ts';
import type { RevisionTarget, TrafficConfig } from './traffic.ts';

function cfg(network: Record<string, string> = {}, tagHeaderBasedRouting = false): RouteConfig {
  return { network: networkConfigFromData(network), domain: domainConfigFromData({ 'example.com': '' }), tagHeaderBasedRouting };
}

const target = (revisionName: string, percent: number, extra: Partial<RevisionTarget> = {}): RevisionTarget => ({ tag: '', revisionName, configurationName: 'config', percent, protocol: 'http1', ...extra });
const tcOf = (targets: Record<string, RevisionTarget[]>): TrafficConfig => ({ targets: new Map(Object.entries(targets)), revisionTargets: [], configurations: new Map(), revisions: new Map(), missingTargets: [] });
const ext = (names: string[]): Map<string, Visibility> => new Map(names.map((n) => [n, 'ExternalIP']));
const split = (rev: string, percent: number, port = 80) => ({
  serviceName: rev, serviceNamespace: 'default', servicePort: port, percent, appendHeaders: { 'Knative-Serving-Revision': rev, 'Knative-Serving-Namespace': 'default' },
});
const rulesOf = (ing: KubeObject) => (ing.spec as { rules: unknown[] }).rules;

test('MakeIngressSpecCorrectRules: a cluster-local and an external rule per target name', () => {
  const tc = tcOf({ '': [target('v2', 100)], v1: [target('v1', 100, { tag: 'v1' })] });
  const ing = makeIngress(route([]), tc, ext(['', 'v1']), cfg());
  assert.deepEqual(rulesOf(ing), [
    { hosts: ['test-route.default', 'test-route.default.svc', 'test-route.default.svc.cluster.local'], visibility: 'ClusterLocal', http: { paths: [{ splits: [split('v2', 100)] }] } },
    { hosts: ['test-route.default.example.com'], visibility: 'ExternalIP', http: { paths: [{ splits: [split('v2', 100)] }] } },
    { hosts: ['v1-test-route.default', 'v1-test-route.default.svc', 'v1-test-route.default.svc.cluster.local'], visibility: 'ClusterLocal', http: { paths: [{ splits: [split('v1', 100)] }] } },
    { hosts: ['v1-test-route.default.example.com'], visibility: 'ExternalIP', http: { paths: [{ splits: [split('v1', 100)] }] } },
  ]);
  assert.equal((ing.spec as { httpOption?: string }).httpOption, 'Enabled');
  assert.equal(ing.metadata.annotations!['networking.internal.knative.dev/tag-to-host'], '{"v1":["v1-test-route.default.svc.cluster.local","v1-test-route.default.example.com"]}');
});

test('MakeIngressSpecCorrectRuleVisibility: a cluster-local target gets no external rule', () => {
  const ing = makeIngress(route([]), tcOf({ '': [target('v2', 100)] }), new Map([['', 'ClusterLocal' as const]]), cfg());
  assert.deepEqual((rulesOf(ing) as Array<{ visibility: string }>).map((r) => r.visibility), ['ClusterLocal']);
});

test('MakeIngressCorrectMetadata: labels cannot be overridden, the Route\'s ingress class and annotations pass down', () => {
  const r = route([], {
    labels: { 'serving.knative.dev/route': 'try-to-override', 'serving.knative.dev/routeNamespace': 'try-to-override', 'test-label': 'foo' },
    annotations: {
      'networking.knative.dev/ingress.class': 'ok-ingress', 'test-annotation': 'bar', 'serving.knative.openshift.io/enablePassthrough': 'true',
      'kubectl.kubernetes.io/last-applied-configuration': '{}', 'networking.knative.dev/ingress-class': 'alt',
    },
  });
  const ing = makeIngress(r, tcOf({}), ext(['']), cfg());
  assert.equal(ing.metadata.name, 'test-route');
  assert.equal(ing.apiVersion, 'networking.internal.knative.dev/v1alpha1');
  assert.deepEqual(ing.metadata.labels, { 'serving.knative.dev/route': 'test-route', 'serving.knative.dev/routeNamespace': 'default', 'test-label': 'foo' });
  assert.deepEqual(ing.metadata.annotations, {
    'networking.knative.dev/ingress.class': 'ok-ingress', 'networking.internal.knative.dev/rollout': '{}', 'test-annotation': 'bar', 'serving.knative.openshift.io/enablePassthrough': 'true',
  });
  assert.deepEqual(ing.metadata.ownerReferences, [{ apiVersion: 'serving.knative.dev/v1', kind: 'Route', name: 'test-route', uid: 'uid-route', controller: true, blockOwnerDeletion: true }]);
  // Without the annotation, config-network's class.
  assert.equal(makeIngress(route([]), tcOf({}), ext(['']), cfg({ 'ingress-class': 'kourier.ingress.networking.knative.dev' })).metadata.annotations!['networking.knative.dev/ingress.class'], 'kourier.ingress.networking.knative.dev');
});

test('MakeIngressRule: zero-percent targets are left out of the split; h2c revisions use port 81; internal TLS 443', () => {
  const tc = tcOf({ '': [target('v2', 100), target('v1', 0)] });
  const paths = (rulesOf(makeIngress(route([]), tc, ext(['']), cfg()))[1] as { http: { paths: Array<{ splits: unknown[] }> } }).http.paths;
  assert.deepEqual(paths, [{ splits: [split('v2', 100)] }]);
  const two = tcOf({ '': [target('v2', 60, { protocol: 'h2c' }), target('v1', 40)] });
  assert.deepEqual((rulesOf(makeIngress(route([]), two, ext(['']), cfg()))[1] as { http: { paths: unknown[] } }).http.paths, [{ splits: [split('v2', 60, 81), split('v1', 40)] }]);
  assert.deepEqual((rulesOf(makeIngress(route([]), two, ext(['']), cfg({ 'system-internal-tls': 'enabled' })))[1] as { http: { paths: unknown[] } }).http.paths, [{ splits: [split('v2', 60, 443), split('v1', 40, 443)] }]);
});

test('the OpenShift domain template shapes the external host', () => {
  const ing = makeIngress(route([], { name: 'hello' }), tcOf({ '': [target('hello-00001', 100)] }), ext(['']), cfg({ 'domain-template': '{{.Name}}-{{.Namespace}}.{{.Domain}}' }));
  assert.deepEqual((rulesOf(ing) as Array<{ hosts: string[] }>).map((r) => r.hosts), [['hello.default', 'hello.default.svc', 'hello.default.svc.cluster.local'], ['hello-default.example.com']]);
});

test('MakeIngressSpecCorrectRulesWithTagBasedRouting: tag header paths first on the default host; tag hosts stamp the tag', () => {
  const tc = tcOf({ '': [target('v2', 100)], v1: [target('v1', 100, { tag: 'v1' })] });
  const rules = rulesOf(makeIngress(route([]), tc, ext(['', 'v1']), cfg({}, true))) as Array<{ http: { paths: unknown[] } }>;
  assert.deepEqual(rules[1]!.http.paths, [
    { headers: { 'Knative-Serving-Tag': { exact: 'v1' } }, splits: [split('v1', 100)] },
    { appendHeaders: { 'Knative-Serving-Default-Route': 'true' }, splits: [split('v2', 100)] },
  ]);
  assert.deepEqual(rules[3]!.http.paths, [{ appendHeaders: { 'Knative-Serving-Tag': 'v1' }, splits: [split('v1', 100)] }]);
});

test('MakeIngressWithHTTPOption: config-network, overridden by the Route\'s annotation', () => {
  assert.equal(httpOptionFor(route([]), cfg({ 'http-protocol': 'redirected' })), 'Redirected');
  assert.equal(httpOptionFor(route([]), cfg({ 'http-protocol': 'disabled' })), undefined);
  assert.equal(httpOptionFor(route([], { annotations: { 'networking.knative.dev/http-protocol': 'Redirected' } }), cfg()), 'Redirected');
  assert.throws(() => httpOptionFor(route([], { annotations: { 'networking.knative.dev/http-protocol': 'bogus' } }), cfg()), /incorrect http-protocol annotation: bogus/);
});
