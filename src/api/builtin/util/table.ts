/**
 * Pieces shared by the built-in table printers (kube-apiserver pkg/printers/internalversion):
 * the Name and Age columns every printer starts and ends with, and the cell helpers several
 * printers use. Column descriptions are the fields' own OpenAPI descriptions, as the Go
 * printers take them from SwaggerDoc.
 */
import type { TableColumn, TablePrinter } from '../../kind.ts';
import type { KubeObject } from '../../object.ts';
import { parseTimestamp, translateTimestampSince } from '../human-duration.ts';
import { fieldDescription } from '../schemas/load.ts';
import { objs, str } from './obj.ts';

export const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** A column; `definition`/`field` name the OpenAPI property whose description it shows. */
export function column(name: string, type: string, description: string, priority = 0): TableColumn {
  return { name, type, description, ...(priority ? { priority } : {}) };
}

/** A column described by a schema property. */
export function fieldColumn(name: string, type: string, definition: string, field: string, priority = 0): TableColumn {
  return column(name, type, fieldDescription(definition, field), priority);
}

export function nameColumn(priority = 0): TableColumn {
  return { name: 'Name', type: 'string', format: 'name', description: fieldDescription(OBJECT_META, 'name'), ...(priority ? { priority } : {}) };
}

export function ageColumn(): TableColumn {
  return fieldColumn('Age', 'string', OBJECT_META, 'creationTimestamp');
}

/** The Age cell: translateTimestampSince(creationTimestamp). */
export function age(obj: KubeObject, now: Date): string {
  return translateTimestampSince(obj.metadata.creationTimestamp, now);
}

/**
 * rest.DefaultTableConvertor, for kinds printers.go has no printer for (CRDs, RBAC roles):
 * Name and Created At, a date column holding the raw UTC timestamp.
 */
export function defaultTable(): TablePrinter {
  return {
    columns: [nameColumn(), column('Created At', 'date', fieldDescription(OBJECT_META, 'creationTimestamp'))],
    row: (o) => [o.metadata.name ?? '', createdAt(o.metadata.creationTimestamp)],
  };
}

function createdAt(ts: unknown): string {
  const ms = parseTimestamp(ts);
  return ms === undefined ? '' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** listWithMoreString: at most `max` shown, then ` + N more...`; `<unset>` when empty. */
export function listWithMore(list: readonly string[], more: boolean, count: number, max: number): string {
  const joined = list.join(',');
  if (more) return `${joined} + ${count - max} more...`;
  return joined === '' ? '<unset>' : joined;
}

/** layoutContainerCells: container names and images, comma-joined in order. */
export function containerCells(containers: unknown): [string, string] {
  const list = objs(containers);
  return [list.map((c) => str(c.name)).join(','), list.map((c) => str(c.image)).join(',')];
}

export const CONTAINERS_COLUMN = 'Names of each container in the template.';
export const IMAGES_COLUMN = 'Images referenced by each container in the template.';
