/**
 * Label and annotation keys of serving.knative.dev and autoscaling.knative.dev (knative/serving
 * pkg/apis/serving/register.go, pkg/apis/autoscaling/register.go). Where Knative accepts a
 * legacy camelCase spelling, the list gives the preferred key first.
 */
export const SERVING_GROUP = 'serving.knative.dev';
export const AUTOSCALING_GROUP = 'autoscaling.knative.dev';

export const ServingLabels = {
  configuration: `${SERVING_GROUP}/configuration`,
  configurationGeneration: `${SERVING_GROUP}/configurationGeneration`,
  configurationUID: `${SERVING_GROUP}/configurationUID`,
  service: `${SERVING_GROUP}/service`,
  serviceUID: `${SERVING_GROUP}/serviceUID`,
  route: `${SERVING_GROUP}/route`,
  revision: `${SERVING_GROUP}/revision`,
  revisionUID: `${SERVING_GROUP}/revisionUID`,
  routingState: `${SERVING_GROUP}/routingState`,
  domainMappingUID: `${SERVING_GROUP}/domainMappingUID`,
  domainMappingNamespace: `${SERVING_GROUP}/domainMappingNamespace`,
  /** networking.knative.dev/visibility: `cluster-local` makes a Route (and its ksvc) cluster-local. */
  visibility: 'networking.knative.dev/visibility',
} as const;

export const VISIBILITY_CLUSTER_LOCAL = 'cluster-local';

export const ServingAnnotations = {
  creator: `${SERVING_GROUP}/creator`,
  lastModifier: `${SERVING_GROUP}/lastModifier`,
  routes: `${SERVING_GROUP}/routes`,
  lastPinned: `${SERVING_GROUP}/lastPinned`,
  noGC: `${SERVING_GROUP}/no-gc`,
  routingStateModified: `${SERVING_GROUP}/routingStateModified`,
  rolloutDuration: [`${SERVING_GROUP}/rollout-duration`, `${SERVING_GROUP}/rolloutDuration`],
  progressDeadline: [`${SERVING_GROUP}/progress-deadline`],
  queueSidecarResourcePercentage: [`queue.sidecar.${SERVING_GROUP}/resource-percentage`, `queue.sidecar.${SERVING_GROUP}/resourcePercentage`],
  queueSidecarResources: [
    `queue.sidecar.${SERVING_GROUP}/cpu-resource-request`,
    `queue.sidecar.${SERVING_GROUP}/cpu-resource-limit`,
    `queue.sidecar.${SERVING_GROUP}/memory-resource-request`,
    `queue.sidecar.${SERVING_GROUP}/memory-resource-limit`,
    `queue.sidecar.${SERVING_GROUP}/ephemeral-storage-resource-request`,
    `queue.sidecar.${SERVING_GROUP}/ephemeral-storage-resource-limit`,
  ],
} as const;

const a = (k: string): string => `${AUTOSCALING_GROUP}/${k}`;

export const AutoscalingAnnotations = {
  class: [a('class')],
  minScale: [a('min-scale'), a('minScale')],
  maxScale: [a('max-scale'), a('maxScale')],
  initialScale: [a('initial-scale'), a('initialScale')],
  scaleDownDelay: [a('scale-down-delay'), a('scaleDownDelay')],
  metric: [a('metric')],
  target: [a('target')],
  targetUtilizationPercentage: [a('target-utilization-percentage'), a('targetUtilizationPercentage')],
  targetBurstCapacity: [a('target-burst-capacity'), a('targetBurstCapacity')],
  window: [a('window')],
  panicWindowPercentage: [a('panic-window-percentage'), a('panicWindowPercentage')],
  panicThresholdPercentage: [a('panic-threshold-percentage'), a('panicThresholdPercentage')],
  scaleToZeroPodRetentionPeriod: [a('scale-to-zero-pod-retention-period'), a('scaleToZeroPodRetentionPeriod')],
  metricAggregationAlgorithm: [a('metric-aggregation-algorithm'), a('metricAggregationAlgorithm')],
  activationScale: [a('activation-scale')],
} as const;

export const KPA_CLASS = 'kpa.autoscaling.knative.dev';
export const HPA_CLASS = 'hpa.autoscaling.knative.dev';

/**
 * knative.dev/pkg kmap.KeyPriority.Get: the first of `keys` present in `m`, with its value;
 * when none is, the preferred key with an empty value and found=false.
 */
export function lookup(m: Readonly<Record<string, string>>, keys: readonly string[]): { key: string; value: string; found: boolean } {
  for (const key of keys) if (Object.hasOwn(m, key)) return { key, value: m[key]!, found: true };
  return { key: keys[0]!, value: '', found: false };
}
