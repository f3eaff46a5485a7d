import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../api/object.ts';
import { resolveRef } from './resolve.ts';

const ksvcRef = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello', namespace: 'default' };
const withAddress = (url?: string): KubeObject => ({
  apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello', namespace: 'default' },
  status: url === undefined ? {} : { address: { url } },
});

describe('resolveRef', () => {
  it('resolves a Knative Service to its cluster host and placeholder Service', () => {
    assert.deepEqual(resolveRef('default', ksvcRef, withAddress('http://hello.default.svc.cluster.local')),
      { ok: true, host: 'hello.default.svc.cluster.local', backendService: 'hello' });
  });

  it('addresses a core Service by name without reading it', () => {
    assert.deepEqual(resolveRef('default', { apiVersion: 'v1', kind: 'Service', name: 'web', namespace: 'default' }, undefined),
      { ok: true, host: 'web.default.svc.cluster.local', backendService: 'web' });
  });

  it('reports a missing target, and one without an address', () => {
    assert.deepEqual(resolveRef('default', ksvcRef, undefined), {
      ok: false, message: 'failed to get ref &{Kind:Service Namespace:default Name:hello APIVersion:serving.knative.dev/v1 Group:}: services.serving.knative.dev "hello" not found',
    });
    assert.deepEqual(resolveRef('default', ksvcRef, withAddress()), {
      ok: false, message: 'address not set for &{Kind:Service Namespace:default Name:hello APIVersion:serving.knative.dev/v1 Group:}',
    });
  });

  it('refuses paths, foreign hosts and other namespaces, as upstream', () => {
    assert.deepEqual(resolveRef('default', ksvcRef, withAddress('http://hello.default.svc.cluster.local/api')),
      { ok: false, message: 'resolved URI "http://hello.default.svc.cluster.local/api" contains a path' });
    assert.deepEqual(resolveRef('default', ksvcRef, withAddress('http://hello.example.com')),
      { ok: false, message: 'resolved URI "http://hello.example.com" must be of the form {name}.{namespace}.svc.cluster.local' });
    assert.deepEqual(resolveRef('default', ksvcRef, withAddress('http://hello.other.svc.cluster.local')),
      { ok: false, message: 'resolved URI "http://hello.other.svc.cluster.local" must be in same namespace as DomainMapping' });
  });
});
