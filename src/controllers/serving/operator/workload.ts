/**
 * The shape every installed Deployment shares (knative/serving config/core/deployments,
 * net-istio config/500-*.yaml): labels `app`, `app.kubernetes.io/{component,name,version}`,
 * selector on `app`, one container with the downward-API env Knative's binaries read.
 */
import type { KubeObject } from '../../../api/object.ts';

export interface ContainerPort { name: string; containerPort: number; protocol?: string }

export interface WorkloadSpec {
  name: string;
  namespace: string;
  /** `app.kubernetes.io/component` (e.g. `activator`, `net-istio`). */
  component: string;
  /** `app.kubernetes.io/name`. */
  partOf?: string;
  version: string;
  containerName: string;
  image: string;
  ports: ContainerPort[];
  env?: Array<Record<string, unknown>>;
  readinessProbe?: Record<string, unknown>;
  livenessProbe?: Record<string, unknown>;
  resources?: { requests: Record<string, string>; limits: Record<string, string> };
  serviceAccountName?: string;
  terminationGracePeriodSeconds?: number;
  /** Extra labels on the Deployment and its pods (`role: activator`, …). */
  labels?: Record<string, string>;
  podAnnotations?: Record<string, string>;
}

export const fieldEnv = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });

/** The env Knative's controllers read: the system namespace and the names of their logging/observability ConfigMaps. */
export function systemEnv(metricsDomain: string): Array<Record<string, unknown>> {
  return [
    fieldEnv('POD_NAME', 'metadata.name'),
    fieldEnv('SYSTEM_NAMESPACE', 'metadata.namespace'),
    { name: 'CONFIG_LOGGING_NAME', value: 'config-logging' },
    { name: 'CONFIG_OBSERVABILITY_NAME', value: 'config-observability' },
    { name: 'METRICS_DOMAIN', value: metricsDomain },
  ];
}

export function workloadLabels(w: Pick<WorkloadSpec, 'name' | 'component' | 'partOf' | 'version' | 'labels'>): Record<string, string> {
  return {
    app: w.name,
    'app.kubernetes.io/component': w.component,
    'app.kubernetes.io/name': w.partOf ?? 'knative-serving',
    'app.kubernetes.io/version': w.version,
    ...(w.labels ?? {}),
  };
}

export function deploymentOf(w: WorkloadSpec): KubeObject {
  const labels = workloadLabels(w);
  const container: Record<string, unknown> = {
    name: w.containerName,
    image: w.image,
    ports: w.ports,
    ...(w.env ? { env: w.env } : {}),
    ...(w.resources ? { resources: w.resources } : {}),
    ...(w.readinessProbe ? { readinessProbe: w.readinessProbe } : {}),
    ...(w.livenessProbe ? { livenessProbe: w.livenessProbe } : {}),
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: w.name, namespace: w.namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: w.name } },
      template: {
        metadata: { labels, ...(w.podAnnotations ? { annotations: w.podAnnotations } : {}) },
        spec: {
          ...(w.serviceAccountName ? { serviceAccountName: w.serviceAccountName } : {}),
          ...(w.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: w.terminationGracePeriodSeconds } : {}),
          containers: [container],
        },
      },
    },
  };
}

export function serviceOf(opts: { name: string; namespace: string; labels: Record<string, string>; selector: Record<string, string>; ports: Array<Record<string, unknown>>; type?: string }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: opts.name, namespace: opts.namespace, labels: opts.labels },
    spec: { ...(opts.type ? { type: opts.type } : {}), selector: opts.selector, ports: opts.ports.map((p) => ({ protocol: 'TCP', ...p })) },
  };
}
