import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../../api/object.ts';
import { QUEUE_SIDECAR_IMAGE_DEFAULT, revisionConfigFromConfigMaps } from './config.ts';
import { makeDeployment } from './deploy.ts';
import { makePodAutoscaler, reachability } from './pa.ts';
import { encodeProbe, userReadinessProbe } from './probe.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A Revision as the Configuration controller creates it, after Knative's defaulting. */
function revision(over: { annotations?: Record<string, string>; labels?: Record<string, string>; spec?: Json } = {}): KubeObject {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Revision',
    metadata: {
      name: 'hello-00001', namespace: 'default', uid: 'rev-uid', generation: 1,
      labels: {
        'serving.knative.dev/configuration': 'hello', 'serving.knative.dev/configurationUID': 'cfg-uid', 'serving.knative.dev/configurationGeneration': '1',
        'serving.knative.dev/service': 'hello', 'serving.knative.dev/serviceUID': 'svc-uid', 'serving.knative.dev/routingState': 'active',
        ...over.labels,
      },
      annotations: { 'sidecar.istio.io/inject': 'true', 'serving.knative.dev/routes': 'hello', ...over.annotations },
      ownerReferences: [{ apiVersion: 'serving.knative.dev/v1', kind: 'Configuration', name: 'hello', uid: 'cfg-uid', controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      containerConcurrency: 0, timeoutSeconds: 300, enableServiceLinks: false,
      containers: [{ name: 'user-container', image: 'openshift/hello-openshift', resources: {}, readinessProbe: { tcpSocket: { port: 0 }, successThreshold: 1 } }],
      ...over.spec,
    },
  };
}

const cfg = revisionConfigFromConfigMaps();
const containers = (d: KubeObject): [Json, Json] => (d.spec as Json).template.spec.containers;
const envOf = (c: Json): Record<string, string | undefined> => Object.fromEntries((c.env as Json[]).map((e) => [e.name, e.value]));

describe('revision config', () => {
  it('keeps Knative 1.15 defaults and reads config-deployment / config-autoscaler', () => {
    assert.equal(cfg.deployment.queueSidecarImage, QUEUE_SIDECAR_IMAGE_DEFAULT);
    assert.equal(cfg.deployment.progressDeadlineSeconds, 600);
    assert.deepEqual(cfg.deployment.queueSidecarRequests, { cpu: '25m' });
    assert.equal(cfg.enableServiceLinks, false);
    assert.equal(cfg.autoscaler.initialScale, 1);
    const c = revisionConfigFromConfigMaps({ deployment: { 'queue-sidecar-image': 'quay.io/x/serving-queue:1', 'progress-deadline': '2m', 'queue-sidecar-memory-limit': '800Mi' }, autoscaler: { 'initial-scale': '3' } });
    assert.equal(c.deployment.queueSidecarImage, 'quay.io/x/serving-queue:1');
    assert.equal(c.deployment.progressDeadlineSeconds, 120);
    assert.deepEqual(c.deployment.queueSidecarLimits, { memory: '800Mi' });
    assert.equal(c.autoscaler.initialScale, 3);
  });
});

describe('makeDeployment', () => {
  const d = makeDeployment(revision(), cfg);
  const spec = d.spec as Json;

  it('names, labels, selects and owns as upstream', () => {
    assert.equal(d.metadata.name, 'hello-00001-deployment');
    assert.equal(d.metadata.labels!['serving.knative.dev/revision'], 'hello-00001');
    assert.equal(d.metadata.labels!['serving.knative.dev/revisionUID'], 'rev-uid');
    assert.equal(d.metadata.labels!.app, 'hello-00001');
    assert.equal(d.metadata.labels!['serving.knative.dev/routingState'], undefined);
    assert.equal(d.metadata.annotations!['serving.knative.dev/routes'], undefined);
    assert.deepEqual(d.metadata.ownerReferences, [{ apiVersion: 'serving.knative.dev/v1', kind: 'Revision', name: 'hello-00001', uid: 'rev-uid', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(spec.selector, { matchLabels: { 'serving.knative.dev/revisionUID': 'rev-uid' } });
    assert.equal(spec.replicas, 1);
    assert.equal(spec.progressDeadlineSeconds, 600);
    assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } });
    assert.equal(spec.template.metadata.labels['serving.knative.dev/service'], 'hello');
    assert.equal(spec.template.metadata.annotations['sidecar.istio.io/inject'], 'true');
  });

  it('runs the user container behind queue-proxy', () => {
    const [user, queue] = containers(d);
    assert.equal(user.name, 'user-container');
    assert.deepEqual(user.ports, [{ name: 'user-port', containerPort: 8080 }]);
    assert.equal(user.readinessProbe, undefined);
    assert.deepEqual(user.lifecycle, { preStop: { httpGet: { path: '/wait-for-drain', port: 8022 } } });
    assert.equal(user.terminationMessagePolicy, 'FallbackToLogsOnError');
    assert.deepEqual(envOf(user), { PORT: '8080', K_REVISION: 'hello-00001', K_CONFIGURATION: 'hello', K_SERVICE: 'hello' });
    assert.equal(queue.name, 'queue-proxy');
    assert.equal(queue.image, QUEUE_SIDECAR_IMAGE_DEFAULT);
    assert.deepEqual(queue.ports.map((p: Json) => `${p.name}:${p.containerPort}`), ['http-queueadm:8022', 'http-autometric:9090', 'http-usermetric:9091', 'queue-port:8012', 'https-port:8112']);
    assert.deepEqual(queue.readinessProbe, { successThreshold: 1, httpGet: { port: 8012, httpHeaders: [{ name: 'K-Network-Probe', value: 'queue' }] } });
    const env = envOf(queue);
    assert.equal(env.SERVING_NAMESPACE, 'default');
    assert.equal(env.SERVING_SERVICE, 'hello');
    assert.equal(env.SERVING_CONFIGURATION, 'hello');
    assert.equal(env.SERVING_REVISION, 'hello-00001');
    assert.equal(env.QUEUE_SERVING_PORT, '8012');
    assert.equal(env.USER_PORT, '8080');
    assert.equal(env.CONTAINER_CONCURRENCY, '0');
    assert.equal(env.REVISION_TIMEOUT_SECONDS, '300');
    assert.equal(env.SYSTEM_NAMESPACE, 'knative-serving');
    assert.equal(env.SERVING_READINESS_PROBE, '{"tcpSocket":{"port":8080,"host":"127.0.0.1"},"successThreshold":1}');
    const pod = (queue.env as Json[]).find((e) => e.name === 'SERVING_POD_IP');
    assert.deepEqual(pod, { name: 'SERVING_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
    // An empty value is stored as no value, so a converged Deployment compares equal.
    assert.deepEqual((queue.env as Json[]).find((e) => e.name === 'ROOT_CA'), { name: 'ROOT_CA' });
  });

  it('sets the pod-level fields: grace = timeout, no revision-only fields, spread affinity', () => {
    const pod = spec.template.spec;
    assert.equal(pod.terminationGracePeriodSeconds, 300);
    assert.equal(pod.enableServiceLinks, false);
    assert.equal(pod.containerConcurrency, undefined);
    assert.equal(pod.timeoutSeconds, undefined);
    assert.equal(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchLabels['serving.knative.dev/revision'], 'hello-00001');
  });

  it('honours initial-scale, progress-deadline, a custom port and an http readiness probe', () => {
    const rev = revision({
      annotations: { 'autoscaling.knative.dev/initial-scale': '0', 'serving.knative.dev/progress-deadline': '90s' },
      spec: { containers: [{ name: 'user-container', image: 'x', ports: [{ containerPort: 9000 }], readinessProbe: { httpGet: { path: '/ready', port: 0 }, periodSeconds: 2, successThreshold: 1 }, livenessProbe: { tcpSocket: { port: 0 } } }] },
    });
    const dep = makeDeployment(rev, cfg);
    assert.equal((dep.spec as Json).replicas, 0);
    assert.equal((dep.spec as Json).progressDeadlineSeconds, 90);
    const [user, queue] = containers(dep);
    assert.deepEqual(user.ports, [{ name: 'user-port', containerPort: 9000 }]);
    assert.deepEqual(user.livenessProbe, { tcpSocket: { port: 9000 } });
    assert.equal(envOf(queue).USER_PORT, '9000');
    assert.equal(envOf(queue).SERVING_READINESS_PROBE, '{"httpGet":{"path":"/ready","port":9000,"host":"127.0.0.1","scheme":"HTTP"},"timeoutSeconds":1,"periodSeconds":2,"successThreshold":1}');
    assert.equal(queue.readinessProbe.periodSeconds, 2);
  });
});

describe('readiness probe encoding', () => {
  it('turns exec into a TCP check on the user port, as upstream', () => {
    assert.equal(encodeProbe(userReadinessProbe({ exec: { command: ['true'] }, successThreshold: 1 }, 8080)), '{"tcpSocket":{"port":8080,"host":"127.0.0.1"},"successThreshold":1}');
  });
});

describe('makePodAutoscaler', () => {
  it('scales the Deployment with the revision\'s knobs and class', () => {
    const pa = makePodAutoscaler(revision({ annotations: { 'autoscaling.knative.dev/min-scale': '1' } }), cfg);
    assert.equal(pa.metadata.name, 'hello-00001');
    assert.equal(pa.metadata.annotations!['autoscaling.knative.dev/class'], 'kpa.autoscaling.knative.dev');
    assert.equal(pa.metadata.annotations!['autoscaling.knative.dev/metric'], 'concurrency');
    assert.equal(pa.metadata.annotations!['autoscaling.knative.dev/min-scale'], '1');
    assert.deepEqual(pa.spec, {
      containerConcurrency: 0,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello-00001-deployment' },
      protocolType: 'http1',
      reachability: 'Reachable',
    });
  });

  it('derives reachability from the routing state and from failed resources', () => {
    assert.equal(reachability(revision({ labels: { 'serving.knative.dev/routingState': 'reserve' } }), undefined), 'Unreachable');
    assert.equal(reachability(revision({ labels: { 'serving.knative.dev/routingState': 'pending' } }), undefined), 'Unknown');
    const failed = { ...revision(), status: { conditions: [{ type: 'ContainerHealthy', status: 'False' }] } };
    assert.equal(reachability(failed, { spec: { replicas: 1 }, status: { readyReplicas: 0 } }), 'Unreachable');
    assert.equal(reachability(failed, { spec: { replicas: 1 }, status: { readyReplicas: 1 } }), 'Reachable');
  });
});
