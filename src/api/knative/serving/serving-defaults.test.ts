import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { upstreamKnativeConfig } from '../config.ts';
import { admissionHooks } from '../admission.ts';
import { defaulted } from '../testing.ts';
import { serviceAdmission } from './admission.ts';

const ksvc = (spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello', namespace: 'default', ...meta }, spec,
});

describe('Service / Configuration defaults', () => {
  it('fills the template like Knative 1.15 and points traffic at the latest revision', () => {
    const svc = defaulted(ksvc({ template: { spec: { containers: [{ image: 'gcr.io/knative-samples/helloworld-go' }] } } }));
    assert.deepEqual(svc.spec, {
      template: {
        spec: {
          containers: [{
            image: 'gcr.io/knative-samples/helloworld-go',
            name: 'user-container',
            resources: {},
            readinessProbe: { tcpSocket: { port: 0 }, successThreshold: 1 },
          }],
          timeoutSeconds: 300,
          containerConcurrency: 0,
          enableServiceLinks: false,
        },
      },
      traffic: [{ percent: 100, latestRevision: true }],
    });
  });

  it('names several containers user-container-N, avoiding taken names, and probes only the serving one', () => {
    const svc = defaulted(ksvc({ template: { spec: { containers: [{ image: 'a', ports: [{ containerPort: 8080 }] }, { image: 'b' }, { name: 'user-container-1', image: 'c' }] } } }));
    const containers = (svc.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers;
    assert.deepEqual(containers.map((c) => c.name), ['user-container-0', 'user-container-2', 'user-container-1']);
    assert.deepEqual(containers[0]!.readinessProbe, { tcpSocket: { port: 0 }, successThreshold: 1 });
    assert.equal(containers[1]!.readinessProbe, undefined);
  });

  it('keeps user values and completes probes with a period', () => {
    const svc = defaulted(ksvc({
      template: { spec: { containerConcurrency: 10, timeoutSeconds: 60, enableServiceLinks: true, containers: [{ image: 'a', readinessProbe: { httpGet: { path: '/' }, periodSeconds: 5 } }] } },
      traffic: [{ revisionName: 'hello-00001', percent: 100 }],
    }));
    const spec = svc.spec as { template: { spec: Record<string, unknown> & { containers: Array<Record<string, unknown>> } }; traffic: unknown[] };
    assert.equal(spec.template.spec.containerConcurrency, 10);
    assert.equal(spec.template.spec.timeoutSeconds, 60);
    assert.equal(spec.template.spec.enableServiceLinks, true);
    assert.deepEqual(spec.template.spec.containers[0]!.readinessProbe, { httpGet: { path: '/' }, periodSeconds: 5, successThreshold: 1, failureThreshold: 3, timeoutSeconds: 1 });
    assert.deepEqual(spec.traffic, [{ revisionName: 'hello-00001', percent: 100, latestRevision: false }]);
  });

  it('makes non-writable mounts read-only', () => {
    const svc = defaulted(ksvc({ template: { spec: {
      containers: [{ image: 'a', volumeMounts: [{ name: 's', mountPath: '/s' }, { name: 'e', mountPath: '/e' }] }],
      volumes: [{ name: 's', secret: { secretName: 'x' } }, { name: 'e', emptyDir: {} }],
    } } }));
    const mounts = (svc.spec as { template: { spec: { containers: Array<{ volumeMounts: Array<Record<string, unknown>> }> } } }).template.spec.containers[0]!.volumeMounts;
    assert.equal(mounts[0]!.readOnly, true);
    assert.equal(mounts[1]!.readOnly, undefined);
  });

  it('leaves enableServiceLinks alone on update and a BYO-named template untouched', () => {
    const old = ksvc({ template: { metadata: { name: 'hello-v1' }, spec: { containers: [{ image: 'a' }] } } });
    const updated = defaulted(ksvc({ template: { metadata: { name: 'hello-v1' }, spec: { containers: [{ image: 'a' }] } } }), { operation: 'update', old });
    assert.deepEqual((updated.spec as { template: unknown }).template, { metadata: { name: 'hello-v1' }, spec: { containers: [{ image: 'a' }] } });
    const renamed = defaulted(ksvc({ template: { spec: { containers: [{ image: 'a' }] } } }), { operation: 'update', old });
    assert.equal((renamed.spec as { template: { spec: Record<string, unknown> } }).template.spec.enableServiceLinks, undefined);
  });

  it('records creator and lastModifier when the user is known', () => {
    const svc = defaulted(ksvc({ template: { spec: { containers: [{ image: 'a' }] } } }), { operation: 'create', user: 'kube:admin' });
    assert.equal(svc.metadata.annotations?.['serving.knative.dev/creator'], 'kube:admin');
    assert.equal(svc.metadata.annotations?.['serving.knative.dev/lastModifier'], 'kube:admin');
  });

  it('reads config-defaults through defaultsWith-style config sources', () => {
    const config = upstreamKnativeConfig();
    config.serving.defaults.revisionTimeoutSeconds = 120;
    config.serving.defaults.containerConcurrency = 5;
    config.serving.defaults.userContainerNameTemplate = '{{.Name}}-app';
    config.serving.defaults.revisionCpuRequest = '100m';
    const hooks = admissionHooks(serviceAdmission, () => config);
    const svc = ksvc({ template: { spec: { containers: [{ image: 'a' }] } } });
    hooks.defaults!(svc);
    const spec = (svc.spec as { template: { spec: Record<string, unknown> & { containers: Array<Record<string, unknown>> } } }).template.spec;
    assert.equal(spec.timeoutSeconds, 120);
    assert.equal(spec.containerConcurrency, 5);
    assert.equal(spec.containers[0]!.name, 'hello-app');
    assert.deepEqual(spec.containers[0]!.resources, { requests: { cpu: '100m' } });
  });

  it('applies secure-pod-defaults when enabled', () => {
    const config = upstreamKnativeConfig();
    config.serving.features.securePodDefaults = 'Enabled';
    const svc = ksvc({ template: { spec: { containers: [{ image: 'a', ports: [{ containerPort: 80 }] }] } } });
    admissionHooks(serviceAdmission, () => config).defaults!(svc);
    const c = (svc.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0]!;
    assert.deepEqual(c.securityContext, {
      allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }, runAsNonRoot: true,
    });
  });
});

describe('Route, Revision, DomainMapping and internal defaults', () => {
  it('gives a standalone Route no traffic, but completes its targets', () => {
    const route = defaulted({ apiVersion: 'serving.knative.dev/v1', kind: 'Route', metadata: { name: 'r', namespace: 'd' }, spec: { traffic: [{ configurationName: 'c', percent: 100 }] } });
    assert.deepEqual(route.spec, { traffic: [{ configurationName: 'c', percent: 100, latestRevision: true }] });
    const empty = defaulted({ apiVersion: 'serving.knative.dev/v1', kind: 'Route', metadata: { name: 'r', namespace: 'd' }, spec: {} });
    assert.deepEqual(empty.spec, {});
  });

  it('defaults a Revision on create only', () => {
    const rev = (): KubeObject => ({ apiVersion: 'serving.knative.dev/v1', kind: 'Revision', metadata: { name: 'hello-00001', namespace: 'd' }, spec: { containers: [{ image: 'a' }] } });
    const created = defaulted(rev());
    assert.equal((created.spec as Record<string, unknown>).timeoutSeconds, 300);
    const updated = defaulted(rev(), { operation: 'update', old: rev() });
    assert.equal((updated.spec as Record<string, unknown>).timeoutSeconds, undefined);
  });

  it('defaults the DomainMapping ref namespace', () => {
    const dm = defaulted({ apiVersion: 'serving.knative.dev/v1beta1', kind: 'DomainMapping', metadata: { name: 'example.com', namespace: 'd' }, spec: { ref: { name: 'hello', kind: 'Service', apiVersion: 'serving.knative.dev/v1' } } });
    assert.equal((dm.spec as { ref: { namespace: string } }).ref.namespace, 'd');
  });

  it('defaults the PodAutoscaler class and metric', () => {
    const pa = defaulted({ apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler', metadata: { name: 'p', namespace: 'd' }, spec: {} });
    assert.deepEqual(pa.metadata.annotations, { 'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev', 'autoscaling.knative.dev/metric': 'concurrency' });
  });

  it('defaults Ingress rule visibility and a lone split to 100%', () => {
    const ing = defaulted({ apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'Ingress', metadata: { name: 'i', namespace: 'd' }, spec: { rules: [{ http: { paths: [{ splits: [{ serviceName: 's' }] }] } }] } });
    assert.deepEqual(ing.spec, { rules: [{ visibility: 'ExternalIP', http: { paths: [{ splits: [{ serviceName: 's', percent: 100 }] }] } }] });
  });
});
