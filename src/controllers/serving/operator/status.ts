/**
 * KnativeServing status as the knative operator writes it
 * (operator pkg/apis/operator/base/v1beta1 + knativeserving_lifecycle.go): a living
 * condition set DependenciesInstalled, DeploymentsAvailable, InstallSucceeded,
 * VersionMigrationEligible → Ready; `version`, `manifests`, `observedGeneration`.
 */
import { KNATIVE_COMPONENT_CONDITION as C, OPERATOR_REASON as R } from '../../../api/operator/conditions.ts';
import type { ConditionSet } from '../../../api/knative/conditions.ts';
import type { Condition } from '../../../api/object.ts';
import { KnativeConditions } from '../shared/conditions.ts';
import { NET_ISTIO_VERSION, NET_KOURIER_VERSION, SERVING_VERSION } from './meta.ts';
import type { IngressChoice } from './spec.ts';

export const KNATIVE_SERVING_CONDITIONS: ConditionSet = {
  happy: 'Ready',
  dependents: [C.DependenciesInstalled, C.DeploymentsAvailable, C.InstallSucceeded, C.VersionMigrationEligible],
  informational: [],
};

/** The manifest paths the operator reports (its kodata layout). */
export function manifestsOf(ingress: IngressChoice): string[] {
  const minor = (v: string) => v.split('.').slice(0, 2).join('.');
  return [
    `/var/run/ko/knative-serving/${SERVING_VERSION}`,
    ingress === 'istio' ? `/var/run/ko/ingress/${minor(NET_ISTIO_VERSION)}/net-istio.yaml` : `/var/run/ko/ingress/${minor(NET_KOURIER_VERSION)}/kourier.yaml`,
  ];
}

export interface InstallOutcome {
  ingress: IngressChoice;
  generation: number;
  /** The error that stopped installation, if any. */
  error?: string;
  /** Deployments not yet Available (`namespace/name`). */
  unavailable: string[];
}

/** The status to write after one reconcile pass. */
export function servingStatus(previous: { conditions?: Condition[] } | undefined, outcome: InstallOutcome, now: () => Date): Record<string, unknown> {
  const conditions = new KnativeConditions(KNATIVE_SERVING_CONDITIONS, previous?.conditions, now).initialize();
  conditions.markTrue(C.DependenciesInstalled);
  conditions.markTrue(C.VersionMigrationEligible);
  if (outcome.error) {
    conditions.markFalse(C.InstallSucceeded, R.Error, `Install failed with message: ${outcome.error}`);
  } else {
    conditions.markTrue(C.InstallSucceeded);
  }
  if (outcome.unavailable.length > 0) {
    const names = outcome.unavailable.map((k) => k.slice(k.indexOf('/') + 1)).sort();
    conditions.markFalse(C.DeploymentsAvailable, R.NotReady, `Waiting on deployments: ${names.join(', ')}`);
  } else if (!outcome.error) {
    conditions.markTrue(C.DeploymentsAvailable);
  }
  return {
    conditions: conditions.list,
    observedGeneration: outcome.generation,
    version: SERVING_VERSION,
    manifests: manifestsOf(outcome.ingress),
  };
}

/** True when a Deployment reports condition Available=True for its current generation. */
export function deploymentAvailable(deployment: { metadata: { generation?: number }; status?: unknown } | undefined): boolean {
  if (!deployment) return false;
  const status = (deployment.status ?? {}) as { observedGeneration?: number; conditions?: Condition[] };
  if ((status.observedGeneration ?? 0) < (deployment.metadata.generation ?? 1)) return false;
  return status.conditions?.some((c) => c.type === 'Available' && c.status === 'True') ?? false;
}
