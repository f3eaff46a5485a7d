/**
 * What the three operator kinds share: their columns (Version, Ready, Reason — no Age) and
 * the Serverless webhooks' placement rules, each CR only in its own namespace and only one
 * per namespace.
 */
import { fieldErr } from '../field-error.ts';
import type { FieldError } from '../field-error.ts';
import type { PrinterColumn } from '../kind.ts';
import type { KubeObject } from '../object.ts';

export const SERVING_NAMESPACE = 'knative-serving';
export const EVENTING_NAMESPACE = 'knative-eventing';

/** `reasonQuote` keeps each CRD's own JSONPath quoting (KnativeKafka uses single quotes). */
export function operatorColumns(reasonQuote: '"' | "'"): readonly PrinterColumn[] {
  return [
    { name: 'Version', type: 'string', jsonPath: '.status.version' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Reason', type: 'string', jsonPath: `.status.conditions[?(@.type==${reasonQuote}Ready${reasonQuote})].reason` },
  ];
}

/** "<Kind> may only be created in <ns> namespace". */
export function requireNamespace(kind: string, obj: KubeObject, namespace: string): FieldError[] {
  if (obj.metadata.namespace === namespace) return [];
  return [fieldErr.forbidden('metadata.namespace', `${kind} may only be created in ${namespace} namespace`)];
}

/** "Only one <Kind> allowed per namespace", given the existing objects of that kind. */
export function requireAlone(kind: string, obj: KubeObject, existing: readonly KubeObject[]): FieldError[] {
  const other = existing.some((o) => o.metadata.namespace === obj.metadata.namespace && o.metadata.name !== obj.metadata.name);
  return other ? [fieldErr.forbidden('metadata.name', `Only one ${kind} allowed per namespace`)] : [];
}
