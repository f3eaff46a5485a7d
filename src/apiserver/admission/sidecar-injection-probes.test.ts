import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Fields } from '../../api/mesh/fields.ts';
import { appProbePath, rewriteAppProbes, shouldRewriteProbes } from './sidecar-injection-probes.ts';

test('httpGet probes go to the agent; the originals, named ports resolved, go to ISTIO_KUBE_APP_PROBERS', () => {
  const containers: Fields[] = [{
    name: 'user-container',
    ports: [{ name: 'http1', containerPort: 8080 }],
    readinessProbe: { httpGet: { path: '/ready', port: 'http1', scheme: 'HTTP', httpHeaders: [{ name: 'K-Probe', value: 'x' }] }, timeoutSeconds: 2, periodSeconds: 3 },
    livenessProbe: { httpGet: { path: '/live', port: 8443, scheme: 'HTTPS' }, timeoutSeconds: 1 },
  }];
  const env = rewriteAppProbes(containers, 15020);
  assert.equal(env, '{"/app-health/user-container/livez":{"httpGet":{"path":"/live","port":8443,"scheme":"HTTPS"},"timeoutSeconds":1},'
    + '"/app-health/user-container/readyz":{"httpGet":{"path":"/ready","port":8080,"scheme":"HTTP","httpHeaders":[{"name":"K-Probe","value":"x"}]},"timeoutSeconds":2}}');
  assert.deepEqual(containers[0]!.readinessProbe, { httpGet: { path: '/app-health/user-container/readyz', port: 15020, scheme: 'HTTP', httpHeaders: [{ name: 'K-Probe', value: 'x' }] }, timeoutSeconds: 2, periodSeconds: 3 });
  // Kubelet → HTTP → agent → HTTPS → app.
  assert.deepEqual(containers[0]!.livenessProbe, { httpGet: { path: '/app-health/user-container/livez', port: 15020, scheme: 'HTTP' }, timeoutSeconds: 1 });
});

test('tcpSocket probes become HTTP GETs of the agent; exec and gRPC probes and the proxy are left alone', () => {
  const containers: Fields[] = [
    { name: 'db', startupProbe: { tcpSocket: { port: 5432 }, failureThreshold: 30 }, livenessProbe: { exec: { command: ['true'] } } },
    { name: 'rpc', readinessProbe: { grpc: { port: 9000 } } },
    { name: 'istio-proxy', readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 } } },
  ];
  const env = rewriteAppProbes(containers, 15020);
  assert.equal(env, '{"/app-health/db/startupz":{"tcpSocket":{"port":5432}}}');
  assert.deepEqual(containers[0]!.startupProbe, { httpGet: { path: '/app-health/db/startupz', port: 15020, scheme: 'HTTP' }, failureThreshold: 30 });
  assert.deepEqual(containers[0]!.livenessProbe, { exec: { command: ['true'] } });
  assert.deepEqual(containers[1]!.readinessProbe, { grpc: { port: 9000 } });
  assert.deepEqual(containers[2]!.readinessProbe, { httpGet: { path: '/healthz/ready', port: 15021 } });
});

test('no rewritable probe, or one already aimed at the status port: no environment variable', () => {
  assert.equal(rewriteAppProbes([{ name: 'a' }], 15020), undefined);
  assert.equal(rewriteAppProbes([{ name: 'a', readinessProbe: { httpGet: { path: '/app-health/a/readyz', port: 15020 } } }], 15020), undefined);
});

test('an unresolvable named port still redirects the probe but hands the agent nothing', () => {
  const containers: Fields[] = [{ name: 'a', readinessProbe: { httpGet: { path: '/', port: 'nope' } } }];
  assert.equal(rewriteAppProbes(containers, 15020), undefined);
  assert.equal((containers[0]!.readinessProbe as { httpGet: { path: string } }).httpGet.path, appProbePath('a', 'readyz'));
});

test('sidecar.istio.io/rewriteAppHTTPProbers (a Go bool) wins over the injector values', () => {
  assert.equal(shouldRewriteProbes({}, true), true);
  assert.equal(shouldRewriteProbes({ 'sidecar.istio.io/rewriteAppHTTPProbers': 'false' }, true), false);
  assert.equal(shouldRewriteProbes({ 'sidecar.istio.io/rewriteAppHTTPProbers': 'true' }, false), true);
  assert.equal(shouldRewriteProbes({ 'sidecar.istio.io/rewriteAppHTTPProbers': 'maybe' }, true), true);
});
