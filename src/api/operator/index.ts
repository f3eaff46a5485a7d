/**
 * The operator kinds that install Knative on OpenShift Serverless: KnativeServing and
 * KnativeEventing (operator.knative.dev) and KnativeKafka (operator.serverless.openshift.io).
 * Rules that need the store are exported as pure functions over the existing objects.
 */
import type { KindDefinition } from '../kind.ts';
import { knativeEventingKind } from './knative-eventing.ts';
import { knativeKafkaKind } from './knative-kafka.ts';
import { knativeServingKind } from './knative-serving.ts';

export { validateKnativeServingAdmission } from './knative-serving.ts';
export { validateKnativeEventingAdmission } from './knative-eventing.ts';
export { validateKnativeKafkaAdmission } from './knative-kafka.ts';
export * from './conditions.ts';

export function operatorKinds(): KindDefinition[] {
  return [knativeServingKind(), knativeEventingKind(), knativeKafkaKind()];
}
