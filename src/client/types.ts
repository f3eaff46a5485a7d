/**
 * The Client: the only way controllers and the runtime reach the API (design §3 rule 1).
 * Objects are addressed by apiVersion + kind, as in manifests. Two implementations: the
 * in-process one (calls the storage layer directly: same semantics, no HTTP) and the HTTP
 * one (works against skiff's API server over TLS and against any Kubernetes API server).
 *
 * Errors are SkiffErrors with the API codes (SKF_API_NOT_FOUND, SKF_API_CONFLICT, …).
 */
import type { KubeObject } from '../api/object.ts';

export interface TypeRef {
  apiVersion: string;
  kind: string;
}

export interface ListQuery {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ObjectList<T extends KubeObject = KubeObject> {
  items: T[];
  resourceVersion: string;
}

export type ClientWatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface ClientWatchEvent<T extends KubeObject = KubeObject> {
  type: ClientWatchEventType;
  object: T;
}

export interface WatchQuery extends ListQuery {
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
}

export interface ClientWatch {
  stop(): void;
}

export interface WatchHandlers<T extends KubeObject = KubeObject> {
  onEvent(event: ClientWatchEvent<T>): void;
  /** The watch ended (410 Expired → relist; other errors → retry). */
  onClose(err?: Error): void;
}

export interface WriteOpts {
  fieldManager?: string;
  dryRun?: boolean;
}

export interface DeleteOpts {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type ClientPatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface Client {
  get<T extends KubeObject = KubeObject>(type: TypeRef, namespace: string | undefined, name: string): Promise<T | undefined>;
  list<T extends KubeObject = KubeObject>(type: TypeRef, query?: ListQuery): Promise<ObjectList<T>>;
  watch<T extends KubeObject = KubeObject>(type: TypeRef, query: WatchQuery, handlers: WatchHandlers<T>): Promise<ClientWatch>;
  create<T extends KubeObject>(obj: T, opts?: WriteOpts): Promise<T>;
  update<T extends KubeObject>(obj: T, opts?: WriteOpts): Promise<T>;
  updateStatus<T extends KubeObject>(obj: T, opts?: WriteOpts): Promise<T>;
  patch<T extends KubeObject = KubeObject>(type: TypeRef, namespace: string | undefined, name: string, patchType: ClientPatchType, patch: unknown, opts?: WriteOpts & { force?: boolean; subresource?: string }): Promise<T>;
  delete(type: TypeRef, namespace: string | undefined, name: string, opts?: DeleteOpts): Promise<void>;
  /**
   * POST to a subresource that creates something (pods/binding): `body` is the
   * subresource's own kind (a v1 Binding); resolves to what the server answers.
   */
  createSubresource(type: TypeRef, namespace: string | undefined, name: string, subresource: string, body: KubeObject, opts?: WriteOpts): Promise<unknown>;
  /** Resolves a kind to its resource name and scope (a RESTMapper). */
  resourceFor(type: TypeRef): Promise<{ plural: string; namespaced: boolean } | undefined>;
  /** Every kind the server serves, at its preferred version (from discovery). */
  kinds(): Promise<ServedKind[]>;
}

export interface ServedKind extends TypeRef {
  plural: string;
  namespaced: boolean;
  verbs: readonly string[];
  subresources: readonly string[];
}
