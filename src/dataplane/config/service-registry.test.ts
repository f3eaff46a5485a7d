import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { kubernetesService, sidecarCapturesPort } from './service-registry.ts';
import { service } from './testing-fixtures.ts';
import { pod, slice } from './testing-services.ts';

function annotated(p: Pod, annotations: Record<string, string>): Pod {
  return { ...p, metadata: { ...p.metadata, annotations } };
}

test('a sidecar captures every inbound port but excluded ones and the agent\'s; an include list narrows it', () => {
  const p = pod('default', 'app-1', '127.244.0.5', {});
  assert.equal(sidecarCapturesPort(p, 8080), true);
  assert.equal(sidecarCapturesPort(p, 15021), false);
  assert.equal(sidecarCapturesPort(annotated(p, { 'traffic.sidecar.istio.io/excludeInboundPorts': '8022,9091' }), 8022), false);
  assert.equal(sidecarCapturesPort(annotated(p, { 'traffic.sidecar.istio.io/includeInboundPorts': '*' }), 8080), true);
  assert.equal(sidecarCapturesPort(annotated(p, { 'traffic.sidecar.istio.io/includeInboundPorts': '8012, 9090' }), 9090), true);
  assert.equal(sidecarCapturesPort(annotated(p, { 'traffic.sidecar.istio.io/includeInboundPorts': '8012' }), 8080), false);
  assert.equal(sidecarCapturesPort(annotated(p, { 'traffic.sidecar.istio.io/includeInboundPorts': '' }), 8080), false);
});

test('an endpoint on a port the pod\'s sidecar excludes is plaintext (tlsMode disabled)', () => {
  const p = annotated(pod('default', 'app-1', '127.244.0.5', { app: 'app', 'security.istio.io/tlsMode': 'istio' }), { 'traffic.sidecar.istio.io/excludeInboundPorts': '8022' });
  const svc = service('default', 'app', { clusterIP: '127.96.0.9', selector: { app: 'app' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'http-drain', port: 8022, targetPort: 8022 }] });
  const mesh = kubernetesService(svc, [slice('default', 'app', [{ name: 'http', port: 8080 }, { name: 'http-drain', port: 8022 }], [p])], [p]);
  assert.equal(mesh.endpoints.get(80)?.[0]?.tlsMode, 'istio');
  assert.equal(mesh.endpoints.get(8022)?.[0]?.tlsMode, 'disabled');
});

test('endpoints without a Pod targetRef (mirrored from Endpoints) find their pod by address', () => {
  const live = pod('serving', 'hello-00001-deployment-abc', '127.244.0.7', { app: 'hello', 'security.istio.io/tlsMode': 'istio' });
  const finished = { ...pod('serving', 'old', '127.244.0.7', { app: 'old' }), status: { podIP: '127.244.0.7', phase: 'Succeeded' } } as Pod;
  const svc = service('serving', 'hello-00001', { clusterIP: '127.96.0.10', ports: [{ name: 'http', port: 80, targetPort: 8012 }] });
  const mirrored = slice('serving', 'hello-00001', [{ name: 'http', port: 8012 }], [live]);
  for (const ep of mirrored.endpoints ?? []) delete ep.targetRef;
  const mesh = kubernetesService(svc, [mirrored], [finished, live]);
  const ep = mesh.endpoints.get(80)?.[0];
  assert.deepEqual([ep?.tlsMode, ep?.serviceAccount, ep?.podName, ep?.labels.app], ['istio', 'bookinfo-reviews', 'hello-00001-deployment-abc', 'hello']);
});

test('a mirrored endpoint at a pod of another namespace (the activator) takes that pod\'s identity and namespace', () => {
  const activator = { ...pod('knative-serving', 'activator-7d9f8b6c5-x2x4q', '127.244.0.9', { app: 'activator', 'security.istio.io/tlsMode': 'istio' }), spec: { serviceAccountName: 'activator', containers: [] } } as Pod;
  const svc = service('serving', 'hello-00001', { clusterIP: '127.96.0.10', ports: [{ name: 'http', port: 80, targetPort: 8012 }] });
  const mirrored = slice('serving', 'hello-00001', [{ name: 'http', port: 8012 }], [activator]);
  for (const ep of mirrored.endpoints ?? []) delete ep.targetRef;
  const ep = kubernetesService(svc, [mirrored], [activator]).endpoints.get(80)?.[0];
  assert.deepEqual([ep?.tlsMode, ep?.namespace, ep?.serviceAccount], ['istio', 'knative-serving', 'activator']);
});
