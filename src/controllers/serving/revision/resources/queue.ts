/**
 * The queue-proxy container of a revision pod (knative/serving 1.15
 * pkg/reconciler/revision/resources/queue.go makeQueueContainer): its image from
 * config-deployment, its ports (admin 8022, autoscaling metrics 9090, user metrics 9091,
 * serving 8012 or 8013 for h2c, TLS 8112), Kubernetes' readiness probe against its serving
 * port with `K-Network-Probe: queue`, and the environment that tells it which revision it
 * fronts, how to probe the user container and what limits to enforce.
 */
import type { KubeObject } from '../../../../api/object.ts';
import type { Json } from '../../../../api/knative/util/json.ts';
import { isObject } from '../../../../api/knative/util/json.ts';
import { ServingAnnotations, ServingLabels } from '../../../../api/knative/serving/keys.ts';
import { PORTS, SERVING_NAMESPACE } from '../../shared/contracts.ts';
import type { RevisionConfig } from './config.ts';
import { QUEUE_CONTAINER_NAME } from './meta.ts';
import { encodeProbe, userReadinessProbe } from './probe.ts';
import { isH2c, revisionSpec, userContainer, userPort } from './revision-view.ts';

/** Defaults of config-observability and config-tracing (queue-proxy reads them from its env). */
const OBSERVABILITY = {
  requestMetricsBackend: 'prometheus',
  requestMetricsReportingPeriodSeconds: 5,
  tracingBackend: 'none',
  tracingSampleRate: '0.1',
  metricsDomain: 'knative.dev/internal/serving',
} as const;

type EnvVar = { name: string; value?: string; valueFrom?: Json };

/** An env var as Kubernetes stores it: an empty value is no value. */
const env = (name: string, value: string): EnvVar => (value === '' ? { name } : { name, value });
const fieldEnv = (name: string, fieldPath: string, apiVersion?: string): EnvVar => ({ name, valueFrom: { fieldRef: { ...(apiVersion ? { apiVersion } : {}), fieldPath } } });

const QUEUE_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** The configuration this revision's controller owner is (the Configuration controlling it). */
function configurationName(rev: KubeObject): string {
  const owner = (rev.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  return owner?.kind === 'Configuration' ? owner.name : '';
}

function queueResources(cfg: RevisionConfig, annotations: Record<string, string>): Json {
  const requests: Record<string, string> = { ...cfg.deployment.queueSidecarRequests };
  const limits: Record<string, string> = { ...cfg.deployment.queueSidecarLimits };
  // queue.sidecar.serving.knative.dev/{cpu,memory,ephemeral-storage}-resource-{request,limit} override the config.
  for (const key of ServingAnnotations.queueSidecarResources) {
    const m = /\/(cpu|memory|ephemeral-storage)-resource-(request|limit)$/.exec(key);
    const value = annotations[key]?.trim();
    if (!m || !value) continue;
    (m[2] === 'request' ? requests : limits)[m[1]!] = value;
  }
  return { requests, ...(Object.keys(limits).length > 0 ? { limits } : {}) };
}

export function makeQueueContainer(rev: KubeObject, cfg: RevisionConfig): Json {
  const spec = revisionSpec(rev);
  const user = userContainer(rev);
  const port = userPort(rev);
  const servingPort = isH2c(rev) ? PORTS.queueH2c : PORTS.queueHttp;
  const annotations = rev.metadata.annotations ?? {};

  let readinessProbe: Json | undefined;
  let probeJson = '';
  if (isObject(user?.readinessProbe)) {
    probeJson = encodeProbe(userReadinessProbe(user.readinessProbe, port));
    const { exec: _e, httpGet: _h, tcpSocket: _t, grpc: _g, ...timing } = structuredClone(user.readinessProbe);
    readinessProbe = { ...timing, httpGet: { port: servingPort, httpHeaders: [{ name: 'K-Network-Probe', value: 'queue' }] } };
  }
  const num = (key: string): string => String(typeof spec[key] === 'number' ? spec[key] : 0);
  const fullDuplex = (annotations['features.knative.dev/http-full-duplex'] ?? '').toLowerCase() === 'enabled';

  return {
    name: QUEUE_CONTAINER_NAME,
    image: cfg.deployment.queueSidecarImage,
    resources: queueResources(cfg, annotations),
    ports: [
      { name: 'http-queueadm', containerPort: PORTS.queueAdmin },
      { name: 'http-autometric', containerPort: PORTS.autoscalingMetrics },
      { name: 'http-usermetric', containerPort: PORTS.userMetrics },
      { name: 'queue-port', containerPort: servingPort },
      { name: 'https-port', containerPort: PORTS.queueHttps },
    ],
    ...(readinessProbe ? { readinessProbe } : {}),
    securityContext: QUEUE_SECURITY_CONTEXT,
    env: [
      env('SERVING_NAMESPACE', rev.metadata.namespace ?? ''),
      env('SERVING_SERVICE', rev.metadata.labels?.[ServingLabels.service] ?? ''),
      env('SERVING_CONFIGURATION', configurationName(rev)),
      env('SERVING_REVISION', rev.metadata.name ?? ''),
      env('QUEUE_SERVING_PORT', String(servingPort)),
      env('QUEUE_SERVING_TLS_PORT', String(PORTS.queueHttps)),
      env('CONTAINER_CONCURRENCY', num('containerConcurrency')),
      env('REVISION_TIMEOUT_SECONDS', num('timeoutSeconds')),
      env('REVISION_RESPONSE_START_TIMEOUT_SECONDS', num('responseStartTimeoutSeconds')),
      env('REVISION_IDLE_TIMEOUT_SECONDS', num('idleTimeoutSeconds')),
      fieldEnv('SERVING_POD', 'metadata.name'),
      fieldEnv('SERVING_POD_IP', 'status.podIP'),
      env('SERVING_LOGGING_CONFIG', ''),
      env('SERVING_LOGGING_LEVEL', ''),
      env('SERVING_REQUEST_LOG_TEMPLATE', ''),
      env('SERVING_ENABLE_REQUEST_LOG', 'false'),
      env('SERVING_REQUEST_METRICS_BACKEND', OBSERVABILITY.requestMetricsBackend),
      env('SERVING_REQUEST_METRICS_REPORTING_PERIOD_SECONDS', String(OBSERVABILITY.requestMetricsReportingPeriodSeconds)),
      env('TRACING_CONFIG_BACKEND', OBSERVABILITY.tracingBackend),
      env('TRACING_CONFIG_ZIPKIN_ENDPOINT', ''),
      env('TRACING_CONFIG_DEBUG', 'false'),
      env('TRACING_CONFIG_SAMPLE_RATE', OBSERVABILITY.tracingSampleRate),
      env('USER_PORT', String(port)),
      env('SYSTEM_NAMESPACE', SERVING_NAMESPACE),
      env('METRICS_DOMAIN', OBSERVABILITY.metricsDomain),
      env('SERVING_READINESS_PROBE', probeJson),
      env('ENABLE_PROFILING', 'false'),
      env('SERVING_ENABLE_PROBE_REQUEST_LOG', 'false'),
      env('METRICS_COLLECTOR_ADDRESS', ''),
      fieldEnv('HOST_IP', 'status.hostIP', 'v1'),
      env('ENABLE_HTTP2_AUTO_DETECTION', String(cfg.features.autoDetectHttp2)),
      env('ENABLE_HTTP_FULL_DUPLEX', String(fullDuplex)),
      env('ROOT_CA', cfg.deployment.queueSidecarRootCA),
      env('ENABLE_MULTI_CONTAINER_PROBES', String(cfg.features.multiContainerProbing)),
    ],
  };
}
