/**
 * ServiceMeshMemberRoll (maistra.io/v1): identity, columns and the Maistra operator's
 * admission rules. The mutating webhook drops the control plane's own namespace from
 * `spec.members`; the validating webhook checks the name and the member list. Whether a
 * member already belongs to another roll needs the store: `validateMemberRollAdmission`.
 */
import { fieldErr } from '../../field-error.ts';
import type { FieldError } from '../../field-error.ts';
import type { KindDefinition, PrinterColumn } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';
import { ageColumn, crdKind } from '../crd-kind.ts';
import { asArray, asRecord, specOf, stringList } from '../fields.ts';
import { MESH_SCHEMAS } from '../schemas/index.ts';

/** The only name the operator accepts for a member roll or a member. */
export const MEMBER_ROLL_NAME = 'default';
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const COLUMNS: readonly PrinterColumn[] = [
  { name: 'Ready', type: 'string', jsonPath: '.status.annotations.configuredMemberCount', description: 'How many of the total number of member namespaces are configured' },
  { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', description: "Whether all member namespaces have been configured or why that's not the case" },
  ageColumn('The age of the object'),
  { name: 'Members', type: 'string', jsonPath: '.status.members', priority: 1, description: 'Namespaces that are members of this Control Plane' },
];

export function defaultMemberRoll(obj: KubeObject): void {
  const spec = asRecord(obj.spec);
  if (!spec || !Array.isArray(spec.members)) return;
  spec.members = spec.members.filter((m) => m !== obj.metadata.namespace);
}

export function validateMemberRoll(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  if (obj.metadata.name !== MEMBER_ROLL_NAME) {
    errors.push(fieldErr.invalid('metadata.name', obj.metadata.name ?? '', `ServiceMeshMemberRoll must be named '${MEMBER_ROLL_NAME}'`));
  }
  const spec = specOf(obj);
  const members = stringList(spec.members);
  if (members.length > 0 && asArray(spec.memberSelectors).length > 0) {
    errors.push(fieldErr.forbidden('spec.memberSelectors', 'combining .spec.members and .spec.memberSelectors is not allowed'));
  }
  const seen = new Set<string>();
  members.forEach((member, i) => {
    if (member !== '*' && !NAMESPACE_NAME.test(member)) {
      errors.push(fieldErr.invalid(`spec.members[${i}]`, member, `.spec.members contains invalid value '${member}'. Must be a valid namespace name.`));
    }
    if (seen.has(member)) errors.push(fieldErr.invalid(`spec.members[${i}]`, member, `duplicate namespace in .spec.members: ${member}`));
    seen.add(member);
  });
  if (seen.has('*') && members.length > 1) {
    errors.push(fieldErr.forbidden('spec.members', "when .spec.members contains an asterisk ('*'), it must contain no other entries"));
  }
  return errors;
}

/** The webhook's store-dependent rule: a namespace is a member of at most one roll. */
export function validateMemberRollAdmission(obj: KubeObject, existing: { memberRolls: readonly KubeObject[] }): FieldError[] {
  const elsewhere = new Set<string>();
  for (const other of existing.memberRolls) {
    if (other.metadata.name === obj.metadata.name && other.metadata.namespace === obj.metadata.namespace) continue;
    for (const m of stringList(specOf(other).members)) elsewhere.add(m);
  }
  const members = stringList(specOf(obj).members);
  const clash = members.some((m) => elsewhere.has(m) || elsewhere.has('*') || (m === '*' && elsewhere.size > 0));
  return clash ? [fieldErr.forbidden('spec.members', 'one or more members are already defined in another ServiceMeshMemberRoll')] : [];
}

export function serviceMeshMemberRollKind(): KindDefinition {
  return crdKind({
    group: 'maistra.io',
    kind: 'ServiceMeshMemberRoll',
    plural: 'servicemeshmemberrolls',
    shortNames: ['smmr'],
    categories: ['maistra-io'],
    versions: [{ name: 'v1', storage: true, schema: MESH_SCHEMAS.serviceMeshMemberRoll.v1, printerColumns: COLUMNS }],
    defaults: defaultMemberRoll,
    validate: (obj) => validateMemberRoll(obj),
  });
}
