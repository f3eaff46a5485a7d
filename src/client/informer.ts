/**
 * Informer: a local cache of one kind kept current by list + watch, with change handlers.
 * On a 410 (history compacted) it relists; on other watch ends it resumes from the last
 * resourceVersion it saw, with capped back-off. Reconcilers read the cache, never the
 * API, for the objects they watch (client-go's shared-informer pattern, kept small).
 */
import type { KubeObject } from '../api/object.ts';
import { isSkiffError } from '../errors/skiff-error.ts';
import type { Logger } from '../util/log.ts';
import type { Client, ClientWatch, ListQuery, TypeRef } from './types.ts';

export interface InformerHandlers<T extends KubeObject> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
}

export function objectKeyOf(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name ?? '';
}

export class Informer<T extends KubeObject = KubeObject> {
  readonly type: TypeRef;
  readonly #client: Client;
  readonly #query: ListQuery;
  readonly #log: Logger;
  readonly #cache = new Map<string, T>();
  readonly #handlers: InformerHandlers<T>[] = [];
  #watch: ClientWatch | undefined;
  #resourceVersion = '';
  #stopped = false;
  #synced = false;
  #retryDelay = 100;
  #retryTimer: NodeJS.Timeout | undefined;

  constructor(client: Client, type: TypeRef, query: ListQuery, log: Logger) {
    this.#client = client;
    this.type = type;
    this.#query = query;
    this.#log = log;
  }

  addHandlers(h: InformerHandlers<T>): void {
    this.#handlers.push(h);
    if (this.#synced) for (const obj of this.#cache.values()) h.add?.(obj);
  }

  get hasSynced(): boolean {
    return this.#synced;
  }

  get(key: string): T | undefined {
    return this.#cache.get(key);
  }

  list(namespace?: string): T[] {
    const all = [...this.#cache.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  /** Lists, fills the cache (firing `add` for each object) and starts watching. */
  async start(): Promise<void> {
    await this.#relist();
    this.#synced = true;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#watch?.stop();
  }

  async #relist(): Promise<void> {
    const list = await this.#client.list<T>(this.type, this.#query);
    const seen = new Set<string>();
    for (const obj of list.items) {
      const key = objectKeyOf(obj);
      seen.add(key);
      this.#apply('ADDED', obj);
    }
    for (const [key, obj] of [...this.#cache]) {
      if (!seen.has(key)) {
        this.#cache.delete(key);
        for (const h of this.#handlers) h.delete?.(obj);
      }
    }
    this.#resourceVersion = list.resourceVersion;
    await this.#startWatch();
  }

  async #startWatch(): Promise<void> {
    if (this.#stopped) return;
    this.#watch = await this.#client.watch<T>(this.type, { ...this.#query, resourceVersion: this.#resourceVersion, allowWatchBookmarks: true }, {
      onEvent: (e) => {
        this.#retryDelay = 100;
        if (e.object.metadata.resourceVersion) this.#resourceVersion = e.object.metadata.resourceVersion;
        if (e.type !== 'BOOKMARK') this.#apply(e.type, e.object);
      },
      onClose: (err) => this.#restart(err),
    });
  }

  #restart(err: Error | undefined): void {
    if (this.#stopped) return;
    const expired = isSkiffError(err, 'SKF_API_GONE');
    if (err && !expired) this.#log.warn({ err, kind: this.type.kind }, 'watch ended; resuming');
    const delay = this.#retryDelay;
    this.#retryDelay = Math.min(this.#retryDelay * 2, 10_000);
    this.#retryTimer = setTimeout(() => {
      (expired ? this.#relist() : this.#startWatch()).catch((e: unknown) => this.#restart(e as Error));
    }, expired ? 0 : delay);
    this.#retryTimer.unref();
  }

  #apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void {
    const key = objectKeyOf(obj);
    const old = this.#cache.get(key);
    if (type === 'DELETED') {
      this.#cache.delete(key);
      for (const h of this.#handlers) h.delete?.(obj);
      return;
    }
    this.#cache.set(key, obj);
    if (old === undefined) for (const h of this.#handlers) h.add?.(obj);
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) for (const h of this.#handlers) h.update?.(old, obj);
  }
}
