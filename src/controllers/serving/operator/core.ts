/**
 * Knative Serving's core workloads (knative/serving config/core/deployments/*.yaml, 1.15):
 * activator, autoscaler, controller and webhook, their Services and ServiceAccounts.
 */
import type { KubeObject } from '../../../api/object.ts';
import { IMAGES, SERVING_VERSION } from './meta.ts';
import { type WorkloadSpec, fieldEnv, serviceOf, systemEnv, workloadLabels } from './workload.ts';

const kubeletProbe = (port: number | string, value: string, extra: Record<string, unknown>) => ({
  httpGet: { port, httpHeaders: [{ name: 'k-kubelet-probe', value }] },
  ...extra,
});

/** knative.dev/pkg's probe server (`probes`, 8080): `/readiness` and `/health`. */
const pkgProbes = () => ({
  readinessProbe: { httpGet: { path: '/readiness', port: 'probes', scheme: 'HTTP' }, periodSeconds: 5, failureThreshold: 3 },
  livenessProbe: { httpGet: { path: '/health', port: 'probes', scheme: 'HTTP' }, periodSeconds: 5, failureThreshold: 3, initialDelaySeconds: 20 },
});

const webhookProbes = () => ({
  readinessProbe: { httpGet: { scheme: 'HTTPS', port: 8443 }, periodSeconds: 1 },
  livenessProbe: { httpGet: { scheme: 'HTTPS', port: 8443 }, failureThreshold: 6, initialDelaySeconds: 120 },
});

const METRICS = { name: 'metrics', containerPort: 9090 };
const PROFILING = { name: 'profiling', containerPort: 8008 };

export function coreWorkloads(namespace: string): WorkloadSpec[] {
  const common = { namespace, version: SERVING_VERSION };
  return [
    {
      ...common, name: 'activator', component: 'activator', containerName: 'activator', image: IMAGES.activator,
      labels: { role: 'activator' },
      serviceAccountName: 'activator',
      // The longest request a revision may serve (max-revision-timeout-seconds) drains before it stops.
      terminationGracePeriodSeconds: 600,
      ports: [METRICS, PROFILING, { name: 'http1', containerPort: 8012 }, { name: 'h2c', containerPort: 8013 }],
      env: [{ name: 'GOGC', value: '500' }, fieldEnv('POD_IP', 'status.podIP'), ...systemEnv('knative.dev/internal/serving')],
      resources: { requests: { cpu: '300m', memory: '60Mi' }, limits: { cpu: '1000m', memory: '600Mi' } },
      readinessProbe: kubeletProbe(8012, 'activator', { failureThreshold: 5, periodSeconds: 5 }),
      livenessProbe: kubeletProbe(8012, 'activator', { failureThreshold: 12, initialDelaySeconds: 15, periodSeconds: 10 }),
      podAnnotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' },
    },
    {
      ...common, name: 'autoscaler', component: 'autoscaler', containerName: 'autoscaler', image: IMAGES.autoscaler,
      serviceAccountName: 'controller',
      ports: [{ name: 'websocket', containerPort: 8080 }, METRICS, PROFILING],
      env: [fieldEnv('POD_IP', 'status.podIP'), ...systemEnv('knative.dev/serving')],
      resources: { requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '1000m', memory: '1000Mi' } },
      readinessProbe: kubeletProbe('websocket', 'autoscaler', {}),
      livenessProbe: kubeletProbe('websocket', 'autoscaler', { failureThreshold: 6 }),
      podAnnotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' },
    },
    {
      ...common, name: 'controller', component: 'controller', containerName: 'controller', image: IMAGES.controller,
      serviceAccountName: 'controller',
      ports: [METRICS, PROFILING, { name: 'probes', containerPort: 8080 }],
      env: systemEnv('knative.dev/internal/serving'),
      resources: { requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '1000m', memory: '1000Mi' } },
      ...pkgProbes(),
      podAnnotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true' },
    },
    {
      ...common, name: 'webhook', component: 'webhook', containerName: 'webhook', image: IMAGES.webhook,
      labels: { role: 'webhook' },
      serviceAccountName: 'controller',
      ports: [METRICS, PROFILING, { name: 'https-webhook', containerPort: 8443 }],
      env: [...systemEnv('knative.dev/serving'), { name: 'WEBHOOK_NAME', value: 'webhook' }, { name: 'WEBHOOK_PORT', value: '8443' }],
      resources: { requests: { cpu: '100m', memory: '100Mi' }, limits: { cpu: '500m', memory: '500Mi' } },
      ...webhookProbes(),
      podAnnotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' },
    },
  ];
}

const httpMetrics = { name: 'http-metrics', port: 9090, targetPort: 9090 };
const httpProfiling = { name: 'http-profiling', port: 8008, targetPort: 8008 };

export function coreServices(namespace: string): KubeObject[] {
  const labels = (name: string, component: string) => workloadLabels({ name, component, version: SERVING_VERSION });
  return [
    serviceOf({
      name: 'activator-service', namespace, labels: labels('activator', 'activator'), selector: { app: 'activator' },
      ports: [httpMetrics, httpProfiling, { name: 'http', port: 80, targetPort: 8012 }, { name: 'http2', port: 81, targetPort: 8013 }, { name: 'https', port: 443, targetPort: 8112 }],
    }),
    serviceOf({
      name: 'autoscaler', namespace, labels: labels('autoscaler', 'autoscaler'), selector: { app: 'autoscaler' },
      ports: [httpMetrics, httpProfiling, { name: 'http', port: 8080, targetPort: 8080 }],
    }),
    serviceOf({ name: 'controller', namespace, labels: labels('controller', 'controller'), selector: { app: 'controller' }, ports: [httpMetrics, httpProfiling] }),
    serviceOf({
      name: 'webhook', namespace, labels: { ...labels('webhook', 'webhook'), role: 'webhook' }, selector: { role: 'webhook' },
      ports: [httpMetrics, httpProfiling, { name: 'https-webhook', port: 443, targetPort: 8443 }],
    }),
  ];
}

export function serviceAccounts(namespace: string, names: readonly string[]): KubeObject[] {
  return names.map((name) => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/component': name === 'activator' ? 'activator' : 'controller', 'app.kubernetes.io/name': 'knative-serving', 'app.kubernetes.io/version': SERVING_VERSION } },
  }));
}

