/**
 * The in-process Client: calls the API server's storage layer directly — the same
 * admission, validation, concurrency and watch semantics as over HTTP, without
 * serialisation or TLS. This is the fast path for controllers running inside `skiff up`.
 */
import { DEFAULT_VERBS } from '../api/kind.ts';
import type { KubeObject } from '../api/object.ts';
import { parseApiVersion } from '../api/object.ts';
import { SkiffError, isSkiffError } from '../errors/skiff-error.ts';
import type { KindRegistry } from '../apiserver/registry/kind-registry.ts';
import type { ObjectService, RequestContext, Target, WatchService } from '../apiserver/storage/index.ts';
import type { PatchService } from '../apiserver/storage/patch-service.ts';
import type { Client, ClientPatchType, ServedKind, ClientWatch, DeleteOpts, ListQuery, ObjectList, TypeRef, WatchHandlers, WatchQuery, WriteOpts } from './types.ts';

export interface InProcessDeps {
  registry: KindRegistry;
  objects: ObjectService;
  patches: PatchService;
  watches: WatchService;
  /** The identity recorded for writes (and the default field manager). */
  user: string;
  /** Subresources that create (`<group>/<plural>/<sub>`, e.g. `/pods/binding`), shared with the HTTP handlers. */
  subresourceCreators?: ReadonlyMap<string, SubresourceCreator>;
}

export type SubresourceCreator = (request: { namespace: string; name: string; body: KubeObject; dryRun: boolean }) => Promise<unknown>;

export class InProcessClient implements Client {
  readonly #d: InProcessDeps;

  constructor(deps: InProcessDeps) {
    this.#d = deps;
  }

  #target(type: TypeRef, namespace: string | undefined, name: string | undefined, subresource?: string): Target {
    const { group, version } = parseApiVersion(type.apiVersion);
    const def = this.#d.registry.byKind(group, type.kind);
    const v = def?.versions.find((x) => x.name === version && x.served);
    if (!def || !v) throw new SkiffError('SKF_API_NOT_FOUND', `the server doesn't have a resource type for ${type.kind}.${type.apiVersion}`);
    return { def, version: v, namespace: def.scope === 'Namespaced' ? namespace : undefined, name, subresource };
  }

  #ctx(): RequestContext {
    return { user: this.#d.user, warnings: [] };
  }

  async get<T extends KubeObject = KubeObject>(type: TypeRef, namespace: string | undefined, name: string): Promise<T | undefined> {
    try {
      return (await this.#d.objects.get(this.#target(type, namespace, name))) as T;
    } catch (err) {
      if (isSkiffError(err, 'SKF_API_NOT_FOUND')) return undefined;
      throw err;
    }
  }

  async list<T extends KubeObject = KubeObject>(type: TypeRef, query: ListQuery = {}): Promise<ObjectList<T>> {
    const r = await this.#d.objects.list(this.#target(type, query.namespace, undefined), {
      ...(query.labelSelector ? { labelSelector: query.labelSelector } : {}),
      ...(query.fieldSelector ? { fieldSelector: query.fieldSelector } : {}),
    });
    return { items: r.items as T[], resourceVersion: r.resourceVersion };
  }

  async watch<T extends KubeObject = KubeObject>(type: TypeRef, query: WatchQuery, handlers: WatchHandlers<T>): Promise<ClientWatch> {
    let closed = false;
    const handle = await this.#d.watches.watch(this.#target(type, query.namespace, undefined), {
      ...(query.labelSelector ? { labelSelector: query.labelSelector } : {}),
      ...(query.fieldSelector ? { fieldSelector: query.fieldSelector } : {}),
      ...(query.resourceVersion !== undefined ? { resourceVersion: query.resourceVersion } : {}),
      allowWatchBookmarks: query.allowWatchBookmarks ?? false,
    }, {
      send: (e) => {
        if (closed) return;
        if (e.type === 'ERROR') {
          closed = true;
          const status = e.object as { message?: string; code?: number };
          handlers.onClose(new SkiffError(status.code === 410 ? 'SKF_API_GONE' : 'SKF_API_INTERNAL', status.message ?? 'watch failed'));
          return;
        }
        handlers.onEvent({ type: e.type, object: e.object as T });
      },
      close: () => {
        if (closed) return;
        closed = true;
        handlers.onClose();
      },
    });
    return { stop: () => { closed = true; handle.stop(); } };
  }

  async create<T extends KubeObject>(obj: T, opts: WriteOpts = {}): Promise<T> {
    const t = this.#target(obj, obj.metadata.namespace, undefined);
    return (await this.#d.objects.create(t, obj, { fieldManager: opts.fieldManager ?? this.#d.user, dryRun: opts.dryRun ?? false, fieldValidation: 'Strict' }, this.#ctx())) as T;
  }

  async update<T extends KubeObject>(obj: T, opts: WriteOpts = {}): Promise<T> {
    const t = this.#target(obj, obj.metadata.namespace, obj.metadata.name);
    return (await this.#d.objects.update(t, obj, { fieldManager: opts.fieldManager ?? this.#d.user, dryRun: opts.dryRun ?? false, fieldValidation: 'Strict' }, this.#ctx())) as T;
  }

  async updateStatus<T extends KubeObject>(obj: T, opts: WriteOpts = {}): Promise<T> {
    const t = this.#target(obj, obj.metadata.namespace, obj.metadata.name, obj.metadata.name !== undefined && this.#hasStatus(obj) ? 'status' : undefined);
    return (await this.#d.objects.update(t, obj, { fieldManager: opts.fieldManager ?? this.#d.user, dryRun: opts.dryRun ?? false, fieldValidation: 'Strict' }, this.#ctx())) as T;
  }

  #hasStatus(type: TypeRef): boolean {
    const { group } = parseApiVersion(type.apiVersion);
    return this.#d.registry.byKind(group, type.kind)?.subresources.status === true;
  }

  async patch<T extends KubeObject = KubeObject>(type: TypeRef, namespace: string | undefined, name: string, patchType: ClientPatchType, patch: unknown, opts: WriteOpts & { force?: boolean; subresource?: string } = {}): Promise<T> {
    const t = this.#target(type, namespace, name, opts.subresource);
    const r = await this.#d.patches.patch(t, patchType, patch, { fieldManager: opts.fieldManager ?? this.#d.user, dryRun: opts.dryRun ?? false, force: opts.force ?? false, fieldValidation: 'Strict' }, this.#ctx());
    return r.object as T;
  }

  async delete(type: TypeRef, namespace: string | undefined, name: string, opts: DeleteOpts = {}): Promise<void> {
    await this.#d.objects.delete(this.#target(type, namespace, name), opts, this.#ctx());
  }

  async createSubresource(type: TypeRef, namespace: string | undefined, name: string, subresource: string, body: KubeObject, opts: WriteOpts = {}): Promise<unknown> {
    const t = this.#target(type, namespace, name, subresource);
    const create = this.#d.subresourceCreators?.get(`${t.def.group}/${t.def.plural}/${subresource}`);
    if (!create) throw new SkiffError('SKF_API_NOT_FOUND', 'the server could not find the requested resource');
    return create({ namespace: t.namespace ?? '', name, body, dryRun: opts.dryRun ?? false });
  }

  async resourceFor(type: TypeRef): Promise<{ plural: string; namespaced: boolean } | undefined> {
    const { group } = parseApiVersion(type.apiVersion);
    const def = this.#d.registry.byKind(group, type.kind);
    return def ? { plural: def.plural, namespaced: def.scope === 'Namespaced' } : undefined;
  }

  async kinds(): Promise<ServedKind[]> {
    return this.#d.registry.all().map((def) => {
      const v = def.versions.find((x) => x.served) ?? def.versions[0]!;
      const subresources = [...(def.subresources.status ? ['status'] : []), ...(def.subresources.scale ? ['scale'] : []), ...(def.subresources.others ?? [])];
      return { apiVersion: def.group === '' ? v.name : `${def.group}/${v.name}`, kind: def.kind, plural: def.plural, namespaced: def.scope === 'Namespaced', verbs: def.verbs ?? DEFAULT_VERBS, subresources };
    });
  }
}
