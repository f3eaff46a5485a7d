/**
 * PeerAuthentication (security.istio.io): istiod's ValidatePeerAuthentication. The
 * `mtls.mode` enum (UNSET, DISABLE, PERMISSIVE, STRICT) is in the CRD schema.
 */
import { fieldErr } from '../../field-error.ts';
import type { FieldError } from '../../field-error.ts';
import type { KindDefinition, PrinterColumn } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';
import { asRecord, specOf } from '../fields.ts';
import { MESH_SCHEMAS } from '../schemas/index.ts';
import { validateSelectorLabels } from './common-rules.ts';
import { ISTIO_AGE_COLUMN, SECURITY_GROUP, istioKind } from './istio-kind.ts';

export const PEER_AUTHENTICATION_COLUMNS: readonly PrinterColumn[] = [
  { name: 'Mode', type: 'string', jsonPath: '.spec.mtls.mode', description: 'Defines the mTLS mode used for peer authentication.' },
  ISTIO_AGE_COLUMN,
];

export function validatePeerAuthentication(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = specOf(obj);
  const matchLabels = asRecord(asRecord(spec.selector)?.matchLabels);
  const portLevel = asRecord(spec.portLevelMtls);
  if (portLevel) {
    const ports = Object.keys(portLevel);
    if ((!matchLabels || Object.keys(matchLabels).length === 0) && ports.length > 0) {
      errors.push(fieldErr.forbidden('spec.portLevelMtls', 'mesh/namespace peer authentication cannot have port level mTLS'));
    }
    if (ports.length === 0) errors.push(fieldErr.required('spec.portLevelMtls', 'port level mTLS, if defined, must have at least one element'));
    if (ports.includes('0')) errors.push(fieldErr.invalid('spec.portLevelMtls', 0, 'port cannot be 0'));
  }
  errors.push(...validateSelectorLabels('spec.selector.matchLabels', matchLabels));
  return errors;
}

export function peerAuthenticationKind(): KindDefinition {
  return istioKind({
    group: SECURITY_GROUP,
    kind: 'PeerAuthentication',
    plural: 'peerauthentications',
    shortNames: ['pa'],
    schemas: MESH_SCHEMAS.peerAuthentication,
    storage: 'v1beta1',
    printerColumns: PEER_AUTHENTICATION_COLUMNS,
    validate: (obj) => validatePeerAuthentication(obj),
  });
}
