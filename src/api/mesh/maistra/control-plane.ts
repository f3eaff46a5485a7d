/**
 * ServiceMeshControlPlane (maistra.io v2, also served as v1): identity, columns, and the
 * Maistra operator's admission rules that need no other objects — the mutating webhook's
 * defaults (`spec.version`, `spec.profiles`) and the validating webhook's version check.
 * The one-per-namespace rule needs the store: `validateControlPlaneAdmission`.
 */
import { fieldErr } from '../../field-error.ts';
import type { FieldError } from '../../field-error.ts';
import type { KindDefinition, PrinterColumn } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';
import { ageColumn, crdKind } from '../crd-kind.ts';
import { asArray, asString, specOf } from '../fields.ts';
import { MESH_SCHEMAS } from '../schemas/index.ts';

/** OSSM 2.5.1: the newest version is the default; v2.3 is the oldest it still installs. */
export const SMCP_DEFAULT_VERSION = 'v2.5';
export const SMCP_SUPPORTED_VERSIONS = ['v2.3', 'v2.4', 'v2.5'] as const;
const SMCP_KNOWN_VERSIONS = ['v1.1', 'v2.0', 'v2.1', 'v2.2', ...SMCP_SUPPORTED_VERSIONS];
/** How Go prints the version list with %v. */
const SUPPORTED_LIST = `[${SMCP_SUPPORTED_VERSIONS.join(' ')}]`;

const V2_COLUMNS: readonly PrinterColumn[] = [
  { name: 'Ready', type: 'string', jsonPath: '.status.annotations.readyComponentCount', description: 'How many of the total number of components are ready' },
  { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', description: 'Whether or not the control plane installation is up to date and ready to handle requests.' },
  { name: 'Profiles', type: 'string', jsonPath: '.status.appliedSpec.profiles', description: 'The configuration profiles applied to the configuration.' },
  { name: 'Version', type: 'string', jsonPath: '.status.chartVersion', description: 'The actual current version of the control plane installation.' },
  ageColumn('The age of the object'),
  { name: 'Image Registry', type: 'string', jsonPath: '.status.appliedSpec.runtime.defaults.container.registry', priority: 1, description: 'The image registry used as the base for all component images.' },
];

const V1_COLUMNS: readonly PrinterColumn[] = [
  { name: 'Ready', type: 'string', jsonPath: '.status.annotations.readyComponentCount', description: 'How many of the total number of components are ready' },
  { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Reconciled")].reason', description: 'Whether or not the control plane installation is up to date.' },
  { name: 'Template', type: 'string', jsonPath: '.status.lastAppliedConfiguration.template', description: 'The configuration template to use as the base.' },
  { name: 'Version', type: 'string', jsonPath: '.status.lastAppliedConfiguration.version', description: 'The actual current version of the control plane installation.' },
  ageColumn('The age of the object'),
  { name: 'Image HUB', type: 'string', jsonPath: '.status.lastAppliedConfiguration.istio.global.hub', priority: 1, description: 'The image hub used as the base for all component images.' },
];

/**
 * The mutating webhook's defaults. It keeps an existing object's version on update when the
 * new one omits it; `defaults` sees no old object, so an omitted version becomes the default.
 */
export function defaultControlPlane(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!asString(spec.version)) spec.version = SMCP_DEFAULT_VERSION;
  if (asArray(spec.profiles).length === 0) spec.profiles = ['default'];
  obj.spec = spec;
}

export function validateControlPlane(obj: KubeObject): FieldError[] {
  const version = specOf(obj).version;
  if (version === undefined) return [];
  if (typeof version !== 'string' || !SMCP_KNOWN_VERSIONS.includes(version)) {
    return [fieldErr.invalid('spec.version', version, `invalid Version specified; supported versions are: ${SUPPORTED_LIST}`)];
  }
  if (!(SMCP_SUPPORTED_VERSIONS as readonly string[]).includes(version)) {
    return [fieldErr.invalid('spec.version', version, `Only '${SUPPORTED_LIST}' versions are supported`)];
  }
  return [];
}

/** The webhook's store-dependent rule: one control plane per namespace. */
export function validateControlPlaneAdmission(obj: KubeObject, existing: { controlPlanes: readonly KubeObject[] }): FieldError[] {
  const others = existing.controlPlanes.filter((o) => o.metadata.namespace === obj.metadata.namespace && o.metadata.name !== obj.metadata.name);
  return others.length > 0 ? [fieldErr.forbidden('metadata.namespace', 'only one service mesh may be installed per project/namespace')] : [];
}

export function serviceMeshControlPlaneKind(): KindDefinition {
  return crdKind({
    group: 'maistra.io',
    kind: 'ServiceMeshControlPlane',
    plural: 'servicemeshcontrolplanes',
    shortNames: ['smcp'],
    categories: ['maistra-io'],
    versions: [
      { name: 'v2', storage: true, schema: MESH_SCHEMAS.serviceMeshControlPlane.v2, printerColumns: V2_COLUMNS },
      { name: 'v1', schema: MESH_SCHEMAS.serviceMeshControlPlane.v1, printerColumns: V1_COLUMNS },
    ],
    defaults: defaultControlPlane,
    validate: (obj) => validateControlPlane(obj),
  });
}
