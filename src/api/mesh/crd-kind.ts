/**
 * Builds the KindDefinition of a kind that a real cluster serves from a CRD (the mesh,
 * federation and operator kinds): namespaced, `status` subresource, generation bumped on
 * spec changes, merge patches from kubectl (`builtin: false`), singular and list kind
 * derived as the apiserver derives them, and versions in discovery order.
 */
import { compareKubeVersions } from '../crd/version-priority.ts';
import type { KindDefinition, KindVersion, PrinterColumn, ValidationContext } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import type { JSONSchemaProps } from '../schema-types.ts';

export interface CrdVersionInput {
  name: string;
  storage?: boolean;
  schema: JSONSchemaProps;
  /** Omitted when the CRD declares none: the table then shows the default Age column. */
  printerColumns?: readonly PrinterColumn[];
}

export type KindBehaviour = Pick<KindDefinition, 'defaults' | 'validate' | 'warnings'>;

export interface CrdKindInput extends KindBehaviour {
  group: string;
  kind: string;
  plural: string;
  shortNames?: readonly string[];
  categories?: readonly string[];
  versions: readonly CrdVersionInput[];
}

export function crdKind(input: CrdKindInput): KindDefinition {
  const storage = input.versions.filter((v) => v.storage);
  if (storage.length !== 1) throw new Error(`${input.kind}.${input.group}: exactly one storage version required`);
  const versions: KindVersion[] = [...input.versions]
    .sort((a, b) => compareKubeVersions(a.name, b.name))
    .map((v) => ({
      name: v.name,
      served: true,
      storage: v.storage === true,
      schema: v.schema,
      ...(v.printerColumns ? { printerColumns: v.printerColumns } : {}),
    }));
  return {
    group: input.group,
    kind: input.kind,
    plural: input.plural,
    singular: input.kind.toLowerCase(),
    listKind: `${input.kind}List`,
    scope: 'Namespaced',
    shortNames: input.shortNames ?? [],
    categories: input.categories ?? [],
    versions,
    subresources: { status: true },
    builtin: false,
    generation: 'spec',
    // A CRD's kind has no Go defaulter: beyond its schema's, its defaults are a webhook's.
    ...(input.defaults ? { defaults: input.defaults, defaultsByWebhook: true } : {}),
    ...(input.validate ? { validate: skipOnStatus(input.validate) } : {}),
    ...(input.warnings ? { warnings: skipOnStatus(input.warnings) } : {}),
  };
}

/**
 * The admission webhooks these rules come from (Maistra's, istiod's, Serverless's) are
 * registered for the resources themselves, not their `/status` subresource, so a status
 * write by a controller is never checked or warned about by them.
 */
function skipOnStatus<T>(check: (obj: KubeObject, ctx: ValidationContext) => T[]): (obj: KubeObject, ctx: ValidationContext) => T[] {
  return (obj, ctx) => (ctx.operation === 'status' ? [] : check(obj, ctx));
}

/** The `Age` column as CRDs declare it (kinds.md §2.1: always `.metadata.creationTimestamp`). */
export function ageColumn(description?: string): PrinterColumn {
  return { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', ...(description ? { description } : {}) };
}
