/**
 * The Knative kinds (Serving, Eventing and the Kafka extensions, as OpenShift Serverless 1.35 /
 * Knative 1.15 serves them) as KindDefinitions, and what controllers need besides: condition
 * sets, admission config, and the keys and constants of the serving API.
 */
import type { KindDefinition } from '../kind.ts';
import type { ConfigSource } from './admission.ts';
import { upstreamConfigSource } from './admission.ts';
import { eventingKinds } from './kinds/eventing.ts';
import { servingKinds } from './kinds/serving.ts';

/** Every Knative kind, admitting with Knative's upstream defaults. */
export function knativeKinds(): KindDefinition[] {
  return knativeKindsWith(upstreamConfigSource);
}

/** Every Knative kind, admitting with the config `source` returns at each request (live ConfigMaps). */
export function knativeKindsWith(source: ConfigSource): KindDefinition[] {
  return [...servingKinds(source), ...eventingKinds(source)];
}

export { admissionHooks, admit, upstreamConfigSource } from './admission.ts';
export type { ConfigSource, KindAdmission, KnativeAdmissionContext } from './admission.ts';
export { deniedMessage, KnativeValidationError, WEBHOOKS } from './admission-error.ts';
export { CONDITION_SETS, conditionSetFor, READY } from './conditions.ts';
export type { ConditionSet } from './conditions.ts';
export * from './conditions.ts';
export { servingConfigFromConfigMaps, upstreamKnativeConfig } from './config.ts';
export type { KnativeConfig } from './config.ts';
export { eventingConfigFromConfigMaps } from './eventing-config.ts';
export { KnFieldError } from './field-error.ts';
export { AutoscalingAnnotations, ServingAnnotations, ServingLabels, VISIBILITY_CLUSTER_LOCAL } from './serving/keys.ts';
export { childName } from './util/kmeta.ts';
export { parseCron } from './util/cron.ts';
export type { CronSchedule } from './util/cron.ts';
export { parseIsoDuration } from './util/iso8601.ts';
export { parseGoDuration, formatGoDuration } from '../schema/go-duration.ts';
