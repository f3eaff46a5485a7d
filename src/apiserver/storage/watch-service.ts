/**
 * Watches: translate the store's key events into Kubernetes watch events for one
 * collection, honouring resourceVersion semantics (unset/"0" = synthetic ADDED for the
 * current state first; N = changes after N only; too old = one ERROR 410 event), label and
 * field selectors (an object that starts or stops matching becomes ADDED or DELETED for
 * this watcher), bookmarks and timeouts.
 */
import type { KindDefinition } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';
import { formatApiVersion } from '../../api/object.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import type { Store, StoreEvent, WatchHandle as StoreWatchHandle } from '../../store/types.ts';
import { statusFromError } from '../http/status.ts';
import { badRequest, gone } from './api-errors.ts';
import { buildFilter } from './filters.ts';
import { collectionPrefix, objectKey } from './keys.ts';
import { toVersion } from './object-service.ts';
import { decodeStored } from './stored-decoding.ts';
import { parseResourceVersion, withResourceVersion } from './system-fields.ts';
import type { Target, WatchHandle, WatchOptions, WatchSink } from './types.ts';

export interface WatchServiceOptions {
  /** How often to send BOOKMARK events to clients that allow them (kube-apiserver: 1 min). */
  bookmarkIntervalMs?: number;
}

export class WatchService {
  readonly #store: Store;
  readonly #bookmarkIntervalMs: number;
  /** Every open watch, with the kind it serves and how to end it. */
  readonly #open = new Set<{ def: KindDefinition; end(): void }>();
  /** Per kind (`group/plural`) rebuilt by endWatchesOf: the revision before which its watches cannot resume. */
  readonly #rebuiltAt = new Map<string, number>();

  constructor(store: Store, opts: WatchServiceOptions = {}) {
    this.#store = store;
    this.#bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 60_000;
  }

  /**
   * Ends every open watch of the kind served at `group`/`plural`, as their stream ends on the
   * client's side: apiextensions-apiserver tears a custom resource's storage down, watchers
   * included, when its CRD's spec or accepted names change or the CRD goes, so clients list
   * again and see objects as the new schema decodes them. `revision` is the store revision of
   * the CRD write.
   */
  endWatchesOf(group: string, plural: string, revision: number): void {
    // A client resuming from an older resourceVersion gets 410 Expired and lists again, as
    // the kind's new watch cache upstream starts at the rebuild: its objects are to be read
    // anew, decoded by the new schema.
    this.#rebuiltAt.set(`${group}/${plural}`, revision);
    for (const w of [...this.#open]) if (w.def.group === group && w.def.plural === plural) w.end();
  }

  async watch(t: Target, opts: WatchOptions, sink: WatchSink): Promise<WatchHandle> {
    const selectorMatches = buildFilter(t.def, opts.labelSelector, opts.fieldSelector);
    const onlyKey = t.name !== undefined ? objectKey(t.def, t.namespace, t.name) : undefined;
    // Selectors see, and events carry, objects as decoded from storage (stored-decoding.ts).
    const matches = (key: string, obj: KubeObject) => (onlyKey === undefined || key === onlyKey) && selectorMatches(decodeStored(t.def, obj));
    const prefix = collectionPrefix(t.def, t.namespace);
    const view = (obj: KubeObject, rev: number) => toVersion(withResourceVersion(decodeStored(t.def, obj), rev), t.def, t.version);

    const requested = parseResourceVersion(opts.resourceVersion);
    if (Number.isNaN(requested)) throw badRequest(`resourceVersion: Invalid value: "${opts.resourceVersion}": must be a non-negative integer`);

    let lastRevision: number;
    let stopped = false;
    let storeHandle: StoreWatchHandle | undefined;
    const timers: NodeJS.Timeout[] = [];
    const stop = () => {
      if (stopped) return;
      stopped = true;
      this.#open.delete(entry);
      for (const timer of timers) clearTimeout(timer);
      storeHandle?.cancel();
    };
    const entry = { def: t.def, end: () => { if (!stopped) { stop(); sink.close(); } } };
    this.#open.add(entry);
    const fail = (err: unknown) => {
      if (stopped) return;
      sink.send({ type: 'ERROR', object: { ...statusFromError(isSkiffError(err, 'SKF_STORE_COMPACTED') ? tooOld(requested ?? 0, err.details?.compactRevision) : err) } });
      stop();
      sink.close();
    };

    if (requested === undefined || requested === 0) {
      // Synthetic ADDED events for the current state, then everything after that list.
      const initial = await this.#store.list(prefix);
      for (const sv of initial.items) if (matches(sv.key, sv.value)) sink.send({ type: 'ADDED', object: view(sv.value, sv.modRevision) });
      lastRevision = initial.revision;
    } else {
      const rebuilt = this.#rebuiltAt.get(`${t.def.group}/${t.def.plural}`);
      if (rebuilt !== undefined && requested < rebuilt) {
        fail(tooOld(requested, rebuilt));
        return { stop };
      }
      lastRevision = requested;
    }

    const deliver = (events: StoreEvent[]) => {
      if (stopped) return;
      for (const e of events) {
        lastRevision = e.modRevision;
        const now = matches(e.key, e.value);
        if (e.type === 'delete') {
          if (now) sink.send({ type: 'DELETED', object: view(e.value, e.modRevision) });
          continue;
        }
        const before = e.prevValue !== undefined && matches(e.key, e.prevValue);
        if (now && before) sink.send({ type: 'MODIFIED', object: view(e.value, e.modRevision) });
        else if (now) sink.send({ type: 'ADDED', object: view(e.value, e.modRevision) });
        else if (before) sink.send({ type: 'DELETED', object: view(e.prevValue!, e.modRevision) });
      }
    };

    try {
      storeHandle = await this.#store.watch(prefix, lastRevision, { onEvents: deliver, onError: fail });
    } catch (err) {
      if (isSkiffError(err, 'SKF_STORE_COMPACTED')) {
        fail(err);
        return { stop };
      }
      throw err;
    }
    if (stopped) storeHandle.cancel();

    if (opts.allowWatchBookmarks) {
      const apiVersion = formatApiVersion(t.def.group, t.version.name);
      const deadline = opts.timeoutSeconds !== undefined && opts.timeoutSeconds > 0 ? Date.now() + opts.timeoutSeconds * 1000 : undefined;
      const schedule = () => {
        const delay = nextBookmarkDelay(Date.now(), deadline, this.#bookmarkIntervalMs);
        if (delay === undefined) return;
        timers[0] = setTimeout(bookmark, delay);
        timers[0].unref();
      };
      const bookmark = () => {
        if (stopped) return;
        sink.send({ type: 'BOOKMARK', object: { kind: t.def.kind, apiVersion, metadata: { resourceVersion: String(lastRevision) } } });
        schedule();
      };
      schedule();
    }
    if (opts.timeoutSeconds !== undefined && opts.timeoutSeconds > 0) {
      const timer = setTimeout(() => {
        stop();
        sink.close();
      }, opts.timeoutSeconds * 1000);
      timer.unref();
      timers.push(timer);
    }
    return { stop };
  }
}

/**
 * When the next bookmark is due, as kube-apiserver's cache watcher decides it: every
 * interval, and once more 2 s before the watch's deadline so that the client resumes from
 * the newest revision when it re-watches; none once that moment has passed.
 */
export function nextBookmarkDelay(now: number, deadline: number | undefined, intervalMs: number): number | undefined {
  let at = now + intervalMs;
  if (deadline !== undefined) {
    const beforeTimeout = deadline - 2_000;
    if (beforeTimeout < at) at = beforeTimeout;
  }
  return at <= now ? undefined : at - now;
}

function tooOld(requested: number, compactRevision: unknown): Error {
  return gone(`too old resource version: ${requested} (${typeof compactRevision === 'number' ? compactRevision : requested})`);
}
