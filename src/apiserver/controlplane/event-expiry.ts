/**
 * Events expire, as kube-apiserver's `--event-ttl` (default one hour) makes them: there every
 * write of an Event attaches an etcd lease of that length, so an Event goes an hour after it
 * was last written (a repeated event's count bump renews it) and watchers see it DELETED.
 * skiff's stores have no leases, so the API server sweeps instead: an Event whose last write
 * (the newest of its write times, lastWrittenAt) is older than the TTL is deleted, with
 * its resourceVersion as precondition so that one written meanwhile stays. The sweep runs a
 * tenth of the TTL apart (at most a minute), so an Event outlives its TTL by at most that.
 */
import type { KubeObject } from '../../api/object.ts';
import type { Client, TypeRef } from '../../client/types.ts';
import { isSkiffError } from '../../errors/skiff-error.ts';
import type { Logger } from '../../util/log.ts';

export const EVENT: TypeRef = { apiVersion: 'v1', kind: 'Event' };
export const DEFAULT_EVENT_TTL_MS = 3_600_000;
/** How far ahead of this clock a time may be and still count (another writer's clock). */
const CLOCK_SKEW_MS = 60_000;

/**
 * When an Event was last written, in ms since the epoch: the newest of its managedFields
 * times, its own timestamps (lastTimestamp, eventTime, series.lastObservedTime — a recorder
 * sets them on every write) and its creation. Times in the future (a client's clock, or its
 * own values) are not believed. NaN when it carries no time at all.
 */
export function lastWrittenAt(event: KubeObject, now = Date.now()): number {
  const own = event as KubeObject & { lastTimestamp?: string; eventTime?: string; series?: { lastObservedTime?: string } };
  const times = [event.metadata.creationTimestamp, own.lastTimestamp, own.eventTime, own.series?.lastObservedTime, ...(event.metadata.managedFields ?? []).map((entry) => entry.time)]
    .map((t) => Date.parse(t ?? ''))
    .filter((t) => !Number.isNaN(t) && t <= now + CLOCK_SKEW_MS);
  return times.length === 0 ? Number.NaN : Math.max(...times);
}

/** The Events of `events` whose TTL has run out at `now`. */
export function expiredEvents(events: readonly KubeObject[], now: number, ttlMs: number): KubeObject[] {
  return events.filter((e) => now - lastWrittenAt(e, now) >= ttlMs);
}

export function startEventExpiry(client: Client, opts: { ttlMs: number }, log: Logger): { stop(): Promise<void> } {
  let stopped = false;
  let sweeping: Promise<void> | undefined;
  const sweep = async () => {
    const { items } = await client.list(EVENT);
    for (const event of expiredEvents(items, Date.now(), opts.ttlMs)) {
      if (stopped) return;
      try {
        await client.delete(EVENT, event.metadata.namespace, event.metadata.name!, { preconditions: { resourceVersion: event.metadata.resourceVersion! } });
      } catch (err) {
        // Gone already, or written again since the list: its new lease runs.
        if (!isSkiffError(err, 'SKF_API_NOT_FOUND') && !isSkiffError(err, 'SKF_API_CONFLICT')) throw err;
      }
    }
  };
  const timer = setInterval(() => {
    // A sweep still running (thousands of Events) is not joined by another.
    if (sweeping) return;
    sweeping = sweep()
      .catch((err: unknown) => log.warn({ err }, 'expiring events failed; retrying at the next sweep'))
      .finally(() => (sweeping = undefined));
  }, Math.max(1000, Math.min(60_000, opts.ttlMs / 10)));
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await sweeping;
    },
  };
}
