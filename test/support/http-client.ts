/**
 * Test support: a `Client` over a test skiff's HTTPS API (api.ts), so a controller can run
 * against a real skiff from a test. Tests under src/controllers cannot build the in-process
 * client (the controllers' layer may not import the store). Plurals follow Kubernetes'
 * English rule for the kinds tests use (lower case; `es` after s, `ies` for a consonant and y).
 */
import type { KubeObject } from '../../src/api/object.ts';
import type { ErrorCode } from '../../src/errors/catalog.ts';
import { SkiffError } from '../../src/errors/skiff-error.ts';
import type { Client, ClientPatchType, ClientWatch, ListQuery, ObjectList, TypeRef, WatchHandlers, WatchQuery } from '../../src/client/types.ts';
import type { Api } from './api.ts';

const CLUSTER_SCOPED = new Set(['Namespace', 'Node']);

export function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return lower.endsWith('s') ? `${lower}es` : `${lower}s`;
}

function collection(type: TypeRef, namespace: string | undefined): string {
  const base = type.apiVersion.includes('/') ? `/apis/${type.apiVersion}` : `/api/${type.apiVersion}`;
  return `${base}${namespace && !CLUSTER_SCOPED.has(type.kind) ? `/namespaces/${namespace}` : ''}/${pluralOf(type.kind)}`;
}

const REASONS: Record<string, ErrorCode> = { NotFound: 'SKF_API_NOT_FOUND', AlreadyExists: 'SKF_API_ALREADY_EXISTS', Conflict: 'SKF_API_CONFLICT', Expired: 'SKF_API_GONE', Gone: 'SKF_API_GONE' };

function check<T>(res: { status: number; body: unknown }, url?: string): T {
  if (res.status < 300) return res.body as T;
  const body = (res.body ?? {}) as { reason?: string; message?: string };
  const code = REASONS[body.reason ?? ''];
  if (code) throw new SkiffError(code, `${body.message ?? body.reason ?? String(res.status)}${url ? ` (${url})` : ''}`);
  throw new Error(`HTTP ${res.status}: ${body.message ?? JSON.stringify(res.body)}`);
}

function query(q: Record<string, string | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

export function httpClient(api: Api): Client {
  const path = (obj: KubeObject, sub = '') => `${collection(obj, obj.metadata.namespace)}/${obj.metadata.name}${sub}`;
  return {
    async get<T extends KubeObject>(type: TypeRef, namespace: string | undefined, name: string) {
      const res = await api.get(`${collection(type, namespace)}/${name}`);
      return res.status === 404 ? undefined : check<T>(res);
    },
    async list<T extends KubeObject>(type: TypeRef, q: ListQuery = {}) {
      const url = `${collection(type, q.namespace)}${query({ labelSelector: q.labelSelector, fieldSelector: q.fieldSelector })}`;
      const res = check<{ items: T[]; metadata: { resourceVersion: string } }>(await api.get(url), url);
      return { items: res.items.map((i) => ({ ...i, apiVersion: type.apiVersion, kind: type.kind })), resourceVersion: res.metadata.resourceVersion } as ObjectList<T>;
    },
    async watch<T extends KubeObject>(type: TypeRef, q: WatchQuery, handlers: WatchHandlers<T>): Promise<ClientWatch> {
      const stream = await api.watch(`${collection(type, q.namespace)}${query({ watch: true, labelSelector: q.labelSelector, fieldSelector: q.fieldSelector, resourceVersion: q.resourceVersion })}`);
      let stopped = false;
      void (async () => {
        for (;;) {
          try {
            const e = await stream.next(3_600_000);
            if (e.type === 'ERROR') return void handlers.onClose(new SkiffError('SKF_API_GONE', String(e.object.message)));
            if (e.type !== 'BOOKMARK') handlers.onEvent({ type: e.type as 'ADDED', object: e.object as unknown as T });
          } catch (err) {
            if (!stopped) handlers.onClose(err as Error);
            return;
          }
        }
      })();
      return { stop: () => { stopped = true; stream.close(); } };
    },
    create: async <T extends KubeObject>(obj: T) => check<T>(await api.request('POST', collection(obj, obj.metadata.namespace), obj)),
    update: async <T extends KubeObject>(obj: T) => check<T>(await api.request('PUT', path(obj), obj)),
    updateStatus: async <T extends KubeObject>(obj: T) => check<T>(await api.request('PUT', path(obj, '/status'), obj)),
    async patch<T extends KubeObject>(type: TypeRef, namespace: string | undefined, name: string, patchType: ClientPatchType, patch: unknown) {
      const contentType = { json: 'application/json-patch+json', merge: 'application/merge-patch+json', strategic: 'application/strategic-merge-patch+json', apply: 'application/apply-patch+yaml' }[patchType];
      return check<T>(await api.request('PATCH', `${collection(type, namespace)}/${name}`, patch, { 'Content-Type': contentType }));
    },
    async delete(type: TypeRef, namespace: string | undefined, name: string) {
      check(await api.request('DELETE', `${collection(type, namespace)}/${name}`));
    },
    createSubresource: () => Promise.reject(new Error('test client: createSubresource is not supported')),
    resourceFor: (type) => Promise.resolve({ plural: pluralOf(type.kind), namespaced: !CLUSTER_SCOPED.has(type.kind) }),
    kinds: () => Promise.resolve([]),
  };
}
