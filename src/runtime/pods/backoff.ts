/**
 * The kubelet's back-off (client-go flowcontrol.Backoff) for restarting crashed containers
 * and retrying image pulls: 10 s, doubling to 5 min; an entry untouched for twice the
 * maximum starts over. A container is "in back-off" while less than its current delay has
 * passed since it last finished, which gives the familiar restarts at 0 s, 10 s, 20 s, 40 s…
 */
export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class Backoff {
  readonly #entries = new Map<string, Entry>();
  readonly #initial: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(opts: { initialMs?: number; maxMs?: number; now?: () => number } = {}) {
    this.#initial = opts.initialMs ?? INITIAL_BACKOFF_MS;
    this.#max = opts.maxMs ?? MAX_BACKOFF_MS;
    this.#now = opts.now ?? Date.now;
  }

  /** Records a failure at `eventTime`: the first delay, or twice the last one. */
  next(key: string, eventTime: number): void {
    const entry = this.#entries.get(key);
    if (!entry || this.#expired(eventTime, entry.lastUpdate)) {
      this.#entries.set(key, { backoffMs: this.#initial, lastUpdate: eventTime });
      return;
    }
    entry.backoffMs = Math.min(entry.backoffMs * 2, this.#max);
    entry.lastUpdate = eventTime;
  }

  /** The current delay for `key` (0 without an entry). */
  get(key: string): number {
    return this.#entries.get(key)?.backoffMs ?? 0;
  }

  /** Whether something that happened at `eventTime` is still inside the delay. */
  isInBackOffSince(key: string, eventTime: number): boolean {
    const entry = this.#entries.get(key);
    if (!entry || this.#expired(eventTime, entry.lastUpdate)) return false;
    return this.#now() - eventTime < entry.backoffMs;
  }

  /** Whether less than the delay has passed since the last failure was recorded. */
  isInBackOffSinceUpdate(key: string, eventTime: number): boolean {
    const entry = this.#entries.get(key);
    if (!entry || this.#expired(eventTime, entry.lastUpdate)) return false;
    return eventTime - entry.lastUpdate < entry.backoffMs;
  }

  /** Milliseconds until the back-off counted from the last recorded failure ends (0 if over). */
  remainingSinceUpdate(key: string): number {
    const entry = this.#entries.get(key);
    return entry ? Math.max(0, entry.lastUpdate + entry.backoffMs - this.#now()) : 0;
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }

  /** Drops entries under `prefix` (a pod's containers when the pod goes). */
  forgetPrefix(prefix: string): void {
    for (const key of [...this.#entries.keys()]) if (key.startsWith(prefix)) this.#entries.delete(key);
  }

  #expired(eventTime: number, lastUpdate: number): boolean {
    return eventTime - lastUpdate > 2 * this.#max;
  }
}

/** Go's time.Duration String() for whole seconds and minutes: `10s`, `1m20s`, `5m0s`. */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m${total % 60}s`;
  return `${Math.floor(minutes / 60)}h${minutes % 60}m${total % 60}s`;
}
