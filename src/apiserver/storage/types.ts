/**
 * Shapes shared by the storage layer (REST semantics over the Store) and its two callers:
 * the HTTP handlers and the in-process client.
 */
import type { KindDefinition, KindVersion } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** What a request addresses once the kind is resolved. */
export interface Target {
  def: KindDefinition;
  /** The version the client speaks (URL version). */
  version: KindVersion;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  /**
   * Paths of keys the JSON request body repeated (`data.a`), which JSON.parse collapsed into
   * the last: reported as `duplicate field "data.a"` under Strict and Warn.
   */
  duplicateFields?: readonly string[];
  /** Internal: managedFields were already computed (server-side apply). */
  managedFieldsDone?: boolean;
}

export interface PatchOptions extends WriteOptions {
  /** Server-side apply: take ownership of conflicting fields. */
  force?: boolean;
}

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject | Record<string, unknown>;
}

/** Receives watch events; `close` ends the stream (after an ERROR or timeout). */
export interface WatchSink {
  send(event: WatchEvent): void;
  close(): void;
}

export interface WatchHandle {
  stop(): void;
}

/** Request-scoped context: who asks, and where warnings for `Warning:` headers go. */
export interface RequestContext {
  user: string;
  warnings: string[];
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};
