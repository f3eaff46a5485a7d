/**
 * Building KindDefinitions for the Knative CRD kinds: identity as the upstream CRDs declare it,
 * the verbatim upstream schema per version, printer columns, and the admission hooks.
 */
import type { KindDefinition, KindVersion, PrinterColumn, ScaleSubresource } from '../../kind.ts';
import type { ConfigSource, KindAdmission } from '../admission.ts';
import { admissionHooks } from '../admission.ts';
import { KNATIVE_SCHEMAS } from '../schemas/index.ts';

export type Quote = "'" | '"';

/** The `Ready` and `Reason` columns, with the quote style the CRD uses in its JSONPath. */
export function readyReason(readyQuote: Quote, reasonQuote: Quote = readyQuote): PrinterColumn[] {
  return [
    { name: 'Ready', type: 'string', jsonPath: `.status.conditions[?(@.type==${readyQuote}Ready${readyQuote})].status` },
    { name: 'Reason', type: 'string', jsonPath: `.status.conditions[?(@.type==${reasonQuote}Ready${reasonQuote})].reason` },
  ];
}

export const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
export const URL_ADDRESS: PrinterColumn = { name: 'URL', type: 'string', jsonPath: '.status.address.url' };
export const URL_STATUS: PrinterColumn = { name: 'URL', type: 'string', jsonPath: '.status.url' };
export const SINK: PrinterColumn = { name: 'Sink', type: 'string', jsonPath: '.status.sinkUri' };

export interface VersionSpec {
  name: string;
  storage: boolean;
  columns: readonly PrinterColumn[];
  deprecationWarning?: string;
}

export interface KnativeKindSpec {
  group: string;
  kind: string;
  plural: string;
  /** Defaults to the lower-cased kind. */
  singular?: string;
  shortNames: readonly string[];
  categories: readonly string[];
  /** In discovery's preference order. */
  versions: readonly VersionSpec[];
  scale?: ScaleSubresource;
  admission: KindAdmission;
}

export function schemaFor(plural: string, group: string, version: string): KindVersion['schema'] {
  const schema = KNATIVE_SCHEMAS[`${plural}.${group}.${version}`];
  if (!schema) throw new Error(`no stored schema for ${plural}.${group} ${version}`);
  return schema;
}

export function knativeKind(spec: KnativeKindSpec, config: ConfigSource): KindDefinition {
  return {
    group: spec.group,
    kind: spec.kind,
    plural: spec.plural,
    singular: spec.singular ?? spec.kind.toLowerCase(),
    listKind: `${spec.kind}List`,
    scope: 'Namespaced',
    shortNames: spec.shortNames,
    categories: spec.categories,
    versions: spec.versions.map((v): KindVersion => ({
      name: v.name,
      served: true,
      storage: v.storage,
      schema: schemaFor(spec.plural, spec.group, v.name),
      printerColumns: v.columns,
      ...(v.deprecationWarning ? { deprecated: true, deprecationWarning: v.deprecationWarning } : {}),
    })),
    subresources: { status: true, ...(spec.scale ? { scale: spec.scale } : {}) },
    builtin: false,
    generation: 'spec',
    ...admissionHooks(spec.admission, config),
  };
}
