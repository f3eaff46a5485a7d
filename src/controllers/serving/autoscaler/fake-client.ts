/**
 * A small in-memory `Client` for the KPA's controller test (controllers may not import the
 * store or the API server, so the real in-process stack is out of reach here): objects by
 * kind/namespace/name, a resourceVersion counter, list and watch with namespace and simple
 * label selectors (`key`, `key=value`), merge patches, and the status subresource. No
 * admission, no defaults: what is written is what is read.
 */
import type { KubeObject } from '../../../api/object.ts';
import type { Client, ClientPatchType, ClientWatch, ListQuery, ObjectList, ServedKind, TypeRef, WatchHandlers, WatchQuery } from '../../../client/types.ts';
import { SkiffError } from '../../../errors/skiff-error.ts';

type Watcher = { type: string; query: ListQuery; handlers: WatchHandlers };

const typeKey = (t: TypeRef): string => `${t.apiVersion}/${t.kind}`;
const objKey = (t: TypeRef, ns: string | undefined, name: string): string => `${typeKey(t)}/${ns ?? ''}/${name}`;

function matches(obj: KubeObject, q: ListQuery): boolean {
  if (q.namespace && obj.metadata.namespace !== q.namespace) return false;
  for (const term of (q.labelSelector ?? '').split(',').filter(Boolean)) {
    const [k, v] = term.split('=');
    const have = obj.metadata.labels?.[k!];
    if (have === undefined || (v !== undefined && have !== v)) return false;
  }
  return true;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export class FakeClient implements Client {
  readonly objects = new Map<string, KubeObject>();
  readonly #watchers = new Set<Watcher>();
  #rv = 1;
  #uid = 1;

  async get<T extends KubeObject = KubeObject>(type: TypeRef, namespace: string | undefined, name: string): Promise<T | undefined> {
    const o = this.objects.get(objKey(type, namespace, name));
    return o ? (structuredClone(o) as T) : undefined;
  }

  async list<T extends KubeObject = KubeObject>(type: TypeRef, query: ListQuery = {}): Promise<ObjectList<T>> {
    const items = [...this.objects.values()].filter((o) => typeKey(o) === typeKey(type) && matches(o, query));
    return { items: structuredClone(items) as T[], resourceVersion: String(this.#rv) };
  }

  async watch<T extends KubeObject = KubeObject>(type: TypeRef, query: WatchQuery, handlers: WatchHandlers<T>): Promise<ClientWatch> {
    const w: Watcher = { type: typeKey(type), query, handlers: handlers as unknown as WatchHandlers };
    this.#watchers.add(w);
    return { stop: () => { this.#watchers.delete(w); } };
  }

  async create<T extends KubeObject>(obj: T): Promise<T> {
    const key = objKey(obj, obj.metadata.namespace, obj.metadata.name!);
    if (this.objects.has(key)) throw new SkiffError('SKF_API_ALREADY_EXISTS', `${key} exists`);
    const stored = structuredClone(obj);
    stored.metadata.uid ??= `uid-${this.#uid++}`;
    stored.metadata.generation = 1;
    return this.#store(stored, 'ADDED');
  }

  async update<T extends KubeObject>(obj: T): Promise<T> {
    const live = this.#live(obj);
    const next = structuredClone(obj);
    (next as KubeObject).status = live.status;
    const specChanged = JSON.stringify(live.spec) !== JSON.stringify(next.spec);
    next.metadata.generation = (live.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    return this.#store(next, 'MODIFIED');
  }

  async updateStatus<T extends KubeObject>(obj: T): Promise<T> {
    const live = this.#live(obj);
    return this.#store({ ...structuredClone(live), status: structuredClone(obj.status) } as unknown as T, 'MODIFIED');
  }

  async patch<T extends KubeObject = KubeObject>(type: TypeRef, namespace: string | undefined, name: string, patchType: ClientPatchType, patch: unknown): Promise<T> {
    if (patchType !== 'merge') throw new Error(`fake client: ${patchType} patches are not supported`);
    const live = this.#live({ ...type, metadata: { namespace, name } } as KubeObject);
    return this.update(mergePatch(live, patch) as T);
  }

  async delete(type: TypeRef, namespace: string | undefined, name: string): Promise<void> {
    const key = objKey(type, namespace, name);
    const live = this.objects.get(key);
    if (!live) throw new SkiffError('SKF_API_NOT_FOUND', `${key} not found`);
    this.objects.delete(key);
    this.#notify('DELETED', { ...live, metadata: { ...live.metadata, resourceVersion: String(++this.#rv) } });
  }

  async createSubresource(): Promise<unknown> {
    throw new Error('fake client: no subresources');
  }

  async resourceFor(): Promise<{ plural: string; namespaced: boolean } | undefined> {
    return undefined;
  }

  async kinds(): Promise<ServedKind[]> {
    return [];
  }

  #live(obj: KubeObject): KubeObject {
    const live = this.objects.get(objKey(obj, obj.metadata.namespace, obj.metadata.name!));
    if (!live) throw new SkiffError('SKF_API_NOT_FOUND', `${obj.kind} ${obj.metadata.name} not found`);
    return live;
  }

  #store<T extends KubeObject>(obj: T, type: 'ADDED' | 'MODIFIED'): T {
    obj.metadata.resourceVersion = String(++this.#rv);
    this.objects.set(objKey(obj, obj.metadata.namespace, obj.metadata.name!), obj);
    this.#notify(type, obj);
    return structuredClone(obj);
  }

  #notify(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void {
    for (const w of this.#watchers) {
      if (w.type === typeKey(obj) && matches(obj, w.query)) {
        const copy = structuredClone(obj);
        queueMicrotask(() => w.handlers.onEvent({ type, object: copy }));
      }
    }
  }
}
