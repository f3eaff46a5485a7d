/**
 * ServiceMeshMember (maistra.io/v1): identity, columns and the Maistra operator's
 * validating webhook — the name must be `default`, and `spec.controlPlaneRef` cannot change.
 */
import { fieldErr } from '../../field-error.ts';
import type { FieldError } from '../../field-error.ts';
import type { KindDefinition, PrinterColumn, ValidationContext } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';
import { ageColumn, crdKind } from '../crd-kind.ts';
import { asRecord, specOf } from '../fields.ts';
import { MESH_SCHEMAS } from '../schemas/index.ts';
import { MEMBER_ROLL_NAME } from './member-roll.ts';

const COLUMNS: readonly PrinterColumn[] = [
  { name: 'Control Plane', type: 'string', jsonPath: '.status.annotations.controlPlaneRef', description: 'The ServiceMeshControlPlane this namespace belongs to' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', description: 'Whether or not namespace is configured as a member of the mesh.' },
  ageColumn('The age of the object'),
];

function controlPlaneRef(obj: KubeObject): { name: unknown; namespace: unknown } {
  const ref = asRecord(specOf(obj).controlPlaneRef) ?? {};
  return { name: ref.name, namespace: ref.namespace };
}

export function validateMember(obj: KubeObject, ctx: ValidationContext): FieldError[] {
  const errors: FieldError[] = [];
  if (obj.metadata.name !== MEMBER_ROLL_NAME) {
    errors.push(fieldErr.invalid('metadata.name', obj.metadata.name ?? '', `the ServiceMeshMember resource must be named "${MEMBER_ROLL_NAME}"`));
  }
  if (ctx.operation === 'update' && ctx.old) {
    const now = controlPlaneRef(obj);
    const before = controlPlaneRef(ctx.old);
    if (now.name !== before.name || now.namespace !== before.namespace) {
      errors.push(fieldErr.forbidden('spec.controlPlaneRef', "mutation of .spec.controlPlaneRef isn't allowed"));
    }
  }
  return errors;
}

export function serviceMeshMemberKind(): KindDefinition {
  return crdKind({
    group: 'maistra.io',
    kind: 'ServiceMeshMember',
    plural: 'servicemeshmembers',
    shortNames: ['smm'],
    categories: ['maistra-io'],
    versions: [{ name: 'v1', storage: true, schema: MESH_SCHEMAS.serviceMeshMember.v1, printerColumns: COLUMNS }],
    validate: validateMember,
  });
}
