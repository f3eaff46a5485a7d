/**
 * The service-mesh kinds: Maistra's control plane and membership, the federation kinds,
 * and the Istio networking and security kinds. The store-dependent admission rules are
 * exported as pure functions for the API server to call with the objects it lists.
 */
import type { KindDefinition } from '../kind.ts';
import { exportedServiceSetKind, importedServiceSetKind, serviceMeshPeerKind } from './federation/federation.ts';
import { authorizationPolicyKind } from './istio/authorization-policy.ts';
import { destinationRuleKind } from './istio/destination-rule.ts';
import { gatewayKind } from './istio/gateway.ts';
import { peerAuthenticationKind } from './istio/peer-authentication.ts';
import { serviceEntryKind } from './istio/service-entry.ts';
import { virtualServiceKind } from './istio/virtual-service.ts';
import { serviceMeshControlPlaneKind } from './maistra/control-plane.ts';
import { serviceMeshMemberKind } from './maistra/member.ts';
import { serviceMeshMemberRollKind } from './maistra/member-roll.ts';

export { validateControlPlaneAdmission } from './maistra/control-plane.ts';
export { validateMemberRollAdmission } from './maistra/member-roll.ts';
export * from './conditions.ts';

export function meshKinds(): KindDefinition[] {
  return [
    serviceMeshControlPlaneKind(),
    serviceMeshMemberRollKind(),
    serviceMeshMemberKind(),
    serviceMeshPeerKind(),
    exportedServiceSetKind(),
    importedServiceSetKind(),
    gatewayKind(),
    virtualServiceKind(),
    destinationRuleKind(),
    serviceEntryKind(),
    peerAuthenticationKind(),
    authorizationPolicyKind(),
  ];
}
