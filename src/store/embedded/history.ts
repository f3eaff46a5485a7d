/**
 * The window of recent events that watches resume from and historical lists rewind through.
 * Every write bumps the revision by exactly one, so the events are consecutive and event `r`
 * lives at a computable index: lookups by revision are O(1).
 */
import type { KubeObject } from '../../api/object.ts';
import type { StoreEvent } from '../types.ts';

/** A StoreEvent plus what a historical read needs to undo it. */
export interface HistoryEvent extends StoreEvent {
  /** modRevision of the value before this event; 0 when the event created the key. */
  prevModRevision: number;
}

/** The state of one key before an event: undefined when the key did not exist. */
export interface PriorState {
  value: KubeObject;
  modRevision: number;
  createRevision: number;
}

export class HistoryWindow {
  private events: HistoryEvent[] = [];
  private head = 0;
  private compacted: number;

  /** @param startRevision the revision the window starts after (events <= it are gone). */
  constructor(startRevision: number) {
    this.compacted = startRevision;
  }

  /** Every event with revision <= this has been dropped. */
  get compactRevision(): number {
    return this.compacted;
  }

  get length(): number {
    return this.events.length - this.head;
  }

  /** The revision of the newest event held (compactRevision when empty). */
  get newestRevision(): number {
    return this.compacted + this.length;
  }

  append(event: HistoryEvent): void {
    if (event.modRevision !== this.newestRevision + 1) {
      throw new Error(`history must be consecutive: got revision ${event.modRevision} after ${this.newestRevision}`);
    }
    this.events.push(event);
  }

  eventAt(revision: number): HistoryEvent | undefined {
    if (revision <= this.compacted || revision > this.newestRevision) return undefined;
    return this.events[this.head + revision - this.compacted - 1];
  }

  /** Drops every event with revision <= `revision` (no-op for revisions already gone). */
  compact(revision: number): void {
    if (revision <= this.compacted) return;
    if (revision > this.newestRevision) {
      // Compacting past the newest event: nothing older than `revision` remains to be read.
      this.events = [];
      this.head = 0;
      this.compacted = revision;
      return;
    }
    this.head += revision - this.compacted;
    this.compacted = revision;
    // Reclaim the dropped prefix once it dominates, so the array does not grow forever.
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }

  /** Events with from < revision <= to, oldest first. */
  slice(from: number, to: number): HistoryEvent[] {
    const start = Math.max(from, this.compacted);
    const end = Math.min(to, this.newestRevision);
    if (end <= start) return [];
    return this.events.slice(this.head + start - this.compacted, this.head + end - this.compacted);
  }
}

/** The state a key had just before `event`. */
export function priorState(event: HistoryEvent): PriorState | undefined {
  if (event.type === 'delete') {
    return { value: event.value, modRevision: event.prevModRevision, createRevision: event.createRevision };
  }
  if (event.prevValue === undefined) return undefined;
  return { value: event.prevValue, modRevision: event.prevModRevision, createRevision: event.createRevision };
}
