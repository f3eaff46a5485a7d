/**
 * Records core/v1 Events the way client-go's event recorder does for the kubelet and the
 * scheduler: one Event object per distinct (source, object, type, reason, message), named
 * `<object>.<hex timestamp>`; a repeat within the cache bumps `count` and `lastTimestamp`
 * on that same object instead of creating a new one (`kubectl describe` then shows
 * "(x5 over 2m)"). Writes are asynchronous and never fail the caller: an event that cannot
 * be written (namespace terminating, object gone) is dropped, as upstream drops it. One
 * writer takes them in order, one at a time, as client-go's broadcaster feeds its sink from a
 * single goroutine: a burst of events never crowds the writes of the work it reports on
 * (a burst of pod starts is not slowed by its own hundreds of Events). Each write also waits
 * for the event loop to have room (util/idle-gate.ts): under load the work goes first and its
 * Events follow — but a run of the writer defers for MAX_DEFER_MS in all, so under sustained
 * load Events are late by that much at most, never starved.
 */
import { performance } from 'node:perf_hooks';
import type { KubeObject } from '../../api/object.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import type { Client } from '../../client/types.ts';
import type { Logger } from '../../util/log.ts';
import { whenIdle } from '../../util/idle-gate.ts';
import { TokenBucket } from '../../util/token-bucket.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  component: string;
  /** The node name, for the kubelet. */
  host?: string;
}

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  /** e.g. `spec.containers{main}` for events about one container. */
  fieldPath?: string;
}

/** The reference an Event about `obj` carries. */
export function involvedObjectOf(obj: KubeObject): InvolvedObject {
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name ?? '', ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}), ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}) };
}

interface Recorded {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

const EVENT = { apiVersion: 'v1', kind: 'Event' } as const;
const CACHE_SIZE = 4096;
/** client-go's broadcaster queue (maxQueuedEvents): past it, new events are dropped, never the caller blocked. */
const MAX_QUEUED = 1000;
/** How long one run of the writer may wait for the event loop to have room (util/idle-gate.ts), in all. */
const MAX_DEFER_MS = 2000;

export class EventRecorder {
  readonly #client: Client;
  readonly #source: EventSource;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #recorded = new Map<string, Recorded>();
  /** Events waiting for the writer, oldest first. */
  readonly #queue: Array<() => Promise<void>> = [];
  /** The writer's run while it has events to write; undefined when idle. */
  #writer: Promise<void> | undefined;
  /** Starts at a random point so two recorders never name an event alike. */
  #sequence = Math.floor(Math.random() * 1_000_000);

  /** Client-side rate limit on the Event writes (the kubelet's eventRecordQPS / eventBurst); none when absent. */
  readonly #limit: TokenBucket | undefined;
  #flushing = 0;

  constructor(client: Client, source: EventSource, log: Logger, now: () => Date = () => new Date(), rateLimit?: { qps: number; burst: number }) {
    this.#client = client;
    this.#source = source;
    this.#log = log;
    this.#now = now;
    this.#limit = rateLimit ? new TokenBucket(rateLimit.qps, rateLimit.burst) : undefined;
  }

  /** Records an event about `obj` (that happened at `time`, default now); returns at once. */
  event(obj: InvolvedObject, type: EventType, reason: string, message: string, time?: Date): void {
    const key = JSON.stringify([obj.apiVersion, obj.kind, obj.namespace ?? '', obj.name, obj.uid ?? '', obj.fieldPath ?? '', type, reason, message]);
    // Names and times are taken now, so events read back in the order they happened.
    const at = time ?? this.#now();
    if (this.#queue.length >= MAX_QUEUED) {
      this.#log.debug({ reason, object: `${obj.namespace}/${obj.name}` }, 'event dropped: the event queue is full');
      return;
    }
    const suffix = this.#uniqueSuffix(at);
    this.#queue.push(() => this.#write(key, obj, type, reason, message, at, suffix).catch((err: unknown) => {
      this.#log.debug({ err, reason, object: `${obj.namespace}/${obj.name}` }, 'event dropped');
    }));
    this.#writer ??= this.#drain();
  }

  /** Resolves once every event recorded so far has been written (or dropped). */
  async flush(): Promise<void> {
    // Flushing writes what waits now, whatever the rate.
    this.#flushing++;
    try {
      while (this.#writer) {
        this.#limit?.releaseAll();
        await this.#writer;
      }
    } finally {
      this.#flushing--;
    }
  }

  async #drain(): Promise<void> {
    const deferUntil = performance.now() + MAX_DEFER_MS;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
        // The Event keeps the time it happened; only its write waits for a token.
        if (this.#limit && this.#flushing === 0) await this.#limit.take();
        // Events are best effort: under load, the work they report on goes first.
        const deferFor = deferUntil - performance.now();
        if (this.#flushing === 0 && deferFor > 0) await whenIdle(deferFor, () => this.#flushing > 0);
        await next();
      }
    } finally {
      this.#writer = undefined;
    }
  }

  async #write(key: string, obj: InvolvedObject, type: EventType, reason: string, message: string, at: Date, suffix: string): Promise<void> {
    const now = at.toISOString().replace(/\.\d+Z$/, 'Z');
    const seen = this.#recorded.get(key);
    if (seen) {
      try {
        await this.#client.patch(EVENT, seen.namespace, seen.name, 'merge', { count: seen.count + 1, lastTimestamp: now });
        seen.count++;
        this.#touch(key, seen);
        return;
      } catch (err) {
        if (!isSkiffError(err, 'SKF_API_NOT_FOUND')) throw err;
        this.#recorded.delete(key);
      }
    }
    const namespace = obj.namespace || 'default';
    const name = `${obj.name}.${suffix}`;
    const event: KubeObject = {
      ...EVENT,
      metadata: { name, namespace },
      involvedObject: stripEmpty({ ...obj }),
      reason,
      message,
      type,
      source: stripEmpty({ component: this.#source.component, host: this.#source.host }),
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      reportingComponent: this.#source.component,
      reportingInstance: this.#source.host ?? '',
    };
    await this.#client.create(event);
    this.#touch(key, { name, namespace, count: 1, firstTimestamp: now });
  }

  /** client-go names events `<object>.<UnixNano as hex>`; a sequence keeps them unique within a nanosecond. */
  #uniqueSuffix(at: Date): string {
    const nanos = BigInt(at.getTime()) * 1_000_000n + BigInt(this.#sequence++ % 1_000_000);
    return nanos.toString(16);
  }

  #touch(key: string, value: Recorded): void {
    this.#recorded.delete(key);
    this.#recorded.set(key, value);
    if (this.#recorded.size > CACHE_SIZE) this.#recorded.delete(this.#recorded.keys().next().value!);
  }
}

function stripEmpty<T extends object>(o: T): T {
  for (const [k, v] of Object.entries(o)) if (v === undefined || v === '') delete (o as Record<string, unknown>)[k];
  return o;
}
