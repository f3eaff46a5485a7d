/**
 * The embedded store's in-memory index: the latest value of every key (a Map for point reads,
 * SortedKeys for prefix lists) plus the history window. Both live writes and log replay go
 * through `put`/`remove`, so recovery rebuilds exactly the state the writes produced.
 *
 * It knows nothing of durability or of conflicts: callers validate first, then apply.
 */
import type { KubeObject } from '../../api/object.ts';
import type { ListOptions, StoredValue } from '../types.ts';
import { HistoryWindow, priorState, type HistoryEvent, type PriorState } from './history.ts';
import { SortedKeys, prefixEnd } from './sorted-keys.ts';

export interface ListPage {
  items: StoredValue[];
  more: boolean;
  remaining?: number;
}

export class MemoryState {
  readonly values = new Map<string, StoredValue>();
  readonly history: HistoryWindow;
  private readonly keys = new SortedKeys();
  private applied: number;

  /** @param revision the revision `entries` reflect (0 for an empty store). */
  constructor(revision: number, entries: Iterable<StoredValue> = []) {
    this.applied = revision;
    this.history = new HistoryWindow(revision);
    for (const entry of entries) {
      this.values.set(entry.key, entry);
      this.keys.insert(entry.key);
    }
  }

  /** The revision of the last applied write. */
  get revision(): number {
    return this.applied;
  }

  put(key: string, value: KubeObject): { stored: StoredValue; event: HistoryEvent } {
    const revision = this.applied + 1;
    const previous = this.values.get(key);
    const stored: StoredValue = { key, value, modRevision: revision, createRevision: previous?.createRevision ?? revision };
    this.values.set(key, stored);
    if (previous === undefined) this.keys.insert(key);
    const event: HistoryEvent = {
      type: 'put',
      key,
      value,
      modRevision: revision,
      createRevision: stored.createRevision,
      prevModRevision: previous?.modRevision ?? 0,
    };
    if (previous !== undefined) event.prevValue = previous.value;
    return { stored, event: this.record(event) };
  }

  /** Removes an existing key; the caller has checked that it exists. */
  remove(key: string): { stored: StoredValue; event: HistoryEvent } {
    const previous = this.values.get(key);
    if (previous === undefined) throw new Error(`remove of absent key ${key}`);
    const revision = this.applied + 1;
    this.values.delete(key);
    this.keys.delete(key);
    const stored: StoredValue = { key, value: previous.value, modRevision: revision, createRevision: previous.createRevision };
    const event: HistoryEvent = {
      type: 'delete',
      key,
      value: previous.value,
      modRevision: revision,
      createRevision: previous.createRevision,
      prevModRevision: previous.modRevision,
    };
    return { stored, event: this.record(event) };
  }

  private record(event: HistoryEvent): HistoryEvent {
    this.applied = event.modRevision;
    this.history.append(event);
    return event;
  }

  /** Every current value, in key order (what a snapshot writes). */
  entriesInKeyOrder(): StoredValue[] {
    const entries: StoredValue[] = [];
    this.keys.forEachFrom('', false, (key) => {
      entries.push(this.values.get(key)!);
      return true;
    });
    return entries;
  }

  /** A page of the latest state: stops at `limit` and counts the rest from the key index. */
  listLatest(prefix: string, opts: ListOptions): ListPage {
    const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : Infinity;
    const { start, exclusive } = startOf(prefix, opts.startAfter);
    const items: StoredValue[] = [];
    let more = false;
    this.keys.forEachFrom(start, exclusive, (key) => {
      if (!key.startsWith(prefix)) return false;
      if (items.length === limit) {
        more = true;
        return false;
      }
      items.push(this.values.get(key)!);
      return true;
    });
    if (!more) return { items, more, remaining: 0 };
    const last = items[items.length - 1]!.key;
    return { items, more, remaining: this.keys.countBetween(last, true, prefixEnd(prefix)) };
  }

  /**
   * A page of the state as of `revision` (compactRevision <= revision <= this.revision):
   * the latest state with every later event on a matching key undone.
   */
  listAt(prefix: string, revision: number, opts: ListOptions): ListPage {
    const { start, exclusive } = startOf(prefix, opts.startAfter);
    const inRange = (key: string) => key.startsWith(prefix) && (exclusive ? key > start : key >= start);
    // Walking newest to oldest, the last assignment per key is the state just before the
    // oldest later event: the state at `revision`.
    const rewound = new Map<string, PriorState | undefined>();
    for (let r = this.applied; r > revision; r--) {
      const event = this.history.eventAt(r)!;
      if (inRange(event.key)) rewound.set(event.key, priorState(event));
    }
    const changed = [...rewound.keys()].sort();
    const all: StoredValue[] = [];
    let next = 0;
    const emitChangedBefore = (bound: string | undefined) => {
      while (next < changed.length && (bound === undefined || changed[next]! < bound)) {
        const key = changed[next++]!;
        const state = rewound.get(key);
        if (state !== undefined) all.push({ key, ...state });
      }
    };
    this.keys.forEachFrom(start, exclusive, (key) => {
      if (!key.startsWith(prefix)) return false;
      emitChangedBefore(key);
      if (changed[next] === key) {
        next++;
        const state = rewound.get(key);
        if (state !== undefined) all.push({ key, ...state });
      } else {
        all.push(this.values.get(key)!);
      }
      return true;
    });
    emitChangedBefore(undefined);
    const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : all.length;
    const items = all.slice(0, limit);
    return { items, more: all.length > items.length, remaining: all.length - items.length };
  }
}

function startOf(prefix: string, startAfter: string | undefined): { start: string; exclusive: boolean } {
  if (startAfter !== undefined && startAfter >= prefix) return { start: startAfter, exclusive: true };
  return { start: prefix, exclusive: false };
}
