/**
 * meta.k8s.io/v1 Table responses (kubernetes-api.md §4): what `kubectl get` prints.
 * Built-in kinds use their hand-written printers (KindDefinition.table); custom kinds use
 * their printer columns, evaluated with Kubernetes JSONPath, or the default Age column.
 */
import type { KindDefinition, KindVersion, PrinterColumn, TableColumn } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';
import { printerColumnCell } from '../../api/jsonpath/index.ts';

const NAME_COLUMN: TableColumn = {
  name: 'Name', type: 'string', format: 'name', priority: 0,
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
};

const DEFAULT_AGE: PrinterColumn = {
  name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
  includeObject: IncludeObject;
  /** Omit columnDefinitions (watch events after the first, as kube-apiserver does). */
  omitColumns?: boolean;
  now?: Date;
}

function crdColumns(version: KindVersion): PrinterColumn[] {
  return version.printerColumns && version.printerColumns.length > 0 ? [...version.printerColumns] : [DEFAULT_AGE];
}

export function tableColumns(def: KindDefinition, version: KindVersion): TableColumn[] {
  if (def.table) return [...def.table.columns];
  return [NAME_COLUMN, ...crdColumns(version).map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 }))];
}

function cells(def: KindDefinition, version: KindVersion, obj: KubeObject, now: Date): unknown[] {
  if (def.table) return def.table.row(obj, now);
  return [obj.metadata.name ?? '', ...crdColumns(version).map((c) => printerColumnCell(obj, c, now))];
}

function rowObject(obj: KubeObject, include: IncludeObject): object | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function toTable(def: KindDefinition, version: KindVersion, objects: readonly KubeObject[], opts: TableOptions): object {
  const now = opts.now ?? new Date();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      resourceVersion: opts.resourceVersion,
      ...(opts.continue ? { continue: opts.continue } : {}),
      ...(opts.remainingItemCount !== undefined ? { remainingItemCount: opts.remainingItemCount } : {}),
    },
    ...(opts.omitColumns ? {} : { columnDefinitions: tableColumns(def, version) }),
    rows: objects.map((obj) => {
      const object = rowObject(obj, opts.includeObject);
      return { cells: cells(def, version, obj, now), ...(object ? { object } : {}) };
    }),
  };
}

export function parseIncludeObject(raw: string | null): IncludeObject {
  return raw === 'None' || raw === 'Object' ? raw : 'Metadata';
}
