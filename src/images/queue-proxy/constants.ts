/**
 * The queue-proxy's fixed numbers and names, as upstream Knative has them (knative/serving
 * pkg/networking/constants.go, pkg/queue, knative.dev/networking pkg/http/header). Copied
 * here rather than imported: a built-in image imports nothing of skiff.
 */

/** The admin port: `/wait-for-drain` for the user container's preStop hook. */
export const ADMIN_PORT = 8022;
/** Autoscaling metrics the autoscaler scrapes every second. */
export const AUTOSCALING_METRICS_PORT = 9090;
/** Request metrics for users (revision_request_count, …). */
export const USER_METRICS_PORT = 9091;

export const DEFAULT_SERVING_PORT = 8012;
export const DEFAULT_USER_PORT = 8080;
export const DEFAULT_REVISION_TIMEOUT_SECONDS = 300;

/** How often the request stats are cut into a report (upstream reportingPeriod). */
export const REPORTING_PERIOD_MS = 1000;
/** Quiet time after SIGTERM before the servers close (upstream drainSleepDuration, 30 s since PR #11249). */
export const DRAIN_QUIET_PERIOD_MS = 30_000;
/** The admin drain handler resets the drainer when no SIGTERM follows within this (a liveness restart, not a termination). */
export const DRAIN_RESET_AFTER_MS = 1000;

/** The component name: the `K-Network-Probe` value of readiness probes and the body that answers them. */
export const QUEUE_NAME = 'queue';
/** The activator's name: the value of `K-Proxy-Request` on requests it proxied. */
export const ACTIVATOR_NAME = 'activator';

/** Request headers (lower case, as Node presents them). */
export const HEADER = {
  probe: 'k-network-probe',
  hash: 'k-network-hash',
  proxy: 'k-proxy-request',
  originalHost: 'k-original-host',
  kubeletProbe: 'k-kubelet-probe',
  routeTag: 'knative-serving-tag',
  defaultRoute: 'knative-serving-default-route',
  userAgent: 'user-agent',
} as const;

/** The `K-Network-Probe` value of the ingress prober's probes (answered with the hash). */
export const NETWORK_PROBE_VALUE = 'probe';

/** User-Agent prefixes that mark a health check (kubelet, activator, autoscaler). */
export const KUBE_PROBE_UA_PREFIX = 'kube-probe/';
export const HEALTH_CHECK_UA_PREFIXES = ['Knative-Activator-Probe', 'Knative-Autoscaling-Probe'] as const;

/**
 * Headers the activator and the ingress use to address a revision; the user container never
 * sees them (activator.RevisionHeaders, pruned by the queue-proxy's reverse proxy).
 */
export const PRUNED_HEADERS = new Set(['knative-serving-revision', 'knative-serving-namespace']);

/** The timeout handler's body (pkg/queue/sharedmain/handlers.go). */
export const TIMEOUT_MESSAGE = 'request timeout';
/** The breaker's overflow error (pkg/queue/breaker.go ErrRequestQueueFull). */
export const QUEUE_FULL_MESSAGE = 'pending request queue full';
