/**
 * Condition types (and reasons, kinds.md §3) that the operator controllers write on
 * KnativeServing, KnativeEventing and KnativeKafka, as the Knative and Serverless
 * operators write them.
 */

/** KnativeServing and KnativeEventing (operator.knative.dev/v1beta1). */
export const KNATIVE_COMPONENT_CONDITION = {
  DependenciesInstalled: 'DependenciesInstalled',
  DeploymentsAvailable: 'DeploymentsAvailable',
  InstallSucceeded: 'InstallSucceeded',
  VersionMigrationEligible: 'VersionMigrationEligible',
  Ready: 'Ready',
} as const;

/** KnativeKafka (operator.serverless.openshift.io/v1alpha1). */
export const KNATIVE_KAFKA_CONDITION = {
  DeploymentsAvailable: 'DeploymentsAvailable',
  StatefulSetsAvailable: 'StatefulSetsAvailable',
  InstallSucceeded: 'InstallSucceeded',
  Ready: 'Ready',
} as const;

/** Reasons of the False/Unknown states of the conditions above. */
export const OPERATOR_REASON = {
  Error: 'Error',
  NotReady: 'NotReady',
  Installing: 'Installing',
} as const;
