/**
 * One Store watch over one etcd watch stream, using etcd3's raw gRPC WatchClient rather than
 * its Watcher: the Watcher reconnects silently and swallows the `compact_revision` of a
 * compaction cancel, while the Store contract wants a watch that either delivers every event
 * or ends with an error saying why (SKF_STORE_COMPACTED with the compact revision, or
 * SKF_STORE_UNAVAILABLE), so the API server can end the HTTP watch and let the client resume.
 */
import type { Etcd3, IEvent, IWatchResponse } from 'etcd3';
import { SkiffError } from '../../errors/skiff-error.ts';
import type { Logger } from '../../util/log.ts';
import type { StoreEvent, WatchCallbacks, WatchHandle } from '../types.ts';
import { compactedError, storeUnavailable } from './etcd-errors.ts';
import { decodeValue, prefixRangeEnd } from './etcd-values.ts';

export interface EtcdWatchOptions {
  client: Etcd3;
  endpoints: string;
  prefix: string;
  afterRevision: number;
  callbacks: WatchCallbacks;
  log: Logger;
  /** Told the compact revision etcd reports when it cancels a watch for compaction. */
  onCompacted(compactRevision: number): void;
}

export async function startEtcdWatch(options: EtcdWatchOptions): Promise<WatchHandle> {
  const { client, endpoints, prefix, afterRevision, callbacks } = options;
  let stream: Awaited<ReturnType<Etcd3['watchClient']['watch']>>;
  try {
    stream = await client.watchClient.watch();
  } catch (error) {
    throw storeUnavailable(error, endpoints);
  }

  let state: 'creating' | 'live' | 'ended' = 'creating';
  let settleCreate!: { resolve(): void; reject(error: Error): void };
  const created = new Promise<void>((resolve, reject) => (settleCreate = { resolve, reject }));

  const end = (error: SkiffError | undefined) => {
    const was = state;
    if (was === 'ended') return;
    state = 'ended';
    // Half-close first: etcd3 reports a stream error that arrives while the stream is still
    // writable as a failure of the etcd host, and the CANCELLED error our own cancel() raises
    // would then reset every gRPC client of the host (ending all other watches) and, after
    // three watches ended, open the circuit breaker so every call fails for 5 s. (end() on a
    // stream that already ended or failed does nothing.)
    stream.end();
    stream.cancel();
    if (error === undefined) return;
    if (was === 'creating') settleCreate.reject(error);
    else callbacks.onError(error);
  };

  const compacted = (response: IWatchResponse) => {
    const compactRevision = Number(response.compact_revision);
    options.onCompacted(compactRevision);
    return compactedError(afterRevision, compactRevision, 'watch');
  };

  stream.on('data', (response: IWatchResponse) => {
    if (state === 'ended') return;
    if (response.canceled) {
      const reason = response.cancel_reason === '' ? 'etcd cancelled the watch' : response.cancel_reason;
      end(Number(response.compact_revision) > 0 ? compacted(response) : new SkiffError('SKF_STORE_UNAVAILABLE', `${reason} (etcd at ${endpoints}).`));
      return;
    }
    if (response.created && state === 'creating') {
      state = 'live';
      settleCreate.resolve();
    }
    if (response.events.length === 0) return;
    let events: StoreEvent[];
    try {
      events = response.events.map(toStoreEvent);
    } catch (error) {
      end(error instanceof SkiffError ? error : storeUnavailable(error, endpoints));
      return;
    }
    try {
      callbacks.onEvents(events);
    } catch (error) {
      // A consumer's bug must not tear down the gRPC stream the other watches share.
      options.log.error({ err: error, prefix }, 'a store watch callback threw; the watch continues');
    }
  });
  stream.on('error', (error: Error) => end(storeUnavailable(error, endpoints)));
  stream.on('end', () => end(new SkiffError('SKF_STORE_UNAVAILABLE', `etcd at ${endpoints} closed the watch stream.`)));

  stream.write({
    create_request: {
      key: Buffer.from(prefix),
      range_end: prefixRangeEnd(prefix),
      start_revision: afterRevision + 1,
      prev_kv: true,
    },
  });
  await created;
  return { cancel: () => end(undefined) };
}

function toStoreEvent(event: IEvent): StoreEvent {
  const key = event.kv.key.toString('utf8');
  const modRevision = Number(event.kv.mod_revision);
  const previous = event.prev_kv ?? undefined;
  if (event.type === 'Delete') {
    if (previous === undefined) {
      // etcd keeps the previous version of every key it still has a revision for; without it
      // the history this delete belongs to is gone.
      throw new SkiffError('SKF_STORE_COMPACTED', `etcd sent the delete of ${key} at revision ${modRevision} without its previous value (compacted).`, {
        details: { compactRevision: modRevision },
      });
    }
    return { type: 'delete', key, value: decodeValue(previous.value, key), modRevision, createRevision: Number(previous.create_revision) };
  }
  const put: StoreEvent = { type: 'put', key, value: decodeValue(event.kv.value, key), modRevision, createRevision: Number(event.kv.create_revision) };
  if (previous !== undefined) put.prevValue = decodeValue(previous.value, key);
  return put;
}
