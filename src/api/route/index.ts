/** The OpenShift Route kind (route.openshift.io/v1). */
import type { KindDefinition } from '../kind.ts';
import { routeKind } from './route.ts';

export { ROUTE_INGRESS_CONDITION } from './conditions.ts';
export { ALLOW_NON_DNS_COMPLIANT_HOST_ANNOTATION } from './route-validation.ts';

export function routeKinds(): KindDefinition[] {
  return [routeKind()];
}
