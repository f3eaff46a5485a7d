/**
 * Kubernetes REST semantics over the Store: create, read, update and delete with
 * resourceVersion concurrency, generation, uid/timestamps, the status subresource,
 * finalizers and graceful deletion, namespace existence and termination, dry-run.
 * Patch and server-side apply build on `update` (patch-service.ts); watch lives in
 * watch-service.ts; list filtering in filters.ts.
 *
 * Objects are stored in their kind's storage version and converted to the version the
 * client asked for on the way out (all multi-version kinds here use `None` conversion:
 * only apiVersion differs).
 */
import type { KindDefinition, KindVersion } from '../../api/kind.ts';
import { storageVersion } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';
import { formatApiVersion, parseApiVersion } from '../../api/object.ts';
import { applyGenerateName } from '../../api/meta/generate-name.ts';
import { GoText } from '../../api/schema/go-format.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import type { Store, StoredValue } from '../../store/types.ts';
import type { Admission } from './admission.ts';
import { alreadyExists, badRequest, conflict, continueExpired, invalid, namespaceNotFound, namespaceTerminating, notFound } from './api-errors.ts';
import { buildFilter } from './filters.ts';
import { collectionPrefix, objectKey } from './keys.ts';
import { ContinueTokenError, decodeContinue, encodeContinue, type ContinueToken } from './continue-token.ts';
import { newUid, nowTimestamp, parseResourceVersion, semanticallyEqual, specChanged, withResourceVersion } from './system-fields.ts';
import type { DeleteOptions, ListOptions, ListResult, RequestContext, Target, WriteOptions } from './types.ts';
import { beginWriteHooks, type WriteHook } from './write-hooks.ts';
import { cloneJson } from '../../util/clone-json.ts';
import { decodeStored } from './stored-decoding.ts';

const NAMESPACES = { group: '', plural: 'namespaces', scope: 'Cluster' } as const;

/** The finalizers the garbage collector honours for foreground and orphan deletion. */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

export interface ObjectServiceDeps {
  store: Store;
  admission: Admission;
  now?: () => Date;
  /** Kind-specific steps around the store write (e.g. Service IP and port allocation). */
  writeHooks?: readonly WriteHook[];
}

export class ObjectService {
  readonly store: Store;
  readonly #admission: Admission;
  readonly #writeHooks: readonly WriteHook[];
  readonly #now: () => Date;

  constructor(deps: ObjectServiceDeps) {
    this.store = deps.store;
    this.#admission = deps.admission;
    this.#writeHooks = deps.writeHooks ?? [];
    this.#now = deps.now ?? (() => new Date());
  }

  // ── reads ──────────────────────────────────────────────────────────────────────────

  async get(t: Target): Promise<KubeObject> {
    const stored = await this.#load(t);
    return toVersion(withResourceVersion(stored.value, stored.modRevision), t.def, t.version);
  }

  async list(t: Target, opts: ListOptions): Promise<ListResult> {
    const matches = buildFilter(t.def, opts.labelSelector, opts.fieldSelector);
    const prefix = collectionPrefix(t.def, t.namespace);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    let startAfter: string | undefined;
    let revision: number | undefined;
    if (opts.continue) {
      if (opts.resourceVersion && opts.resourceVersion !== '0') throw badRequest('specifying resource version is not allowed when using continue');
      const token = continueFrom(opts.continue, prefix);
      startAfter = token.startAfter;
      // rv -1 (offered with a 410): continue at the latest revision, consistent from there.
      if (token.rv > 0) revision = token.rv;
    }
    const items: KubeObject[] = [];
    let listRevision = 0;
    let more = false;
    // Keep reading pages until the filter has let `limit` objects through (selectors are
    // applied here, not in the store) or the collection is exhausted.
    for (;;) {
      const page = await this.store.list(prefix, { ...(limit ? { limit: limit - items.length } : {}), ...(startAfter !== undefined ? { startAfter } : {}), ...(revision !== undefined ? { revision } : {}) }).catch((err: unknown) => {
        if (isSkiffError(err, 'SKF_STORE_COMPACTED') && startAfter !== undefined) throw continueExpired(encodeContinue(startAfter, prefix, -1));
        throw err;
      });
      listRevision = page.revision;
      revision ??= page.revision;
      for (const sv of page.items) {
        const value = decodeStored(t.def, sv.value);
        if (matches(value)) items.push(toVersion(withResourceVersion(value, sv.modRevision), t.def, t.version));
        startAfter = sv.key;
      }
      if (!page.more) break;
      if (limit && items.length >= limit) {
        more = true;
        break;
      }
    }
    const result: ListResult = { items, resourceVersion: String(listRevision) };
    if (more && startAfter !== undefined) result.continue = encodeContinue(startAfter, prefix, revision ?? listRevision);
    return result;
  }

  // ── create ─────────────────────────────────────────────────────────────────────────

  async create(t: Target, body: KubeObject, opts: WriteOptions, ctx: RequestContext): Promise<KubeObject> {
    const obj = this.#prepareIncoming(t, body);
    const meta = obj.metadata;
    // Admission names the object as sent: its generated name does not exist yet.
    const admissionName = meta.name || meta.generateName || 'Unknown';
    if (meta.name === undefined || meta.name === '') {
      if (!applyGenerateName(meta)) throw invalid(t.def, '', [{ type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' }]);
    }
    if (t.name !== undefined && t.name !== meta.name) throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${t.name})`);
    await this.#checkNamespaceAcceptsContent(t.def, meta.namespace, admissionName);

    // Server-owned metadata; whatever the client sent for these is replaced.
    meta.uid = newUid();
    meta.creationTimestamp = nowTimestamp(this.#now());
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (t.def.generation === 'spec') meta.generation = 1;
    else delete meta.generation;
    // With a status subresource, status is written only through /status (CRD strategy).
    if (t.def.subresources.status && t.subresource === undefined) delete obj.status;

    const admitted = await this.#admission.admit(t, obj, { operation: 'create', fieldValidation: opts.fieldValidation ?? 'Warn', fieldManager: opts.fieldManager ?? defaultManager(ctx), now: nowTimestamp(this.#now()), managedFieldsDone: opts.managedFieldsDone ?? false, ...(opts.duplicateFields ? { duplicateFields: opts.duplicateFields } : {}) }, ctx);
    const finishHooks = await beginWriteHooks(this.#writeHooks, { target: t, object: admitted, dryRun: opts.dryRun ?? false });
    try {
      const stored = toStorage(admitted, t.def);
      if (opts.dryRun) return toVersion(stored, t.def, t.version);
      const sv = await this.store.create(objectKey(t.def, meta.namespace, meta.name!), stored);
      return toVersion(withResourceVersion(sv.value, sv.modRevision), t.def, t.version);
    } catch (err) {
      if (isSkiffError(err, 'SKF_STORE_KEY_EXISTS')) throw alreadyExists(t.def, meta.name!);
      throw err;
    } finally {
      finishHooks();
    }
  }

  // ── update ─────────────────────────────────────────────────────────────────────────

  /**
   * A PUT from a client: an update, or — for kinds whose strategy allows create-on-update
   * (Endpoints, Leases, Events, the RBAC kinds) and an object that does not exist — a create,
   * as kube-apiserver's Store.Update does; `created` tells the handler to answer 201.
   */
  async replace(t: Target, body: KubeObject, opts: WriteOptions, ctx: RequestContext): Promise<{ object: KubeObject; created: boolean }> {
    try {
      return { object: await this.update(t, body, opts, ctx), created: false };
    } catch (err) {
      // update() refused a body naming another object already, before looking the object up.
      if (!t.def.createOnUpdate || t.subresource !== undefined || !isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
      return { object: await this.create(t, body, opts, ctx), created: true };
    }
  }

  /**
   * PUT semantics. `mutate` variants (patch, apply, finalizer removal) call `updateWith`
   * instead, which re-reads and retries on internal races.
   */
  async update(t: Target, body: KubeObject, opts: WriteOptions, ctx: RequestContext): Promise<KubeObject> {
    const incoming = this.#prepareIncoming(t, body);
    const name = t.name ?? incoming.metadata.name;
    if (name === undefined) throw badRequest('name is required for an update');
    if (incoming.metadata.name !== undefined && incoming.metadata.name !== name) throw badRequest(`the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`);
    const current = await this.#load({ ...t, name });
    const requested = parseResourceVersion(incoming.metadata.resourceVersion);
    if (requested === undefined) {
      // kube-apiserver lets built-in kinds update unconditionally; custom resources must
      // say which version they replace (apiextensions strategy AllowUnconditionalUpdate).
      // The generic registry names the resource, not the kind, here (`widgets.example.com "x"
      // is invalid`), and the value is Go's %#v of uint64(0).
      if (!t.def.builtin) throw invalid({ kind: t.def.plural, group: t.def.group }, name, [{ type: 'FieldValueInvalid', field: 'metadata.resourceVersion', value: new GoText('0x0'), detail: 'must be specified for an update' }]);
    } else if (requested !== current.modRevision) {
      throw conflict(t.def, name);
    }
    return this.#write(t, current, incoming, opts, ctx);
  }

  /**
   * Read-modify-write with optimistic concurrency, retried on internal races: `mutate`
   * receives the current object (in the client's version) and returns the desired one.
   * Used by PATCH, server-side apply and internal writers.
   */
  async updateWith(t: Target, mutate: (current: KubeObject) => KubeObject, opts: WriteOptions, ctx: RequestContext, precondition?: number): Promise<KubeObject> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.#load(t);
      if (precondition !== undefined && precondition !== current.modRevision) throw conflict(t.def, t.name!);
      const desired = mutate(toVersion(withResourceVersion(current.value, current.modRevision), t.def, t.version));
      // A resourceVersion in the result (e.g. sent in a patch body) is a precondition.
      const wanted = desired.metadata?.resourceVersion;
      if (wanted !== undefined && wanted !== '' && wanted !== String(current.modRevision)) throw conflict(t.def, t.name!);
      try {
        return await this.#write(t, current, this.#prepareIncoming(t, desired), opts, ctx);
      } catch (err) {
        if (attempt < 8 && isSkiffError(err, 'SKF_API_CONFLICT') && precondition === undefined && err.details?.internalRace) continue;
        throw err;
      }
    }
  }

  async #write(t: Target, current: LoadedValue, incoming: KubeObject, opts: WriteOptions, ctx: RequestContext): Promise<KubeObject> {
    const old = current.value;
    const next = this.#mergeForUpdate(t, old, incoming);

    // New finalizers on an object being deleted are refused by admission's ObjectMeta
    // update validation (validateNoNewFinalizers), with every other field error.

    const admitted = await this.#admission.admit(t, next, {
      operation: t.subresource === 'status' ? 'status' : 'update',
      old: toVersion(old, t.def, t.version),
      fieldValidation: opts.fieldValidation ?? 'Warn',
      fieldManager: opts.fieldManager ?? defaultManager(ctx),
      now: nowTimestamp(this.#now()),
      managedFieldsDone: opts.managedFieldsDone ?? false,
      ...(opts.duplicateFields ? { duplicateFields: opts.duplicateFields } : {}),
    }, ctx);
    const finishHooks = await beginWriteHooks(this.#writeHooks, { target: t, object: admitted, old: toVersion(old, t.def, t.version), dryRun: opts.dryRun ?? false });
    try {
      return await this.#commitUpdate(t, current, admitted, opts);
    } finally {
      finishHooks();
    }
  }

  /** The store step of an update: generation, deletion once finalized, no-op detection, the write. */
  async #commitUpdate(t: Target, current: LoadedValue, admitted: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const old = current.value;
    const name = old.metadata.name!;
    const stored = toStorage(admitted, t.def);
    if (t.def.generation === 'spec' && specChanged(old, stored)) stored.metadata.generation = (old.metadata.generation ?? 0) + 1;

    const key = objectKey(t.def, old.metadata.namespace, name);
    // An object being deleted whose last finalizer is gone leaves the store now — unless a
    // grace period still runs (a pod the kubelet is stopping: its status writes must not
    // remove it; the kubelet deletes it with grace 0 at the end), as ShouldDeleteDuringUpdate.
    if (stored.metadata.deletionTimestamp && (stored.metadata.finalizers ?? []).length === 0 && (old.metadata.deletionGracePeriodSeconds ?? 0) === 0 && !this.#waitsForOwnerFinalization(t.def, stored)) {
      if (opts.dryRun) return toVersion(stored, t.def, t.version);
      const deleted = await this.#deleteKey(t.def, key, name, current.modRevision);
      return toVersion(withResourceVersion(stored, deleted.modRevision), t.def, t.version);
    }
    // No change: answer with the current object and keep its resourceVersion, as
    // kube-apiserver's GuaranteedUpdate does, so idempotent writers cause no events.
    if (semanticallyEqual(current.raw, stored)) return toVersion(withResourceVersion(old, current.modRevision), t.def, t.version);
    if (opts.dryRun) return toVersion(stored, t.def, t.version);
    try {
      const sv = await this.store.update(key, stored, current.modRevision);
      return toVersion(withResourceVersion(sv.value, sv.modRevision), t.def, t.version);
    } catch (err) {
      if (isSkiffError(err, 'SKF_STORE_CONFLICT')) {
        const c = conflict(t.def, name);
        (c.details as Record<string, unknown>).internalRace = true;
        throw c;
      }
      if (isSkiffError(err, 'SKF_STORE_NOT_FOUND')) throw notFound(t.def, name);
      throw err;
    }
  }

  /** Combines the stored object with the client's object according to the subresource written. */
  #mergeForUpdate(t: Target, old: KubeObject, incoming: KubeObject): KubeObject {
    const oldMeta = old.metadata;
    if (t.subresource === 'status') {
      // /status changes status only; everything else (metadata included) is the stored one.
      // The stored status is replaced, so only the rest of the stored object is copied.
      const { status: _replaced, ...rest } = old;
      const next: KubeObject = cloneJson(rest);
      if (incoming.status !== undefined) next.status = incoming.status;
      return next;
    }
    if (t.subresource === 'finalize') {
      // namespaces/<name>/finalize changes spec.finalizers only.
      const finalizers = (incoming.spec as { finalizers?: string[] } | undefined)?.finalizers;
      const next = cloneJson(old);
      next.spec = { ...(old.spec as object), ...(finalizers ? { finalizers } : {}) };
      if (!finalizers) delete (next.spec as { finalizers?: string[] }).finalizers;
      return next;
    }
    const next = cloneJson(incoming);
    // System metadata is not the client's to change.
    next.metadata.uid = oldMeta.uid;
    next.metadata.creationTimestamp = oldMeta.creationTimestamp;
    // Cluster-scoped objects have no namespace key at all (an undefined-valued key would be
    // kept by in-memory stores and fail schema validation on the next write).
    if (oldMeta.namespace !== undefined) next.metadata.namespace = oldMeta.namespace;
    else delete next.metadata.namespace;
    if (oldMeta.generation !== undefined) next.metadata.generation = oldMeta.generation;
    else delete next.metadata.generation;
    if (oldMeta.deletionTimestamp) {
      next.metadata.deletionTimestamp = oldMeta.deletionTimestamp;
      if (oldMeta.deletionGracePeriodSeconds !== undefined) next.metadata.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
    } else {
      delete next.metadata.deletionTimestamp;
      delete next.metadata.deletionGracePeriodSeconds;
    }
    delete next.metadata.resourceVersion;
    // With a status subresource, the main resource cannot change status.
    if (t.def.subresources.status) {
      if (old.status === undefined) delete next.status;
      else next.status = cloneJson(old.status);
    }
    return next;
  }

  // ── delete ─────────────────────────────────────────────────────────────────────────

  /**
   * DELETE semantics. Returns the object as it is after the call: gone (final state), or
   * still present with deletionTimestamp set while finalizers (incl. the garbage
   * collector's foreground/orphan ones) or a pod's grace period run.
   */
  async delete(t: Target, opts: DeleteOptions, ctx: RequestContext): Promise<{ object: KubeObject; deleted: boolean }> {
    const name = t.name!;
    for (let attempt = 0; ; attempt++) {
      const current = await this.#load(t);
      const old = current.value;
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== old.metadata.uid) throw conflict(t.def, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
      if (pre?.resourceVersion && pre.resourceVersion !== String(current.modRevision)) throw conflict(t.def, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.modRevision}`);

      const next = cloneJson(old);
      const finalizers = new Set(next.metadata.finalizers ?? []);
      const policy = opts.propagationPolicy ?? 'Background';
      if (policy === 'Foreground') { finalizers.add(FOREGROUND_FINALIZER); finalizers.delete(ORPHAN_FINALIZER); }
      if (policy === 'Orphan') { finalizers.add(ORPHAN_FINALIZER); finalizers.delete(FOREGROUND_FINALIZER); }
      const graceful = this.#gracePeriod(t.def, old, opts);
      const mustWait = finalizers.size > 0 || this.#waitsForOwnerFinalization(t.def, next) || graceful > 0;

      if (!mustWait) {
        if (opts.dryRun) return { object: toVersion(withResourceVersion(old, current.modRevision), t.def, t.version), deleted: true };
        try {
          const gone = await this.#deleteKey(t.def, current.key, name, current.modRevision);
          return { object: toVersion(withResourceVersion(old, gone.modRevision), t.def, t.version), deleted: true };
        } catch (err) {
          if (attempt < 8 && isSkiffError(err, 'SKF_API_CONFLICT')) continue;
          throw err;
        }
      }

      // Graceful path: mark for deletion and let finalizers / the kubelet finish it.
      if (!next.metadata.deletionTimestamp) {
        next.metadata.deletionTimestamp = nowTimestamp(new Date(this.#now().getTime() + graceful * 1000));
        next.metadata.deletionGracePeriodSeconds = graceful;
        if (t.def.generation === 'spec') next.metadata.generation = (next.metadata.generation ?? 0) + 1;
      } else if (graceful < (next.metadata.deletionGracePeriodSeconds ?? Infinity)) {
        // A shorter grace period may cut a pending one short (kubectl delete --grace-period).
        next.metadata.deletionTimestamp = nowTimestamp(new Date(this.#now().getTime() + graceful * 1000));
        next.metadata.deletionGracePeriodSeconds = graceful;
      }
      next.metadata.finalizers = [...finalizers];
      if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
      if (t.def.group === '' && t.def.plural === 'namespaces') next.status = { ...(next.status as object), phase: 'Terminating' };
      if (semanticallyEqual(current.raw, next)) return { object: toVersion(withResourceVersion(old, current.modRevision), t.def, t.version), deleted: false };
      if (opts.dryRun) return { object: toVersion(next, t.def, t.version), deleted: false };
      try {
        const sv = await this.store.update(current.key, next, current.modRevision);
        void ctx;
        return { object: toVersion(withResourceVersion(sv.value, sv.modRevision), t.def, t.version), deleted: false };
      } catch (err) {
        if (attempt < 8 && (isSkiffError(err, 'SKF_STORE_CONFLICT'))) continue;
        if (isSkiffError(err, 'SKF_STORE_NOT_FOUND')) throw notFound(t.def, name);
        throw err;
      }
    }
  }

  /**
   * Seconds a deletion waits before the object may be removed. Only pods bound to a node
   * have a grace period (the kubelet removes them with grace 0 once their containers have
   * stopped); everything else is 0, as in Kubernetes.
   */
  #gracePeriod(def: KindDefinition, obj: KubeObject, opts: DeleteOptions): number {
    if (!(def.group === '' && def.plural === 'pods')) return 0;
    const spec = obj.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
    const phase = (obj.status as { phase?: string } | undefined)?.phase;
    if (!spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    const requested = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, requested);
  }

  /** Namespaces stay until their spec.finalizers (the namespace controller's) are cleared. */
  #waitsForOwnerFinalization(def: KindDefinition, obj: KubeObject): boolean {
    if (!(def.group === '' && def.plural === 'namespaces')) return false;
    return ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length > 0;
  }

  async #deleteKey(def: KindDefinition, key: string, name: string, expected: number): Promise<StoredValue> {
    try {
      return await this.store.delete(key, expected);
    } catch (err) {
      if (isSkiffError(err, 'SKF_STORE_CONFLICT')) throw conflict(def, name);
      if (isSkiffError(err, 'SKF_STORE_NOT_FOUND')) throw notFound(def, name);
      throw err;
    }
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────

  /**
   * The stored object as decoded from storage (`value`: what reads and read-modify-writes
   * start from) beside the stored form itself (`raw`: what a write is compared with to tell a
   * no-op, as GuaranteedUpdate compares the new encoding with the bytes in etcd — so writing
   * back an object whose decoding differs stores the decoded form).
   */
  async #load(t: Target): Promise<LoadedValue> {
    const sv = await this.store.get(objectKey(t.def, t.namespace, t.name!));
    if (!sv) throw notFound(t.def, t.name!);
    return { ...sv, value: decodeStored(t.def, sv.value), raw: sv.value };
  }

  /** Checks apiVersion/kind/namespace of a request body against the URL and normalises them. */
  #prepareIncoming(t: Target, body: KubeObject): KubeObject {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the request body must be a JSON object');
    // A /status write keeps only the body's status (#mergeForUpdate) and reads its metadata:
    // those are copied (an in-process caller keeps its object), the rest is never touched.
    const obj = t.subresource === 'status' ? statusWriteView(body) : cloneJson(body);
    const want = formatApiVersion(t.def.group, t.version.name);
    if (obj.apiVersion !== undefined && obj.apiVersion !== want) {
      const { group } = parseApiVersion(String(obj.apiVersion));
      if (group !== t.def.group || !t.def.versions.some((v) => formatApiVersion(t.def.group, v.name) === obj.apiVersion)) {
        throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
      }
    }
    if (obj.kind !== undefined && obj.kind !== t.def.kind) throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${t.def.kind})`);
    obj.apiVersion = want;
    obj.kind = t.def.kind;
    obj.metadata = obj.metadata && typeof obj.metadata === 'object' ? obj.metadata : {};
    if (t.def.scope === 'Namespaced') {
      if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== '' && t.namespace !== undefined && obj.metadata.namespace !== t.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      const ns = t.namespace ?? obj.metadata.namespace;
      if (!ns) throw badRequest('the namespace of the object must be set');
      obj.metadata.namespace = ns;
    } else {
      delete obj.metadata.namespace;
    }
    return obj;
  }

  async #checkNamespaceAcceptsContent(def: KindDefinition, namespace: string | undefined, name: string): Promise<void> {
    if (def.scope !== 'Namespaced' || namespace === undefined) return;
    const ns = await this.store.get(objectKey(NAMESPACES, undefined, namespace));
    if (!ns) throw namespaceNotFound(namespace);
    if (ns.value.metadata.deletionTimestamp) throw namespaceTerminating(def, name, namespace);
  }
}

function continueFrom(raw: string, prefix: string): ContinueToken {
  try {
    return decodeContinue(raw, prefix);
  } catch (err) {
    if (err instanceof ContinueTokenError) throw badRequest(`invalid continue token: ${err.message}`);
    throw err;
  }
}

function defaultManager(ctx: RequestContext): string {
  return ctx.user;
}

/** A stored object as #load reads it: decoded (`value`) and as stored (`raw`). */
type LoadedValue = StoredValue & { raw: KubeObject };

/** The object as the client's version shows it (None conversion: only apiVersion differs). */
export function toVersion(obj: KubeObject, def: KindDefinition, version: KindVersion): KubeObject {
  const apiVersion = formatApiVersion(def.group, version.name);
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

function toStorage(obj: KubeObject, def: KindDefinition): KubeObject {
  return { ...obj, apiVersion: formatApiVersion(def.group, storageVersion(def).name) };
}

/** The parts of a /status write's body the update uses, copied: the status, and the metadata one level deep (it is normalised in place). */
function statusWriteView(body: KubeObject): KubeObject {
  const view: KubeObject = { ...body };
  if (typeof body.metadata === 'object' && body.metadata !== null && !Array.isArray(body.metadata)) view.metadata = { ...body.metadata };
  if (body.status !== undefined) view.status = cloneJson(body.status);
  return view;
}
