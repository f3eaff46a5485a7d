/**
 * A ServerlessService's status (knative/networking pkg/apis/networking/v1alpha1
 * serverlessservice_lifecycle.go), pure: EndpointsPopulated (Ready's only dependent) is
 * Unknown while the reconciler is still creating or updating what the SKS owns, False when an
 * object in the way is not the SKS's, True once the revision has ready pods;
 * ActivatorEndpointsPopulated (severity Info) is True while the activator is in the path.
 */
import type { Condition } from '../../../api/object.ts';
import { CONDITION_SETS, ServerlessServiceConditions as SC } from '../../../api/knative/conditions.ts';
import { KnativeConditions } from '../shared/conditions.ts';
import type { PublicEndpointsPlan } from './resources/endpoints.ts';

const SKS_SET = CONDITION_SETS['ServerlessService.networking.internal.knative.dev']!;

export const NOT_READY_MESSAGE = 'K8s Service is not ready';
export const ACTIVATOR_MESSAGE = 'Revision is backed by Activator';

export function sksConditions(previous: readonly Condition[] | undefined, now?: () => Date): KnativeConditions {
  return new KnativeConditions(SKS_SET, previous, now).initialize();
}

/** MarkEndpointsNotReady: `reason` says which step is under way (CreatingPrivateService, …). */
export function markEndpointsNotReady(conds: KnativeConditions, reason: string): void {
  conds.markUnknown(SC.EndpointsPopulated, reason, NOT_READY_MESSAGE);
}

export function markEndpointsNotOwned(conds: KnativeConditions, kind: string, name: string): void {
  conds.markFalse(SC.EndpointsPopulated, 'NotOwned', `Resource ${name} of type ${kind} is not owned by SKS`);
}

/** The end of a pass that wrote the public Endpoints. */
export function markEndpointsOutcome(conds: KnativeConditions, plan: PublicEndpointsPlan, specMode: 'Serve' | 'Proxy'): void {
  if (plan.servingEndpoints) conds.markTrue(SC.EndpointsPopulated);
  else markEndpointsNotReady(conds, 'NoHealthyBackends');
  if (!plan.servingEndpoints || specMode === 'Proxy') conds.markTrue(SC.ActivatorEndpointsPopulated, 'ActivatorEndpointsPopulated', ACTIVATOR_MESSAGE);
  else conds.markFalse(SC.ActivatorEndpointsPopulated, 'ActivatorEndpointsPopulated', ACTIVATOR_MESSAGE);
}
