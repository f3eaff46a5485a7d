/**
 * What the Knative Serving parts of skiff agree on: the kinds they address, the system
 * namespace, the data-plane ports (knative/serving pkg/networking/constants.go), the
 * queue-proxy's scrape metric names, and the stats the activator hands the autoscaler
 * (upstream a websocket from activator to autoscaler; here an in-process sink).
 */
import type { TypeRef } from '../../../client/types.ts';

/** Serving is always installed here (the operator's webhook allows one KnativeServing, in this namespace). */
export const SERVING_NAMESPACE = 'knative-serving';
/** Kourier's gateway lives here (seed 1.6). */
export const KOURIER_NAMESPACE = 'knative-serving-ingress';

export const KINDS = {
  knativeServing: { apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing' },
  service: { apiVersion: 'serving.knative.dev/v1', kind: 'Service' },
  configuration: { apiVersion: 'serving.knative.dev/v1', kind: 'Configuration' },
  revision: { apiVersion: 'serving.knative.dev/v1', kind: 'Revision' },
  route: { apiVersion: 'serving.knative.dev/v1', kind: 'Route' },
  domainMapping: { apiVersion: 'serving.knative.dev/v1beta1', kind: 'DomainMapping' },
  ingress: { apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'Ingress' },
  serverlessService: { apiVersion: 'networking.internal.knative.dev/v1alpha1', kind: 'ServerlessService' },
  podAutoscaler: { apiVersion: 'autoscaling.internal.knative.dev/v1alpha1', kind: 'PodAutoscaler' },
  virtualService: { apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService' },
  gateway: { apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway' },
  openshiftRoute: { apiVersion: 'route.openshift.io/v1', kind: 'Route' },
  deployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  k8sService: { apiVersion: 'v1', kind: 'Service' },
  endpoints: { apiVersion: 'v1', kind: 'Endpoints' },
  endpointSlice: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
  pod: { apiVersion: 'v1', kind: 'Pod' },
  configMap: { apiVersion: 'v1', kind: 'ConfigMap' },
  secret: { apiVersion: 'v1', kind: 'Secret' },
} as const satisfies Record<string, TypeRef>;

/** Data-plane ports (pkg/networking/constants.go). */
export const PORTS = {
  /** queue-proxy's HTTP/1 serving port, and the activator's. */
  queueHttp: 8012,
  queueH2c: 8013,
  queueHttps: 8112,
  /** queue-proxy admin: `/wait-for-drain` for the user container's preStop hook. */
  queueAdmin: 8022,
  /** Autoscaling metrics, scraped by the autoscaler. */
  autoscalingMetrics: 9090,
  /** Request metrics for users (revision_request_count, …). */
  userMetrics: 9091,
  /** What the public and private revision Services expose (`http` → 8012). */
  servicePort: 80,
} as const;

/** Request headers of the Knative data plane (pkg/network, pkg/activator). */
export const HEADERS = {
  revision: 'knative-serving-revision',
  namespace: 'knative-serving-namespace',
  probe: 'k-network-probe',
  hash: 'k-network-hash',
  originalHost: 'k-original-host',
  kubeletProbe: 'k-kubelet-probe',
  tag: 'knative-serving-tag',
} as const;

/**
 * The gauges queue-proxy serves on :9090 `/metrics` in Prometheus text (its Prometheus
 * rendering of the autoscaler stat), each labelled with destination_namespace,
 * destination_configuration, destination_revision and destination_pod. Averages are over
 * the last reporting second.
 */
export const QUEUE_SCRAPE_METRICS = {
  averageConcurrentRequests: 'queue_average_concurrent_requests',
  averageProxiedConcurrentRequests: 'queue_average_proxied_concurrent_requests',
  requestsPerSecond: 'queue_requests_per_second',
  proxiedRequestsPerSecond: 'queue_proxied_operations_per_second',
  uptime: 'process_uptime',
} as const;

/** One pod's (or one activator's, for one revision) report for the last second (autoscaler metrics.Stat). */
export interface Stat {
  namespace: string;
  revision: string;
  /** The pod that served, or the activator pod that proxied. */
  podName: string;
  averageConcurrentRequests: number;
  averageProxiedConcurrentRequests: number;
  requestCount: number;
  proxiedRequestCount: number;
  /** Milliseconds since the epoch when the stat was taken. */
  timestamp: number;
}

/**
 * Where the activator sends what it sees. `poke` is the activator's first-sight report for a
 * revision with no ready pods: the autoscaler should act at once (scale from zero) rather
 * than wait for its next tick.
 */
export interface StatSink {
  record(stat: Stat): void;
  poke(namespace: string, revision: string): void;
}
