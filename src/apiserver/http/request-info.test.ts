import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo } from './request-info.ts';

const p = (method: string, path: string) => {
  const u = new URL(path, 'https://x');
  return parseRequestInfo(method, u.pathname, u.searchParams);
};

test('namespaced resource paths', () => {
  assert.deepEqual(p('GET', '/apis/maistra.io/v2/namespaces/istio-system/servicemeshcontrolplanes/basic'), {
    kind: 'resource', group: 'maistra.io', version: 'v2', resource: 'servicemeshcontrolplanes', namespace: 'istio-system', name: 'basic', subresource: undefined, verb: 'get',
  });
  assert.equal((p('GET', '/api/v1/namespaces/default/pods?watch=true') as { verb: string }).verb, 'watch');
  assert.equal((p('GET', '/api/v1/namespaces/default/pods/x/log') as { subresource: string }).subresource, 'log');
  assert.equal((p('DELETE', '/api/v1/namespaces/default/pods') as { verb: string }).verb, 'deletecollection');
});

test('the namespace object and its subresources', () => {
  const ns = p('PUT', '/api/v1/namespaces/foo/finalize');
  assert.deepEqual(ns, { kind: 'resource', group: '', version: 'v1', resource: 'namespaces', namespace: undefined, name: 'foo', subresource: 'finalize', verb: 'update' });
  const get = p('GET', '/api/v1/namespaces/foo');
  assert.equal((get as { name: string }).name, 'foo');
  assert.equal((get as { namespace: unknown }).namespace, undefined);
  const list = p('GET', '/api/v1/namespaces');
  assert.equal((list as { verb: string }).verb, 'list');
});

test('cluster-wide lists and discovery', () => {
  const all = p('GET', '/apis/networking.istio.io/v1beta1/gateways');
  assert.equal((all as { namespace: unknown }).namespace, undefined);
  assert.deepEqual(p('GET', '/apis/maistra.io'), { kind: 'discovery', group: 'maistra.io', version: undefined });
  assert.deepEqual(p('GET', '/api/v1'), { kind: 'discovery', group: '', version: 'v1' });
  assert.deepEqual(p('GET', '/api'), { kind: 'nonresource', path: '/api' });
  assert.deepEqual(p('GET', '/openapi/v3'), { kind: 'nonresource', path: '/openapi/v3' });
});
