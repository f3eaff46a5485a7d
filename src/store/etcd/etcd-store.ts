/**
 * The Store over etcd v3 (the `etcd3` client's raw KV and Watch gRPC clients). Revisions are
 * etcd's own, so several skiff API servers can share one etcd and agree on resourceVersions.
 *
 * Every write is one transaction: its compare is the precondition (key absent for create,
 * key present or at `expectedModRevision` for update/delete), its failure branch reads the
 * key so one round trip tells "not found" from "conflict".
 *
 * etcd3 retries any call that failed with a transient error, writes included; a transaction
 * whose reply was lost would then fail its own precondition and report a false "exists" or
 * "conflict". We turn the client's retries off and retry reads ourselves.
 */
import { CompareResult, CompareTarget, Etcd3, type ICompare, type IOptions, type IRangeRequest, type IRangeResponse, type IRequestOp, type ITxnResponse } from 'etcd3';
import type { KubeObject } from '../../api/object.ts';
import { SkiffError, isSkiffError } from '../../errors/skiff-error.ts';
import type { Logger } from '../../util/log.ts';
import type { ListOptions, ListResult, Store, StoredValue, WatchCallbacks, WatchHandle } from '../types.ts';
import { compactedError, futureRevisionError, isCompactedError, isFutureRevisionError, storeUnavailable } from './etcd-errors.ts';
import { decodeValue, encodeValue, pageStart, prefixRangeEnd, toStoredValue } from './etcd-values.ts';
import { startEtcdWatch } from './etcd-watch.ts';

export interface EtcdStoreOptions {
  /** `host:port` of each member. */
  endpoints: string[];
  log: Logger;
  /** Deadline of each unary call (default 10 s). */
  callTimeoutMs?: number;
}

const READ_ATTEMPTS = 3;
/** A key no API object uses, for calls that only want etcd's response header. */
const PROBE_KEY = Buffer.from([0]);

/**
 * HTTP/2 flow-control window of the etcd connection and its streams. grpc-js keeps HTTP/2's
 * 64 KiB default, and the window reopens only as fast as the event loop reads: with a
 * hundred watch streams of ~1 KiB objects (plus their previous values) the whole connection
 * stalled behind it and watch events arrived seconds late. grpc-go, which Kubernetes' etcd
 * client uses, grows its window up to 16 MiB by bandwidth estimation; this is that ceiling.
 */
const FLOW_CONTROL_WINDOW_BYTES = 16 * 1024 * 1024;

type GlobalPolicy = NonNullable<NonNullable<IOptions['faultHandling']>['global']>;

/** etcd3's global fault policy without retries (it only ever calls `execute`). */
const NO_RETRY = {
  onSuccess: () => ({ dispose() {} }),
  onFailure: () => ({ dispose() {} }),
  execute: (fn: (context: { signal: AbortSignal }) => unknown, signal?: AbortSignal) =>
    Promise.resolve().then(() => fn({ signal: signal ?? new AbortController().signal })),
} as unknown as GlobalPolicy;

/** Connects and checks that etcd answers; SKF_STORE_UNAVAILABLE if it does not. */
export async function openEtcdStore(options: EtcdStoreOptions): Promise<Store> {
  const timeout = options.callTimeoutMs ?? 10_000;
  const client = new Etcd3({
    hosts: options.endpoints.map((endpoint) => `http://${endpoint}`),
    dialTimeout: timeout,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeout }),
    faultHandling: { global: NO_RETRY },
    grpcOptions: { 'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW_BYTES },
  });
  const store = new EtcdStore(client, options.endpoints.join(','), options.log);
  try {
    await store.revision();
  } catch (error) {
    client.close();
    throw error;
  }
  options.log.info({ endpoints: options.endpoints }, 'connected to etcd');
  return store;
}

class EtcdStore implements Store {
  readonly url: string;
  /** The lowest revision etcd can still read, as far as we have seen (1 = never compacted). */
  private lowestReadable = 1;

  constructor(
    private readonly client: Etcd3,
    private readonly endpoints: string,
    private readonly log: Logger,
  ) {
    this.url = `etcd://${endpoints}`;
  }

  async get(key: string): Promise<StoredValue | undefined> {
    const response = await this.range({ key: Buffer.from(key) });
    const kv = response.kvs[0];
    return kv === undefined ? undefined : toStoredValue(kv);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const explicit = opts.revision !== undefined && opts.revision > 0 ? opts.revision : undefined;
    const request: IRangeRequest = { key: pageStart(prefix, opts.startAfter), range_end: prefixRangeEnd(prefix) };
    if (opts.limit !== undefined && opts.limit > 0) request.limit = opts.limit;
    if (explicit !== undefined) request.revision = explicit;
    let response: IRangeResponse;
    try {
      response = await this.range(request);
    } catch (error) {
      if (explicit !== undefined && isCompactedError(error)) throw compactedError(explicit, await this.compactedRevision(), 'list');
      if (explicit !== undefined && isFutureRevisionError(error)) throw futureRevisionError(explicit);
      throw error;
    }
    const items = response.kvs.map(toStoredValue);
    return {
      items,
      revision: explicit ?? Number(response.header.revision),
      more: response.more,
      remaining: Number(response.count) - items.length,
    };
  }

  async create(key: string, value: KubeObject): Promise<StoredValue> {
    const k = Buffer.from(key);
    const response = await this.txn([{ key: k, target: CompareTarget.Create, result: CompareResult.Equal, create_revision: 0 }], { request_put: { key: k, value: encodeValue(value) } });
    if (!response.succeeded) throw new SkiffError('SKF_STORE_KEY_EXISTS', `Key ${key} already exists.`, { details: { key } });
    const revision = Number(response.header.revision);
    return { key, value, modRevision: revision, createRevision: revision };
  }

  async update(key: string, value: KubeObject, expectedModRevision?: number): Promise<StoredValue> {
    const k = Buffer.from(key);
    const response = await this.txn(precondition(k, expectedModRevision), { request_put: { key: k, value: encodeValue(value), prev_kv: true } }, true);
    if (!response.succeeded) throw this.preconditionFailure(key, response, expectedModRevision);
    const previous = response.responses[0]!.response_put.prev_kv;
    return { key, value, modRevision: Number(response.header.revision), createRevision: Number(previous.create_revision) };
  }

  async delete(key: string, expectedModRevision?: number): Promise<StoredValue> {
    const k = Buffer.from(key);
    const response = await this.txn(precondition(k, expectedModRevision), { request_delete_range: { key: k, prev_kv: true } }, true);
    if (!response.succeeded) throw this.preconditionFailure(key, response, expectedModRevision);
    const previous = response.responses[0]!.response_delete_range.prev_kvs[0];
    if (previous === undefined) throw new SkiffError('SKF_STORE_NOT_FOUND', `Key ${key} does not exist.`, { details: { key } });
    return { key, value: decodeValue(previous.value, key), modRevision: Number(response.header.revision), createRevision: Number(previous.create_revision) };
  }

  async watch(prefix: string, afterRevision: number, callbacks: WatchCallbacks): Promise<WatchHandle> {
    // etcd would accept a start one revision below its compact revision and replay from
    // there; the contract (and etcd's dropped tombstones at that revision) say no.
    const compactRevision = await this.compactedRevision();
    if (afterRevision < compactRevision) throw compactedError(afterRevision, compactRevision, 'watch');
    return startEtcdWatch({
      client: this.client,
      endpoints: this.endpoints,
      prefix,
      afterRevision,
      callbacks,
      log: this.log,
      onCompacted: (revision) => this.sawCompaction(revision),
    });
  }

  async revision(): Promise<number> {
    const response = await this.range({ key: PROBE_KEY, count_only: true });
    return Number(response.header.revision);
  }

  /**
   * etcd has no call that reports its compact revision cheaply, so we probe: a read at
   * revision r fails as compacted exactly when r < compact revision. Compaction only moves
   * forward, so one read confirms the last value seen, and a binary search finds a new one.
   */
  async compactedRevision(): Promise<number> {
    let low = this.lowestReadable;
    if (await this.readable(low)) return this.reported();
    let high = await this.revision();
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (await this.readable(middle)) high = middle;
      else low = middle;
    }
    this.sawCompaction(high);
    return this.reported();
  }

  async compact(revision: number): Promise<void> {
    try {
      await this.client.kv.compact({ revision, physical: true });
      this.sawCompaction(revision);
    } catch (error) {
      if (isCompactedError(error)) return; // already compacted at or past `revision`
      if (isFutureRevisionError(error)) throw futureRevisionError(revision);
      throw storeUnavailable(error, this.endpoints);
    }
  }

  async close(): Promise<void> {
    this.client.close();
  }

  private reported(): number {
    // Revision 1 is etcd's empty initial state: readable at 1 means nothing was compacted.
    return this.lowestReadable <= 1 ? 0 : this.lowestReadable;
  }

  private sawCompaction(revision: number): void {
    if (revision > this.lowestReadable) {
      this.lowestReadable = revision;
      this.log.debug({ compactRevision: revision }, 'etcd compaction observed');
    }
  }

  private async readable(revision: number): Promise<boolean> {
    try {
      await this.range({ key: PROBE_KEY, count_only: true, revision });
      return true;
    } catch (error) {
      if (isCompactedError(error)) return false;
      throw error;
    }
  }

  /** A read, retried on transport failures (reads are idempotent); compaction errors pass through. */
  private async range(request: IRangeRequest): Promise<IRangeResponse> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.client.kv.range(request);
      } catch (error) {
        if (isCompactedError(error) || isFutureRevisionError(error)) throw error;
        const mapped = storeUnavailable(error, this.endpoints);
        if (attempt >= READ_ATTEMPTS || !isSkiffError(mapped, 'SKF_STORE_UNAVAILABLE')) throw mapped;
      }
    }
  }

  private async txn(compare: ICompare[], success: IRequestOp, readOnFailure = false): Promise<ITxnResponse> {
    try {
      return await this.client.kv.txn({ compare, success: [success], failure: readOnFailure ? [{ request_range: { key: compare[0]!.key } }] : [] });
    } catch (error) {
      throw storeUnavailable(error, this.endpoints);
    }
  }

  private preconditionFailure(key: string, response: ITxnResponse, expectedModRevision: number | undefined): SkiffError {
    const current = response.responses[0]?.response_range.kvs[0];
    if (current === undefined) return new SkiffError('SKF_STORE_NOT_FOUND', `Key ${key} does not exist.`, { details: { key } });
    const modRevision = Number(current.mod_revision);
    return new SkiffError('SKF_STORE_CONFLICT', `Key ${key} is at revision ${modRevision}, not the expected ${String(expectedModRevision)}.`, {
      details: { key, modRevision, expectedModRevision },
    });
  }
}

/** The compare of an update or delete: the key exists, at `expectedModRevision` if given. */
function precondition(key: Buffer, expectedModRevision: number | undefined): ICompare[] {
  if (expectedModRevision !== undefined) return [{ key, target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: expectedModRevision }];
  return [{ key, target: CompareTarget.Create, result: CompareResult.Greater, create_revision: 0 }];
}
