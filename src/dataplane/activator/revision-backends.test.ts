import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EndpointSlice } from '../../api/builtin/core/service-view.ts';
import { privateServiceName, readyBackends, revisionSettings, slicesByService } from './revision-backends.ts';

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

test('revision settings: spec values, defaults, labels for metrics', () => {
  const rev = {
    apiVersion: 'serving.knative.dev/v1', kind: 'Revision',
    metadata: { name: 'hello-00001', namespace: 'default', labels: { 'serving.knative.dev/service': 'hello', 'serving.knative.dev/configuration': 'hello' } },
    spec: { containerConcurrency: 4, timeoutSeconds: 60 },
  };
  assert.deepEqual(revisionSettings(rev, []), { containerConcurrency: 4, timeoutSeconds: 60, backends: [], service: 'hello', configuration: 'hello' });
  const bare = revisionSettings({ apiVersion: 'serving.knative.dev/v1', kind: 'Revision', metadata: { name: 'r', namespace: 'n' } }, []);
  assert.deepEqual([bare.containerConcurrency, bare.timeoutSeconds, bare.service], [0, 300, '']);
});
