import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLUSTER_LOCAL_DOMAIN, defaultRouteConfig, domainConfigFromData, networkConfigFromData, routeConfigFromConfigMaps } from './config.ts';
import { lookupDomainForLabels } from './domains.ts';

const render = (t: { execute(d: Record<string, string | undefined>): string }) => t.execute({ Name: 'n', Namespace: 'ns', Domain: 'd.com', Tag: 't', Annotations: undefined, Labels: undefined });

test('config-network defaults are upstream\'s', () => {
  const n = defaultRouteConfig().network;
  assert.equal(n.defaultIngressClass, 'istio.ingress.networking.knative.dev');
  assert.equal(n.domainTemplate.source, '{{.Name}}.{{.Namespace}}.{{.Domain}}');
  assert.equal(n.tagTemplate.source, '{{.Tag}}-{{.Name}}');
  assert.equal(n.defaultExternalScheme, 'http');
  assert.equal(n.httpProtocol, 'enabled');
  assert.equal(n.rolloutDurationSecs, 0);
  assert.equal(n.externalDomainTLS, false);
  assert.equal(n.systemInternalTLS, false);
  assert.equal(defaultRouteConfig().tagHeaderBasedRouting, false);
});

test('config-network: current keys win over the legacy camelCase ones; the OpenShift template parses', () => {
  const n = networkConfigFromData({
    domainTemplate: '{{.Name}}.legacy.{{.Domain}}', 'domain-template': '{{.Name}}-{{.Namespace}}.{{.Domain}}',
    'ingress.class': 'old.example', 'ingress-class': 'kourier.ingress.networking.knative.dev',
    'default-external-scheme': 'https', 'http-protocol': 'Redirected', 'tag-template': '{{.Name}}-{{.Tag}}', 'rollout-duration': '30',
  });
  assert.equal(render(n.domainTemplate), 'n-ns.d.com');
  assert.equal(render(n.tagTemplate), 'n-t');
  assert.equal(n.defaultIngressClass, 'kourier.ingress.networking.knative.dev');
  assert.equal(n.defaultExternalScheme, 'https');
  assert.equal(n.httpProtocol, 'redirected');
  assert.equal(n.rolloutDurationSecs, 30);
  assert.equal(networkConfigFromData({ 'external-domain-tls': 'Enabled' }).externalDomainTLS, true);
  assert.equal(networkConfigFromData({ 'auto-tls': 'Enabled' }).externalDomainTLS, true);
  assert.equal(networkConfigFromData({ 'system-internal-tls': 'enabled' }).systemInternalTLS, true);
});

test('config-network rejects what upstream rejects', () => {
  assert.throws(() => networkConfigFromData({ 'domain-template': '{{.Name}}.{{.Domain}}/path' }), /url path/);
  assert.throws(() => networkConfigFromData({ 'domain-template': '{{.Name}}.{{.NNNamespace}}' }), /NNNamespace/);
  assert.throws(() => networkConfigFromData({ 'tag-template': '{{.Namespace}}-{{.Tag}}' }), /Namespace/);
  assert.throws(() => networkConfigFromData({ 'http-protocol': 'sometimes' }), /not supported/);
  assert.throws(() => networkConfigFromData({ 'rollout-duration': '-1' }), /positive integer/);
  assert.throws(() => networkConfigFromData({ 'system-internal-tls': 'maybe' }), /not supported/);
});

test('config-domain parses selectors (upstream TestNewConfig) and falls back to svc.cluster.local without a default', () => {
  const d = domainConfigFromData({
    'test-domain.foo.com': 'selector:\n  app: foo\n',
    'bar.com': 'selector:\n  app: bar\n  version: beta\ntype: wildcard',
    'default.com': '',
    _example: 'ignored',
  });
  assert.deepEqual([...d.domains.keys()].sort(), ['bar.com', 'default.com', 'test-domain.foo.com']);
  assert.deepEqual(d.domains.get('bar.com')!.selector, { app: 'bar', version: 'beta' });
  assert.equal(lookupDomainForLabels(domainConfigFromData(undefined), {}), CLUSTER_LOCAL_DOMAIN);
  assert.equal(lookupDomainForLabels(domainConfigFromData({ 'only.com': 'selector:\n  app: x\n' }), {}), CLUSTER_LOCAL_DOMAIN);
  assert.throws(() => domainConfigFromData({ 'default.com': 'bad: yaml: all: day' }));
});

test('config-features: tag-header-based-routing', () => {
  assert.equal(routeConfigFromConfigMaps({ features: { 'tag-header-based-routing': 'Enabled' } }).tagHeaderBasedRouting, true);
});
