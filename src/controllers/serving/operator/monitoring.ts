/**
 * OpenShift Serverless' monitoring of Serving's components (serverless-operator
 * openshift-knative-operator/pkg/monitoring): when the KnativeServing asks for a metrics
 * backend other than `none`/`opencensus` (seed 002 §1.5 sets `prometheus`), each component
 * Deployment gets a `kube-rbac-proxy` container serving its metrics over HTTPS on 8444
 * (certificate from the service CA, callers checked with TokenReview and
 * SubjectAccessReview) in front of the component's own :9090, which is told to listen on
 * localhost only (METRICS_PROMETHEUS_HOST); and a `<component>-sm-service` Service on 8444
 * whose serving certificate the service CA issues. The cluster's Prometheus scrapes those
 * Services; 8444 is why the seed excludes that port from the mesh's mTLS.
 *
 * Not rendered: the ServiceMonitors and the RBAC (Roles, ClusterRoleBindings) upstream adds
 * — skiff does not serve the Prometheus operator's kinds, and authorizes every request, so
 * RBAC objects (which it stores) would change nothing.
 */
import type { KubeObject } from '../../../api/object.ts';
import type { ServingSpec } from './spec.ts';

export const RBAC_PROXY_CONTAINER = 'kube-rbac-proxy';
export const RBAC_PROXY_PORT = 8444;
/** OpenShift's build of brancz/kube-rbac-proxy (the CSV's IMAGE_KUBE_RBAC_PROXY). */
export const RBAC_PROXY_IMAGE = 'registry.redhat.io/openshift4/ose-kube-rbac-proxy:v4.13';
/** The Serving Deployments upstream injects the proxy into (those skiff installs get it). */
export const MONITORED_DEPLOYMENTS: ReadonlySet<string> = new Set(['activator', 'autoscaler', 'autoscaler-hpa', 'controller', 'domain-mapping', 'domainmapping-webhook', 'webhook']);
const SERVING_CERT_ANNOTATION = 'service.beta.openshift.io/serving-cert-secret-name';

/** Whether the components' metrics are exposed for the cluster's Prometheus (upstream's ShouldEnableMonitoring with monitoring off by default). */
export function monitoringEnabled(serving: Pick<ServingSpec, 'config'>): boolean {
  const backend = serving.config['config-observability']?.['metrics.backend-destination'];
  return backend !== undefined && backend !== '' && backend !== 'none' && backend !== 'opencensus';
}

interface Container { name: string; env?: Array<{ name: string; value?: string }>; [k: string]: unknown }
interface PodSpec { containers: Container[]; volumes?: Array<Record<string, unknown>>; [k: string]: unknown }

/** The Deployment with the proxy container, its certificate volume and a localhost-only metrics server. */
export function withRbacProxy(deployment: KubeObject): KubeObject {
  const name = deployment.metadata.name ?? '';
  if (!MONITORED_DEPLOYMENTS.has(name)) return deployment;
  const spec = structuredClone(deployment.spec) as { template: { spec: PodSpec } };
  const pod = spec.template.spec;
  const [first, ...rest] = pod.containers;
  if (!first || pod.containers.some((c) => c.name === RBAC_PROXY_CONTAINER)) return deployment;
  const volume = `secret-${name}-sm-service-tls`;
  pod.containers = [
    { ...first, env: [...(first.env ?? []), { name: 'METRICS_PROMETHEUS_HOST', value: '127.0.0.1' }] },
    ...rest,
    {
      name: RBAC_PROXY_CONTAINER,
      image: RBAC_PROXY_IMAGE,
      args: [
        `--secure-listen-address=0.0.0.0:${RBAC_PROXY_PORT}`,
        '--upstream=http://127.0.0.1:9090/',
        '--tls-cert-file=/etc/tls/private/tls.crt',
        '--tls-private-key-file=/etc/tls/private/tls.key',
        '--logtostderr=true',
        '--v=10',
      ],
      resources: { requests: { memory: '20Mi', cpu: '10m' } },
      volumeMounts: [{ name: volume, mountPath: '/etc/tls/private' }],
    },
  ];
  pod.volumes = [...(pod.volumes ?? []), { name: volume, secret: { secretName: `${name}-sm-service-tls` } }];
  return { ...deployment, spec };
}

/** `<component>-sm-service` for each monitored Deployment installed in `namespace`. */
export function monitoringServices(namespace: string, deploymentNames: readonly string[]): KubeObject[] {
  return deploymentNames.filter((d) => MONITORED_DEPLOYMENTS.has(d)).map((component) => {
    const name = `${component}-sm-service`;
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels: { name }, annotations: { [SERVING_CERT_ANNOTATION]: `${name}-tls` } },
      spec: { ports: [{ name: 'https', port: RBAC_PROXY_PORT, targetPort: RBAC_PROXY_PORT }], selector: { app: component } },
    };
  });
}
