/**
 * The activator data plane (knative/serving cmd/activator) as skiff runs it: an `Activator`
 * per activator pod, in skiff's main process, on the pod's IP (:8012 requests, :9090
 * metrics). `src/server/activator-dataplane.ts` starts them and pushes each revision's
 * settings (`revisionSettings`) to every one, with the backends the `RevisionBackendsManager`
 * finds (ready pods, and not-ready ones its own probe found ready).
 */
export { Activator, DEFAULT_TIMEOUT_SECONDS, TIMEOUT_MESSAGE, type ActivatorOptions, type RevisionSettings } from './activator.ts';
export { QUEUE_FULL_MESSAGE } from './breaker.ts';
export { PROXY_HEADER } from './forward.ts';
export { PROBE_INTERVAL_MS, RevisionBackendsManager, type BackendsManagerOptions } from './backends-manager.ts';
export { probeQueue, PROBE_TIMEOUT_MS } from './queue-probe.ts';
export { privateServiceName, readyBackends, revisionDests, revisionSettings, type RevisionDests, type RevisionObject } from './revision-backends.ts';
export { BREAKER_QUEUE_DEPTH, type Backend } from './revision-throttler.ts';
