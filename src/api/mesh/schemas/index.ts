/**
 * The stored mesh and federation schemas (see README.md for their upstream sources), typed
 * as structural schemas. Istio's `v1` versions reuse the `v1beta1` schema: Istio serves the
 * same schema under v1 from 1.22 (OSSM 2.x ships only v1alpha3/v1beta1, see docs/kinds-mesh.md).
 */
import type { JSONSchemaProps } from '../../schema-types.ts';
import smcpV1 from './servicemeshcontrolplane.v1.json' with { type: 'json' };
import smcpV2 from './servicemeshcontrolplane.v2.json' with { type: 'json' };
import smmrV1 from './servicemeshmemberroll.v1.json' with { type: 'json' };
import smmV1 from './servicemeshmember.v1.json' with { type: 'json' };
import gatewayV1alpha3 from './gateway.v1alpha3.json' with { type: 'json' };
import gatewayV1beta1 from './gateway.v1beta1.json' with { type: 'json' };
import virtualServiceV1alpha3 from './virtualservice.v1alpha3.json' with { type: 'json' };
import virtualServiceV1beta1 from './virtualservice.v1beta1.json' with { type: 'json' };
import destinationRuleV1alpha3 from './destinationrule.v1alpha3.json' with { type: 'json' };
import destinationRuleV1beta1 from './destinationrule.v1beta1.json' with { type: 'json' };
import serviceEntryV1alpha3 from './serviceentry.v1alpha3.json' with { type: 'json' };
import serviceEntryV1beta1 from './serviceentry.v1beta1.json' with { type: 'json' };
import peerAuthenticationV1beta1 from './peerauthentication.v1beta1.json' with { type: 'json' };
import authorizationPolicyV1 from './authorizationpolicy.v1.json' with { type: 'json' };
import authorizationPolicyV1beta1 from './authorizationpolicy.v1beta1.json' with { type: 'json' };
import serviceMeshPeerV1 from './servicemeshpeer.v1.json' with { type: 'json' };
import exportedServiceSetV1 from './exportedserviceset.v1.json' with { type: 'json' };
import importedServiceSetV1 from './importedserviceset.v1.json' with { type: 'json' };

const schema = (json: unknown): JSONSchemaProps => json as JSONSchemaProps;

export const MESH_SCHEMAS = {
  serviceMeshControlPlane: { v1: schema(smcpV1), v2: schema(smcpV2) },
  serviceMeshMemberRoll: { v1: schema(smmrV1) },
  serviceMeshMember: { v1: schema(smmV1) },
  gateway: { v1alpha3: schema(gatewayV1alpha3), v1beta1: schema(gatewayV1beta1) },
  virtualService: { v1alpha3: schema(virtualServiceV1alpha3), v1beta1: schema(virtualServiceV1beta1) },
  destinationRule: { v1alpha3: schema(destinationRuleV1alpha3), v1beta1: schema(destinationRuleV1beta1) },
  serviceEntry: { v1alpha3: schema(serviceEntryV1alpha3), v1beta1: schema(serviceEntryV1beta1) },
  peerAuthentication: { v1beta1: schema(peerAuthenticationV1beta1) },
  authorizationPolicy: { v1: schema(authorizationPolicyV1), v1beta1: schema(authorizationPolicyV1beta1) },
  serviceMeshPeer: { v1: schema(serviceMeshPeerV1) },
  exportedServiceSet: { v1: schema(exportedServiceSetV1) },
  importedServiceSet: { v1: schema(importedServiceSetV1) },
} as const;
