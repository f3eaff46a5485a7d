/**
 * Test support: a tiny in-memory `Client` (get, create, update, updateStatus, delete, list)
 * for driving a reconcile function directly. No admission, no watches: what the reconcile
 * wrote is what a later `get` returns, with a bumped resourceVersion.
 */
import type { KubeObject } from '../../../../api/object.ts';
import type { Client, ObjectList, TypeRef } from '../../../../client/types.ts';
import { SkiffError } from '../../../../errors/skiff-error.ts';

export class MemoryClient {
  readonly objects = new Map<string, KubeObject>();
  writes = 0;
  #rv = 1;

  static key(type: TypeRef, namespace: string | undefined, name: string): string {
    return `${type.apiVersion}|${type.kind}|${namespace ?? ''}|${name}`;
  }

  put(obj: KubeObject): KubeObject {
    const stored = structuredClone({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.#rv) } });
    this.objects.set(MemoryClient.key(obj, obj.metadata.namespace, obj.metadata.name!), stored);
    return structuredClone(stored);
  }

  find(type: TypeRef, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.objects.get(MemoryClient.key(type, namespace, name));
    return o && structuredClone(o);
  }

  asClient(): Client {
    const unsupported = () => Promise.reject(new Error('memory client: not supported'));
    const write = <T extends KubeObject>(obj: T, exists: boolean): T => {
      const present = this.objects.has(MemoryClient.key(obj, obj.metadata.namespace, obj.metadata.name!));
      if (present !== exists) throw new SkiffError(exists ? 'SKF_API_NOT_FOUND' : 'SKF_API_ALREADY_EXISTS', obj.metadata.name!);
      this.writes++;
      return this.put(obj) as T;
    };
    return {
      get: <T extends KubeObject>(type: TypeRef, ns: string | undefined, name: string) => Promise.resolve(this.find(type, ns, name) as T | undefined),
      list: <T extends KubeObject>(type: TypeRef) => Promise.resolve({ items: [...this.objects.values()].filter((o) => o.kind === type.kind) as T[], resourceVersion: String(this.#rv) } as ObjectList<T>),
      create: <T extends KubeObject>(obj: T) => Promise.resolve().then(() => write(obj, false)),
      update: <T extends KubeObject>(obj: T) => Promise.resolve().then(() => write(obj, true)),
      updateStatus: <T extends KubeObject>(obj: T) => Promise.resolve().then(() => write(obj, true)),
      delete: (type: TypeRef, ns: string | undefined, name: string) => Promise.resolve().then(() => {
        if (!this.objects.delete(MemoryClient.key(type, ns, name))) throw new SkiffError('SKF_API_NOT_FOUND', name);
        this.writes++;
      }),
      watch: unsupported, patch: unsupported, createSubresource: unsupported,
      resourceFor: () => Promise.resolve(undefined),
      kinds: () => Promise.resolve([]),
    };
  }
}
