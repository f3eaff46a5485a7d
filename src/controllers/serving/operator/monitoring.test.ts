import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.ts';
import { manifestOf } from './manifest.ts';
import { monitoringEnabled, RBAC_PROXY_CONTAINER } from './monitoring.ts';
import { servingSpecOf } from './spec.ts';

function serving(observability?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'operator.knative.dev/v1beta1',
    kind: 'KnativeServing',
    metadata: { name: 'knative-serving', namespace: 'knative-serving', uid: 'uid-1', generation: 1 },
    spec: { ingress: { istio: { enabled: true } }, ...(observability ? { config: { observability } } : {}) },
  };
}

type Pod = { spec: { containers: Array<{ name: string; env?: Array<{ name: string; value: string }>; args?: string[]; volumeMounts?: unknown }>; volumes?: Array<{ name: string; secret?: { secretName: string } }> } };
const render = (cr: KubeObject) => manifestOf(cr, servingSpecOf(cr), 'apps.example.com').objects;
const podOf = (objs: KubeObject[], name: string) => (objs.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!.spec as { template: Pod }).template;

test('monitoring is on for a backend other than none and opencensus, off when none is asked', () => {
  for (const [backend, on] of [[undefined, false], ['prometheus', true], ['none', false], ['opencensus', false], ['stackdriver', true]] as const) {
    assert.equal(monitoringEnabled(servingSpecOf(serving(backend ? { 'metrics.backend-destination': backend } : undefined))), on, String(backend));
  }
});

test('with prometheus every monitored component gets kube-rbac-proxy on 8444, localhost-only metrics and its sm-service', () => {
  const objs = render(serving({ 'metrics.backend-destination': 'prometheus' }));
  for (const name of ['activator', 'autoscaler', 'controller', 'webhook']) {
    const pod = podOf(objs, name);
    const [component, proxy] = [pod.spec.containers[0]!, pod.spec.containers.find((c) => c.name === RBAC_PROXY_CONTAINER)];
    assert.deepEqual(component.env?.at(-1), { name: 'METRICS_PROMETHEUS_HOST', value: '127.0.0.1' }, name);
    assert.deepEqual(proxy?.args?.slice(0, 2), ['--secure-listen-address=0.0.0.0:8444', '--upstream=http://127.0.0.1:9090/']);
    assert.deepEqual(pod.spec.volumes?.at(-1), { name: `secret-${name}-sm-service-tls`, secret: { secretName: `${name}-sm-service-tls` } });
    const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === `${name}-sm-service`)!;
    assert.equal(svc.metadata.annotations?.['service.beta.openshift.io/serving-cert-secret-name'], `${name}-sm-service-tls`);
    assert.deepEqual(svc.spec, { ports: [{ name: 'https', port: 8444, targetPort: 8444 }], selector: { app: name } });
  }
  assert.equal(podOf(objs, 'net-istio-controller').spec.containers.some((c) => c.name === RBAC_PROXY_CONTAINER), false, 'net-istio is not in the list');
});

test('without a backend nothing is injected', () => {
  const objs = render(serving());
  assert.equal(podOf(objs, 'activator').spec.containers.length, 1);
  assert.equal(objs.some((o) => o.metadata.name?.endsWith('-sm-service')), false);
});
