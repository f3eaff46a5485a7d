/**
 * The networking layer the KnativeServing's `spec.ingress` picks: net-istio (its controller
 * and webhook, config/500-*.yaml) or net-kourier (its controller beside Serving, and the
 * `3scale-kourier-gateway` with Services `kourier`/`kourier-internal` in Kourier's own
 * namespace, ClusterIP as the Serverless operator makes them: Routes expose them on OpenShift).
 */
import type { KubeObject } from '../../../api/object.ts';
import { KOURIER_NAMESPACE } from '../shared/contracts.ts';
import { IMAGES, NET_ISTIO_VERSION, NET_KOURIER_VERSION, PART_OF_LABEL, PART_OF_VALUE } from './meta.ts';
import { type WorkloadSpec, serviceOf, systemEnv, workloadLabels } from './workload.ts';

const ISTIO_PROVIDER = { 'networking.knative.dev/ingress-provider': 'istio' };
const KOURIER_PROVIDER = { 'networking.knative.dev/ingress-provider': 'kourier' };

export function netIstioWorkloads(namespace: string): WorkloadSpec[] {
  const common = { namespace, version: NET_ISTIO_VERSION, component: 'net-istio', labels: ISTIO_PROVIDER, serviceAccountName: 'controller' };
  const ports = [{ name: 'metrics', containerPort: 9090 }, { name: 'profiling', containerPort: 8008 }];
  return [
    {
      ...common, name: 'net-istio-controller', containerName: 'controller', image: IMAGES.netIstioController,
      ports: [...ports, { name: 'probes', containerPort: 8080 }],
      env: systemEnv('knative.dev/net-istio'),
      resources: { requests: { cpu: '30m', memory: '40Mi' }, limits: { cpu: '300m', memory: '400Mi' } },
      readinessProbe: { httpGet: { path: '/readiness', port: 'probes', scheme: 'HTTP' }, periodSeconds: 5, failureThreshold: 3 },
      livenessProbe: { httpGet: { path: '/health', port: 'probes', scheme: 'HTTP' }, periodSeconds: 5, failureThreshold: 3, initialDelaySeconds: 20 },
    },
    {
      ...common, name: 'net-istio-webhook', containerName: 'webhook', image: IMAGES.netIstioWebhook,
      labels: { ...ISTIO_PROVIDER, role: 'net-istio-webhook' },
      ports: [...ports, { name: 'https-webhook', containerPort: 8443 }],
      env: [...systemEnv('knative.dev/net-istio'), { name: 'WEBHOOK_NAME', value: 'net-istio-webhook' }, { name: 'WEBHOOK_PORT', value: '8443' }],
      resources: { requests: { cpu: '20m', memory: '20Mi' }, limits: { cpu: '200m', memory: '200Mi' } },
      readinessProbe: { httpGet: { scheme: 'HTTPS', port: 8443 }, periodSeconds: 1 },
      livenessProbe: { httpGet: { scheme: 'HTTPS', port: 8443 }, failureThreshold: 6, initialDelaySeconds: 20 },
    },
  ];
}

export function netIstioServices(namespace: string): KubeObject[] {
  return [serviceOf({
    name: 'net-istio-webhook', namespace,
    labels: workloadLabels({ name: 'net-istio-webhook', component: 'net-istio', version: NET_ISTIO_VERSION, labels: { ...ISTIO_PROVIDER, role: 'net-istio-webhook' } }),
    selector: { app: 'net-istio-webhook' },
    ports: [{ name: 'http-metrics', port: 9090, targetPort: 9090 }, { name: 'https-webhook', port: 443, targetPort: 8443 }],
  })];
}

export function kourierWorkloads(namespace: string): WorkloadSpec[] {
  return [
    {
      namespace, name: 'net-kourier-controller', component: 'net-kourier', version: NET_KOURIER_VERSION, labels: KOURIER_PROVIDER,
      containerName: 'controller', image: IMAGES.netKourier, serviceAccountName: 'net-kourier',
      ports: [{ name: 'http2-xds', containerPort: 18000 }],
      env: [
        { name: 'CERTS_SECRET_NAMESPACE', value: '' },
        { name: 'CERTS_SECRET_NAME', value: '' },
        ...systemEnv('knative.dev/samples'),
        { name: 'KOURIER_GATEWAY_NAMESPACE', value: KOURIER_NAMESPACE },
      ],
      resources: { requests: { cpu: '200m', memory: '200Mi' }, limits: { cpu: '500m', memory: '500Mi' } },
      readinessProbe: { grpc: { port: 18000 }, periodSeconds: 10, failureThreshold: 3 },
      livenessProbe: { grpc: { port: 18000 }, periodSeconds: 10, failureThreshold: 6 },
    },
    {
      namespace: KOURIER_NAMESPACE, name: '3scale-kourier-gateway', component: 'net-kourier', version: NET_KOURIER_VERSION, labels: KOURIER_PROVIDER,
      containerName: 'kourier-gateway', image: IMAGES.kourierGateway,
      ports: [
        { name: 'http2-external', containerPort: 8080 }, { name: 'http2-internal', containerPort: 8081 },
        { name: 'https-external', containerPort: 8443 }, { name: 'https-internal', containerPort: 8444 },
        { name: 'http-probe', containerPort: 8090 }, { name: 'https-probe', containerPort: 9443 },
      ],
      resources: { requests: { cpu: '200m', memory: '200Mi' }, limits: { cpu: '500m', memory: '500Mi' } },
      readinessProbe: { httpGet: { path: '/ready', port: 8081, scheme: 'HTTP', httpHeaders: [{ name: 'Host', value: 'internalkourier' }] }, initialDelaySeconds: 10, periodSeconds: 5, failureThreshold: 3 },
    },
  ];
}

export function kourierServices(namespace: string): KubeObject[] {
  const labels = (name: string) => workloadLabels({ name, component: 'net-kourier', version: NET_KOURIER_VERSION, labels: KOURIER_PROVIDER });
  const gateway = { app: '3scale-kourier-gateway' };
  return [
    serviceOf({ name: 'net-kourier-controller', namespace, labels: labels('net-kourier-controller'), selector: { app: 'net-kourier-controller' }, ports: [{ name: 'grpc-xds', port: 18000, targetPort: 18000 }] }),
    serviceOf({
      name: 'kourier', namespace: KOURIER_NAMESPACE, labels: labels('kourier'), selector: gateway, type: 'ClusterIP',
      ports: [{ name: 'http2', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }],
    }),
    serviceOf({
      name: 'kourier-internal', namespace: KOURIER_NAMESPACE, labels: labels('kourier-internal'), selector: gateway, type: 'ClusterIP',
      ports: [{ name: 'http2', port: 80, targetPort: 8081 }, { name: 'https', port: 443, targetPort: 8444 }],
    }),
  ];
}

/** Kourier's namespace, marked as part of OpenShift Serverless. */
export function kourierNamespace(): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: KOURIER_NAMESPACE, labels: { [PART_OF_LABEL]: PART_OF_VALUE, 'app.kubernetes.io/name': 'knative-serving', 'app.kubernetes.io/version': NET_KOURIER_VERSION } } };
}
