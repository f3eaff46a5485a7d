import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EndpointSlice } from '../../api/builtin/core/service-view.ts';
import { privateServiceName, readyBackends, revisionDests, revisionSettings, slicesByService } from './revision-backends.ts';

const slice = (name: string, service: string, endpoints: EndpointSlice['endpoints'], port = 8012): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4', endpoints, ports: [{ name: 'http', port }, { name: 'http-autometric', port: 9090 }],
});

test('ready backends: port http, unready skipped, absent ready counts as ready, deduplicated', () => {
  const slices = [
    slice('a', 'hello-00001-private', [{ addresses: ['127.1.0.3'], conditions: { ready: true } }, { addresses: ['127.1.0.4'], conditions: { ready: false } }]),
    slice('b', 'hello-00001-private', [{ addresses: ['127.1.0.2'] }, { addresses: ['127.1.0.3'] }]),
  ];
  assert.deepEqual(readyBackends(slices), [{ ip: '127.1.0.2', port: 8012 }, { ip: '127.1.0.3', port: 8012 }]);
  assert.deepEqual([...slicesByService(slices).keys()], ['default/hello-00001-private']);
  assert.equal(privateServiceName('hello-00001'), 'hello-00001-private');
});

test('revision dests: not-ready pods listed apart (to probe), terminating ones left out, ready wins over not-ready', () => {
  const slices = [
    slice('a', 'hello-00001-private', [
      { addresses: ['127.1.0.3'], conditions: { ready: true } },
      { addresses: ['127.1.0.5'], conditions: { ready: false, serving: false, terminating: false } },
      { addresses: ['127.1.0.4'], conditions: { ready: false } },
      { addresses: ['127.1.0.6'], conditions: { ready: false, serving: true, terminating: true } },
    ]),
    slice('b', 'hello-00001-private', [{ addresses: ['127.1.0.4'], conditions: { ready: true } }], 8013),
    slice('c', 'hello-00001-private', [{ addresses: ['127.1.0.3'], conditions: { ready: false } }]),
  ];
  assert.deepEqual(revisionDests(slices), {
    ready: [{ ip: '127.1.0.3', port: 8012 }, { ip: '127.1.0.4', port: 8013 }],
    notReady: [{ ip: '127.1.0.4', port: 8012 }, { ip: '127.1.0.5', port: 8012 }],
  });
});

test('revision settings: spec values, defaults, labels for metrics', () => {
  const rev = {
    apiVersion: 'serving.knative.dev/v1', kind: 'Revision',
    metadata: { name: 'hello-00001', namespace: 'default', labels: { 'serving.knative.dev/service': 'hello', 'serving.knative.dev/configuration': 'hello' } },
    spec: { containerConcurrency: 4, timeoutSeconds: 60 },
  };
  assert.deepEqual(revisionSettings(rev, [{ ip: '127.1.0.2', port: 8012 }]), { containerConcurrency: 4, timeoutSeconds: 60, backends: [{ ip: '127.1.0.2', port: 8012 }], service: 'hello', configuration: 'hello' });
  const bare = revisionSettings({ apiVersion: 'serving.knative.dev/v1', kind: 'Revision', metadata: { name: 'r', namespace: 'n' } }, []);
  assert.deepEqual([bare.containerConcurrency, bare.timeoutSeconds, bare.service], [0, 300, '']);
});
