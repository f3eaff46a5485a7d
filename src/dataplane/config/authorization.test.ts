import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorize, policyApplies } from './authorization.ts';
import type { AuthzRequest } from './authorization.ts';
import { matchesPattern } from './authorization-match.ts';
import type { AuthorizationPolicy, AuthorizationPolicySpec } from './istio-specs.ts';
import { istio } from './testing-fixtures.ts';

const ROOT = 'istio-system';
const httpbin = { namespace: 'foo', labels: { app: 'httpbin', version: 'v1' } };

function ap(namespace: string, name: string, spec: AuthorizationPolicySpec): AuthorizationPolicy {
  return istio('AuthorizationPolicy', namespace, name, spec);
}

const fromSleep = (over: Partial<AuthzRequest> = {}): AuthzRequest => ({
  protocol: 'http', principal: 'spiffe://cluster.local/ns/bar/sa/sleep', sourceIp: '10.0.0.5', destinationPort: 8000,
  method: 'GET', path: '/headers?x=1', host: 'httpbin.foo:8000', headers: { 'x-token': 'abc' }, ...over,
});

describe('AuthorizationPolicy evaluation', () => {
  it('patterns: exact, prefix*, *suffix, * (present)', () => {
    assert.ok(matchesPattern('/api/*', '/api/x'));
    assert.ok(matchesPattern('*.html', '/index.html'));
    assert.ok(matchesPattern('*', 'x'));
    assert.ok(!matchesPattern('*', ''));
    assert.ok(!matchesPattern('*', undefined));
    assert.ok(matchesPattern('GET', 'GET') && !matchesPattern('GET', 'get'));
  });

  it('no policy allows; ALLOW with no rules denies all; rules [{}] allows all', () => {
    assert.deepEqual(authorize([], httpbin, ROOT, fromSleep()), { allowed: true, decidedBy: 'no-allow-policies', skippedCustom: [] });
    const denyAll = ap('foo', 'allow-nothing', {});
    assert.equal(authorize([denyAll], httpbin, ROOT, fromSleep()).allowed, false);
    const allowAll = ap('foo', 'allow-all', { rules: [{}] });
    assert.deepEqual(authorize([denyAll, allowAll], httpbin, ROOT, fromSleep()), { allowed: true, decidedBy: 'allow-policy', policy: 'foo/allow-all', ruleIndex: 0, skippedCustom: [] });
  });

  it('DENY wins over ALLOW; CUSTOM is skipped and reported; AUDIT decides nothing', () => {
    const allow = ap('foo', 'allow', { rules: [{}] });
    const deny = ap('foo', 'deny-post', { action: 'DENY', rules: [{ to: [{ operation: { methods: ['POST'] } }] }] });
    const custom = ap('foo', 'ext', { action: 'CUSTOM', provider: { name: 'opa' }, rules: [{}] });
    const audit = ap('foo', 'audit', { action: 'AUDIT', rules: [{}] });
    assert.equal(authorize([allow, deny], httpbin, ROOT, fromSleep({ method: 'POST' })).decidedBy, 'deny-policy');
    const get = authorize([allow, deny, custom, audit], httpbin, ROOT, fromSleep());
    assert.equal(get.allowed, true);
    assert.deepEqual(get.skippedCustom, ['foo/ext']);
    assert.equal(authorize([audit], httpbin, ROOT, fromSleep()).decidedBy, 'no-allow-policies');
  });

  it('from: principals, namespaces (from the SPIFFE ID), notPrincipals, ipBlocks', () => {
    const byPrincipal = ap('foo', 'p', { rules: [{ from: [{ source: { principals: ['cluster.local/ns/bar/sa/sleep'] } }] }] });
    assert.ok(authorize([byPrincipal], httpbin, ROOT, fromSleep()).allowed);
    assert.ok(!authorize([byPrincipal], httpbin, ROOT, fromSleep({ principal: undefined })).allowed, 'plaintext has no principal');
    const byNamespace = ap('foo', 'n', { rules: [{ from: [{ source: { namespaces: ['bar'] } }] }] });
    assert.ok(authorize([byNamespace], httpbin, ROOT, fromSleep()).allowed);
    assert.ok(!authorize([byNamespace], httpbin, ROOT, fromSleep({ principal: 'spiffe://cluster.local/ns/baz/sa/x' })).allowed);
    const notSleep = ap('foo', 'not', { rules: [{ from: [{ source: { notPrincipals: ['*/sa/sleep'] } }] }] });
    assert.ok(!authorize([notSleep], httpbin, ROOT, fromSleep()).allowed);
    assert.ok(authorize([notSleep], httpbin, ROOT, fromSleep({ principal: undefined })).allowed);
    const byIp = ap('foo', 'ip', { rules: [{ from: [{ source: { ipBlocks: ['10.0.0.0/24'] } }] }] });
    assert.ok(authorize([byIp], httpbin, ROOT, fromSleep()).allowed);
    assert.ok(!authorize([byIp], httpbin, ROOT, fromSleep({ sourceIp: '10.0.1.5' })).allowed);
  });

  it('to: methods, paths (without query), hosts (case-insensitive, port included as istiod does), ports; when conditions', () => {
    const policy = ap('foo', 'ops', { rules: [{
      to: [{ operation: { methods: ['GET', 'HEAD'], paths: ['/headers', '/status/*'], hosts: ['HTTPBIN.foo:8000'], ports: ['8000'] } }],
      when: [{ key: 'request.headers[X-Token]', values: ['abc'] }, { key: 'source.ip', notValues: ['10.0.0.99'] }],
    }] });
    assert.ok(authorize([policy], httpbin, ROOT, fromSleep()).allowed);
    assert.ok(authorize([policy], httpbin, ROOT, fromSleep({ path: '/status/200' })).allowed);
    assert.ok(!authorize([policy], httpbin, ROOT, fromSleep({ path: '/ip' })).allowed);
    assert.ok(!authorize([policy], httpbin, ROOT, fromSleep({ host: 'httpbin.foo' })).allowed);
    assert.ok(!authorize([policy], httpbin, ROOT, fromSleep({ method: 'DELETE' })).allowed);
    assert.ok(!authorize([policy], httpbin, ROOT, fromSleep({ destinationPort: 9000 })).allowed);
    assert.ok(!authorize([policy], httpbin, ROOT, fromSleep({ headers: { 'x-token': 'nope' } })).allowed);
    assert.ok(!authorize([policy], httpbin, ROOT, fromSleep({ sourceIp: '10.0.0.99' })).allowed);
  });

  it('TCP: HTTP-only fields make an ALLOW rule never match, and are dropped from a DENY rule', () => {
    const tcp: AuthzRequest = { protocol: 'tcp', principal: 'spiffe://cluster.local/ns/bar/sa/sleep', destinationPort: 5432 };
    const allowGet = ap('foo', 'allow-get', { rules: [{ to: [{ operation: { methods: ['GET'], ports: ['5432'] } }] }] });
    assert.ok(!authorize([allowGet], httpbin, ROOT, tcp).allowed);
    const allowPort = ap('foo', 'allow-port', { rules: [{ to: [{ operation: { ports: ['5432'] } }] }] });
    assert.ok(authorize([allowPort], httpbin, ROOT, tcp).allowed);
    const denyGet = ap('foo', 'deny-get', { action: 'DENY', rules: [{ to: [{ operation: { methods: ['GET'] } }] }] });
    assert.equal(authorize([denyGet], httpbin, ROOT, tcp).decidedBy, 'deny-policy');
  });

  it('scope: root namespace is mesh-wide (with a selector: matching workloads everywhere); others stay in their namespace', () => {
    assert.ok(policyApplies(ap(ROOT, 'mesh', {}), httpbin, ROOT));
    assert.ok(policyApplies(ap(ROOT, 'sel', { selector: { matchLabels: { app: 'httpbin' } } }), httpbin, ROOT));
    assert.ok(!policyApplies(ap(ROOT, 'sel', { selector: { matchLabels: { app: 'other' } } }), httpbin, ROOT));
    assert.ok(policyApplies(ap('foo', 'ns', {}), httpbin, ROOT));
    assert.ok(!policyApplies(ap('bar', 'ns', {}), httpbin, ROOT));
    assert.ok(!policyApplies(ap('foo', 'sel', { selector: { matchLabels: { version: 'v2' } } }), httpbin, ROOT));
    const gatewayPolicy = ap('foo', 'gw', { targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'edge' }], rules: [{}] });
    assert.ok(!policyApplies(gatewayPolicy, httpbin, ROOT));
    assert.ok(policyApplies(gatewayPolicy, { namespace: 'foo', labels: { 'gateway.networking.k8s.io/gateway-name': 'edge' } }, ROOT));
  });
});
