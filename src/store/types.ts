/**
 * The Store: a revisioned key-value store of API objects, modelled on etcd v3 (which is one
 * of its two implementations). The API server is its only user; it knows nothing of HTTP or
 * of Kubernetes semantics beyond "a value is a JSON object".
 *
 * Contract (checked by the conformance suite in store/conformance.ts against every
 * implementation):
 * - One global revision counter, bumped by every successful write. A value's
 *   `modRevision` is the revision of the write that produced it; the API server uses it as
 *   `metadata.resourceVersion`.
 * - A write resolves only once it is durable (embedded: fsync'd log record; etcd: committed).
 * - `watch(prefix, afterRevision)` delivers every event with revision > afterRevision whose key
 *   starts with prefix, in revision order, without gaps or duplicates, then live events.
 *   If afterRevision is older than the retained history it throws SKF_STORE_COMPACTED
 *   (SkiffError with details.compactRevision).
 * - Values handed out must be treated as immutable by callers; the store may share them.
 * - Errors are SkiffErrors: SKF_STORE_KEY_EXISTS, SKF_STORE_NOT_FOUND, SKF_STORE_CONFLICT,
 *   SKF_STORE_COMPACTED, SKF_STORE_UNAVAILABLE, SKF_STORE_CORRUPT.
 */
import type { KubeObject } from '../api/object.ts';

export interface StoredValue {
  key: string;
  value: KubeObject;
  /** Revision of the write that produced this value. */
  modRevision: number;
  /** Revision of the write that created the key. */
  createRevision: number;
}

export interface StoreEvent {
  type: 'put' | 'delete';
  key: string;
  /** For put: the new value. For delete: the value just before deletion. */
  value: KubeObject;
  /** For put on an existing key: the previous value. */
  prevValue?: KubeObject;
  /** Revision of this event (for delete: the deleting write's revision). */
  modRevision: number;
  createRevision: number;
}

export interface ListOptions {
  /** Return at most this many items (0 or absent = all). */
  limit?: number;
  /** Return only keys strictly greater than this (for continue tokens). */
  startAfter?: string;
  /**
   * Read the state as of this revision (for consistent pagination). Throws
   * SKF_STORE_COMPACTED if older than the retained history. Absent = latest.
   */
  revision?: number;
}

export interface ListResult {
  items: StoredValue[];
  /** The revision the list reflects. */
  revision: number;
  /** True when `limit` cut the result short. */
  more: boolean;
  /** How many matching keys remain after this page (when known). */
  remaining?: number;
}

export interface WatchHandle {
  cancel(): void;
}

export interface WatchCallbacks {
  /** Events in revision order; a batch shares no revision with the next one. */
  onEvents(events: StoreEvent[]): void;
  /** The watch can no longer continue (compaction while lagging, connection loss). */
  onError(err: Error): void;
}

export interface Store {
  /** Human-readable URL: `embedded:///path/to/data` or `etcd://host:port`. */
  readonly url: string;
  get(key: string): Promise<StoredValue | undefined>;
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Fails with SKF_STORE_KEY_EXISTS if the key exists. */
  create(key: string, value: KubeObject): Promise<StoredValue>;
  /**
   * Replaces the value. With expectedModRevision, fails with SKF_STORE_CONFLICT unless the
   * current modRevision matches. Fails with SKF_STORE_NOT_FOUND if the key is absent.
   */
  update(key: string, value: KubeObject, expectedModRevision?: number): Promise<StoredValue>;
  /** Deletes and returns the last value (modRevision = the delete's revision). */
  delete(key: string, expectedModRevision?: number): Promise<StoredValue>;
  /** Starts a watch; throws SKF_STORE_COMPACTED synchronously-or-rejected if history is gone. */
  watch(prefix: string, afterRevision: number, callbacks: WatchCallbacks): Promise<WatchHandle>;
  /** The current (latest) revision. */
  revision(): Promise<number>;
  /** The oldest revision still watchable/listable (history window start). */
  compactedRevision(): Promise<number>;
  /** Drops history at or below `revision`. */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}
