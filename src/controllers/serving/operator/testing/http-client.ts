/**
 * Test support: a `Client` over a test skiff's HTTPS API (test/support/api.ts), so the
 * operator runs against a real skiff from a test (a test under src/controllers may not build
 * the in-process client: it would import the store). After revision/testing/http-client.ts,
 * with plurals derived from the kind (every kind the operator touches is `<kind>s`);
 * the two belong in test/support once one owner takes them.
 */
import type { KubeObject } from '../../../../api/object.ts';
import type { ErrorCode } from '../../../../errors/catalog.ts';
import { SkiffError } from '../../../../errors/skiff-error.ts';
import type { Client, ClientPatchType, ClientWatch, ListQuery, ObjectList, TypeRef, WatchHandlers, WatchQuery } from '../../../../client/types.ts';
import type { Api } from '../../../../../test/support/api.ts';

const plural = (kind: string) => (kind === 'Endpoints' ? 'endpoints' : `${kind.toLowerCase()}s`);

function collection(type: TypeRef, namespace: string | undefined): string {
  const base = type.apiVersion.includes('/') ? `/apis/${type.apiVersion}` : `/api/${type.apiVersion}`;
  return `${base}${namespace && type.kind !== 'Namespace' ? `/namespaces/${namespace}` : ''}/${plural(type.kind)}`;
}

const REASONS: Record<string, ErrorCode> = { NotFound: 'SKF_API_NOT_FOUND', AlreadyExists: 'SKF_API_ALREADY_EXISTS', Conflict: 'SKF_API_CONFLICT', Expired: 'SKF_API_GONE', Gone: 'SKF_API_GONE' };

function check<T>(res: { status: number; body: unknown }): T {
  if (res.status < 300) return res.body as T;
  const body = (res.body ?? {}) as { reason?: string; message?: string };
  const code = REASONS[body.reason ?? ''];
  if (code) throw new SkiffError(code, body.message ?? body.reason ?? String(res.status));
  throw new Error(`HTTP ${res.status}: ${body.message ?? JSON.stringify(res.body)}`);
}

const query = (q: Record<string, string | boolean | undefined>): string => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
};

export function httpClient(api: Api): Client {
  const path = (obj: KubeObject, sub = '') => `${collection(obj, obj.metadata.namespace)}/${obj.metadata.name}${sub}`;
  return {
    async get<T extends KubeObject>(type: TypeRef, namespace: string | undefined, name: string) {
      const res = await api.get(`${collection(type, namespace)}/${name}`);
      return res.status === 404 ? undefined : check<T>(res);
    },
    async list<T extends KubeObject>(type: TypeRef, q: ListQuery = {}) {
      const res = check<{ items: T[]; metadata: { resourceVersion: string } }>(await api.get(`${collection(type, q.namespace)}${query({ labelSelector: q.labelSelector, fieldSelector: q.fieldSelector })}`));
      return { items: res.items.map((i) => ({ ...i, apiVersion: type.apiVersion, kind: type.kind })), resourceVersion: res.metadata.resourceVersion } as ObjectList<T>;
    },
    async watch<T extends KubeObject>(type: TypeRef, q: WatchQuery, handlers: WatchHandlers<T>): Promise<ClientWatch> {
      const stream = await api.watch(`${collection(type, q.namespace)}${query({ watch: true, labelSelector: q.labelSelector, fieldSelector: q.fieldSelector, resourceVersion: q.resourceVersion, allowWatchBookmarks: q.allowWatchBookmarks })}`);
      let stopped = false;
      void (async () => {
        for (;;) {
          try {
            const e = await stream.next(3_600_000);
            if (e.type === 'ERROR') {
              handlers.onClose(new SkiffError('SKF_API_GONE', String(e.object.message)));
              return;
            }
            handlers.onEvent({ type: e.type as 'ADDED', object: e.object as unknown as T });
          } catch (err) {
            if (!stopped) handlers.onClose(err as Error);
            return;
          }
        }
      })();
      return { stop: () => { stopped = true; stream.close(); } };
    },
    async create<T extends KubeObject>(obj: T) {
      return check<T>(await api.request('POST', collection(obj, obj.metadata.namespace), obj));
    },
    async update<T extends KubeObject>(obj: T) {
      return check<T>(await api.request('PUT', path(obj), obj));
    },
    async updateStatus<T extends KubeObject>(obj: T) {
      return check<T>(await api.request('PUT', path(obj, '/status'), obj));
    },
    async patch<T extends KubeObject>(type: TypeRef, namespace: string | undefined, name: string, patchType: ClientPatchType, patch: unknown) {
      const contentType = { json: 'application/json-patch+json', merge: 'application/merge-patch+json', strategic: 'application/strategic-merge-patch+json', apply: 'application/apply-patch+yaml' }[patchType];
      return check<T>(await api.request('PATCH', `${collection(type, namespace)}/${name}`, patch, { 'Content-Type': contentType }));
    },
    async delete(type: TypeRef, namespace: string | undefined, name: string) {
      check(await api.request('DELETE', `${collection(type, namespace)}/${name}`));
    },
    createSubresource: () => Promise.reject(new Error('test client: createSubresource is not supported')),
    resourceFor: (type) => Promise.resolve({ plural: plural(type.kind), namespaced: type.kind !== 'Namespace' }),
    kinds: () => Promise.resolve([]),
  };
}
