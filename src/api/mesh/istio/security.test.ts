import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { checkAuthorizationPolicy } from './authorization-policy.ts';
import { validatePeerAuthentication } from './peer-authentication.ts';

function obj(kind: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'security.istio.io/v1beta1', kind, metadata: { name: 'default', namespace: 'istio-system' }, spec };
}

test('PeerAuthentication: port-level mTLS needs a workload selector', () => {
  assert.deepEqual(validatePeerAuthentication(obj('PeerAuthentication', { mtls: { mode: 'STRICT' } })), []);
  const messages = (spec: Record<string, unknown>): string[] => validatePeerAuthentication(obj('PeerAuthentication', spec)).map((e) => `${e.field}: ${e.detail}`);
  assert.deepEqual(messages({ portLevelMtls: { 8080: { mode: 'DISABLE' } } }), ['spec.portLevelMtls: mesh/namespace peer authentication cannot have port level mTLS']);
  assert.deepEqual(messages({ selector: { matchLabels: { app: 'x' } }, portLevelMtls: {} }), ['spec.portLevelMtls: port level mTLS, if defined, must have at least one element']);
  assert.deepEqual(messages({ selector: { matchLabels: { app: '*' } } }), ['spec.selector.matchLabels[app]: wildcard is not supported in selector: "app=*"']);
});

test('AuthorizationPolicy: DENY and CUSTOM need rules, CUSTOM needs a provider', () => {
  const messages = (spec: Record<string, unknown>): string[] => checkAuthorizationPolicy(obj('AuthorizationPolicy', spec)).errors.map((e) => `${e.field}: ${e.detail}`);
  assert.deepEqual(messages({}), []);
  assert.deepEqual(messages({ action: 'ALLOW', rules: [{}] }), []);
  assert.deepEqual(messages({ action: 'DENY' }), [
    'spec.rules: DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request',
  ]);
  assert.deepEqual(messages({ action: 'CUSTOM', rules: [{}] }), ['spec.provider.name: `provider.name` must not be empty']);
  assert.deepEqual(messages({ action: 'ALLOW', provider: { name: 'ext-authz' } }), ['spec.provider: `provider` must not be with non CUSTOM action, found ALLOW']);
  assert.deepEqual(messages({ rules: [{ from: [{ source: {} }], to: [], when: [{ key: 'request.headers[x]' }] }] }), [
    'spec.rules[0].from[0].source: `from.source` must not be empty',
    'spec.rules[0].to: `to` must not be empty',
    'spec.rules[0].when[0].values: at least one of `values` or `notValues` must be set for key request.headers[x]',
  ]);
});
