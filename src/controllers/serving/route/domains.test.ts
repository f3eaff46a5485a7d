import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type RouteConfig, domainConfigFromData, networkConfigFromData } from './config.ts';
import { DomainNameError, domainNameFromTemplate, domainsForVisibility, expandedHosts, hostnameFromTemplate, lookupDomainForLabels } from './domains.ts';

/** upstream domains_test testConfig(): example.com by default, another-example.com for app=prod. */
function cfg(network: Record<string, string> = {}): RouteConfig {
  return {
    network: networkConfigFromData(network),
    domain: domainConfigFromData({ 'example.com': '', 'another-example.com': 'selector:\n  app: prod\n' }),
    tagHeaderBasedRouting: false,
  };
}

const meta = { name: 'myroute', namespace: 'default', labels: { route: 'myapp', bus: 'mybus' }, annotations: { sub: 'mysub' } };
const local = { ...meta, labels: { ...meta.labels, 'networking.knative.dev/visibility': 'cluster-local' } };

test('DomainNameFromTemplate (upstream table)', () => {
  const with_ = (t: string) => cfg({ 'domain-template': t });
  assert.equal(domainNameFromTemplate(with_('{{.Name}}.{{.Namespace}}.{{.Domain}}'), meta, 'test-name'), 'test-name.default.example.com');
  assert.equal(domainNameFromTemplate(with_('{{.Name}}-{{.Namespace}}.{{.Domain}}'), meta, 'test-name'), 'test-name-default.example.com');
  // LocalDash: cluster-local routes ignore the configured template.
  assert.equal(domainNameFromTemplate(with_('{{.Name}}-{{.Namespace}}.{{.Domain}}'), local, 'test-name'), 'test-name.default.svc.cluster.local');
  assert.equal(domainNameFromTemplate(with_('{{.Name}}.{{.Domain}}'), meta, 'test-name'), 'test-name.example.com');
  assert.equal(domainNameFromTemplate(with_('{{.Name}}.{{ index .Annotations "sub"}}.{{.Domain}}'), meta, 'test-name'), 'test-name.mysub.example.com');
  assert.equal(domainNameFromTemplate(with_('{{.Name}}.{{ index .Labels "bus"}}.{{.Domain}}'), meta, 'test-name'), 'test-name.mybus.example.com');
  // Too Short: a host needs two labels.
  const short = cfg();
  short.network = { ...short.network, domainTemplate: { name: 'domain-template', source: '{{.Name}}', execute: (d) => String(d.Name) } };
  assert.throws(() => domainNameFromTemplate(short, meta, 'test-name'), DomainNameError);
  // Invalid domain name: upper case.
  assert.throws(() => domainNameFromTemplate(with_('{{.Name}}.{{.Namespace}}.{{.Domain}}.Foo'), meta, 'test-name'), /invalid domain name "test-name.default.example.com.Foo"/);
});

test('the domain follows config-domain selectors', () => {
  assert.equal(domainNameFromTemplate(cfg(), { ...meta, labels: { app: 'prod' } }, 'r'), 'r.default.another-example.com');
});

test('GetAllDomainsAndTags: tag host names from the tag template', () => {
  const hosts = (tagTemplate: string) => ['', 'target-1', 'target-2'].map((tag) => domainNameFromTemplate(cfg({ 'tag-template': tagTemplate }), meta, hostnameFromTemplate(cfg({ 'tag-template': tagTemplate }), 'myroute', tag)));
  assert.deepEqual(hosts('{{.Name}}-{{.Tag}}'), ['myroute.default.example.com', 'myroute-target-1.default.example.com', 'myroute-target-2.default.example.com']);
  assert.deepEqual(hosts('{{.Tag}}-{{.Name}}'), ['myroute.default.example.com', 'target-1-myroute.default.example.com', 'target-2-myroute.default.example.com']);
  assert.deepEqual(hosts('{{.Tag}}-dot-{{.Name}}'), ['myroute.default.example.com', 'target-1-dot-myroute.default.example.com', 'target-2-dot-myroute.default.example.com']);
  assert.throws(() => hosts('Foo.{{.Name}}-{{.Tag}}'), DomainNameError);
});

test('LookupDomainForLabels: most specific selector, then the smaller key; cluster-local short-circuits', () => {
  const d = domainConfigFromData({
    'test-domain.foo.com': 'selector:\n  app: foo\n',
    'foo.com': 'selector:\n  app: foo\n  version: prod\n',
    'bar.com': 'selector:\n  app: bar\n',
    'default.com': '',
  });
  assert.equal(lookupDomainForLabels(d, { app: 'foo' }), 'test-domain.foo.com');
  assert.equal(lookupDomainForLabels(d, { app: 'foo', version: 'prod' }), 'foo.com');
  assert.equal(lookupDomainForLabels(d, { app: 'bar', version: 'whatever' }), 'bar.com');
  assert.equal(lookupDomainForLabels(d, { app: 'whatever' }), 'default.com');
  assert.equal(lookupDomainForLabels(d, {}), 'default.com');
  assert.equal(lookupDomainForLabels(d, { 'networking.knative.dev/visibility': 'cluster-local' }), 'svc.cluster.local');
  assert.equal(lookupDomainForLabels(domainConfigFromData({ 'b.com': '', 'a.com': '' }), {}), 'a.com');
});

test('ExpandedHosts: short forms of cluster-local hosts, never an all-digit top label', () => {
  assert.deepEqual(expandedHosts(['a.com']), ['a.com']);
  assert.deepEqual(expandedHosts(['a.default.svc.cluster.local']), ['a.default', 'a.default.svc', 'a.default.svc.cluster.local']);
  assert.deepEqual(expandedHosts(['a.1234.svc.cluster.local']), ['a.1234.svc', 'a.1234.svc.cluster.local']);
});

test('GetDomainsForVisibility', () => {
  const c = cfg({ 'domain-template': '{{.Name}}-{{.Namespace}}.{{.Domain}}' });
  assert.deepEqual(domainsForVisibility(c, '', meta, 'ExternalIP'), { primary: 'myroute-default.example.com', expanded: ['myroute-default.example.com'] });
  assert.deepEqual(domainsForVisibility(c, 'v1', meta, 'ClusterLocal'), {
    primary: 'v1-myroute.default.svc.cluster.local', expanded: ['v1-myroute.default', 'v1-myroute.default.svc', 'v1-myroute.default.svc.cluster.local'],
  });
  // An external target of a route labelled cluster-local elsewhere drops the label first.
  assert.equal(domainsForVisibility(c, '', local, 'ExternalIP').primary, 'myroute-default.example.com');
});
