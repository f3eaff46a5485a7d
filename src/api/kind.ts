/**
 * KindDefinition: the one source of truth for a kind. The API server (storage strategy,
 * validation, defaulting, discovery, OpenAPI, `kubectl explain`, tables), the CLI and any
 * console read everything about a kind from here. Built-in kinds, the seed documents' kinds
 * and CRDs that users apply all become KindDefinitions (the last through `fromCrd`).
 */
import type { FieldError } from './field-error.ts';
import type { KubeObject } from './object.ts';
import type { JSONSchemaProps } from './schema-types.ts';

export type Scope = 'Namespaced' | 'Cluster';

/** A printer column as a CRD declares it (`additionalPrinterColumns`). */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** A column of a hand-written (built-in) table printer; cells come from `row()`. */
export interface TableColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
}

/**
 * Hand-written table printer, matching kube-apiserver's printers.go for built-in kinds.
 * `columns` includes the leading Name column; `row` returns one cell per column.
 */
export interface TablePrinter {
  columns: readonly TableColumn[];
  row(obj: KubeObject, now: Date): unknown[];
}

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface KindVersion {
  name: string;
  served: boolean;
  storage: boolean;
  /** Structural schema of the whole object (apiVersion, kind, metadata, spec, status, …). */
  schema: JSONSchemaProps;
  /** CRD-style printer columns; ignored when the kind has a `table` printer. */
  printerColumns?: readonly PrinterColumn[];
  deprecated?: boolean;
  deprecationWarning?: string;
  /** CRD `selectableFields` (JSONPaths such as `.spec.color`) usable in field selectors. */
  selectableFields?: readonly string[];
}

/** Which changes bump `metadata.generation`. */
export type GenerationPolicy =
  /** Never set (ConfigMap, Secret, Namespace, Pod …). */
  | 'none'
  /** Bumped when anything outside metadata and status changes (CRDs, Deployments …). */
  | 'spec';

export interface ValidationContext {
  /** The object before this update; absent on create. */
  old?: KubeObject;
  /** 'create' | 'update' | 'status' (an update through the /status subresource). */
  operation: 'create' | 'update' | 'status';
  /** The authenticated user making the request (webhooks such as Knative's record it). */
  user?: string;
}

export interface KindDefinition {
  group: string;
  kind: string;
  /** Lower-case plural, the URL segment. */
  plural: string;
  singular: string;
  listKind: string;
  scope: Scope;
  shortNames: readonly string[];
  categories: readonly string[];
  /** In discovery's preference order (first = preferred version). */
  versions: readonly KindVersion[];
  /** Verbs shown in discovery; defaults to the full CRUD set plus watch. */
  verbs?: readonly string[];
  /** Subresources served: `status` and `scale` are handled generically; others (log, exec, …) by the runtime. */
  subresources: {
    status?: boolean;
    scale?: ScaleSubresource;
    /** Further subresource names listed in discovery (e.g. `log`, `exec`, `finalize`). */
    others?: readonly string[];
  };
  /**
   * Compiled into kubectl (core, apps, networking.k8s.io …): kubectl sends strategic merge
   * patches and, from its typed clients, protobuf bodies for these.
   */
  builtin: boolean;
  generation: GenerationPolicy;
  /** True for a CRD a user (or skiff itself) created; its definition lives in the store. */
  fromCrd?: boolean;
  /** Hand-written table printer (built-in kinds); CRD kinds use versions[].printerColumns. */
  table?: TablePrinter;
  /** The strategy's AllowCreateOnUpdate: a PUT to an object that does not exist creates it (201). */
  createOnUpdate?: boolean;
  /**
   * Defaulting beyond the schema's `default` keywords (which the engine applies first).
   * Mutates `obj` in place. Runs on create and update, like Kubernetes' defaulters; `ctx`
   * tells which (absent = create), for defaulting webhooks that treat updates differently.
   */
  defaults?(obj: KubeObject, ctx?: ValidationContext): void;
  /**
   * The `defaults` are a mutating webhook's (Knative's, Maistra's, the Serverless operator's),
   * not the decoder's: they run in the admission chain after the field manager, so the
   * fields they add are owned by no one, as in the real system.
   */
  defaultsByWebhook?: boolean;
  /**
   * Semantic validation after schema validation; returns every problem found. May instead
   * throw a SkiffError whose message is the complete rejection (Knative's webhooks do).
   */
  validate?(obj: KubeObject, ctx: ValidationContext): FieldError[];
  /** Warnings (sent as `Warning:` headers) for objects that are accepted but questionable. */
  warnings?(obj: KubeObject, ctx: ValidationContext): string[];
  /** Field selectors this kind supports besides metadata.name/namespace: path → value getter. */
  fieldSelectors?: Readonly<Record<string, (obj: KubeObject) => string | undefined>>;
  /**
   * Name rule for `metadata.name`: DNS-1123 subdomain (default), DNS-1123 label, DNS-1035 label (Services), a
   * path-segment name (only `/` and `%` forbidden), or RBAC's ValidateRBACName (a path segment, a
   * generateName too: `.` and `..` are refused there as well).
   */
  nameRule?: 'dns1123-subdomain' | 'dns1123-label' | 'dns1035-label' | 'path-segment' | 'rbac';
}

export const DEFAULT_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

export function storageVersion(def: KindDefinition): KindVersion {
  const v = def.versions.find((x) => x.storage);
  if (!v) throw new Error(`kind ${def.kind}.${def.group} has no storage version`);
  return v;
}

export function preferredVersion(def: KindDefinition): KindVersion {
  const v = def.versions.find((x) => x.served);
  if (!v) throw new Error(`kind ${def.kind}.${def.group} has no served version`);
  return v;
}

/** `plural.group` (or just `plural` for the core group), as Kubernetes names a resource in messages. */
export function qualifiedResource(def: Pick<KindDefinition, 'plural' | 'group'>): string {
  return def.group === '' ? def.plural : `${def.plural}.${def.group}`;
}
