/**
 * The per-request half of the proxy's metrics: counters and histograms whose children are
 * bound to one label set, so recording a request is a few additions. prom-client does the
 * rest (the per-proxy Registry, the text exposition and its escaping): these families join
 * a prom-client Registry through its metric contract, `get()` → name, help, type and values,
 * the same contract prom-client's own `AggregatorRegistry.aggregate` registers.
 *
 * Why not prom-client's Counter/Histogram children: every `inc`/`observe` re-joins all label
 * names and values into a ~1 KB key, re-validates each label name and looks the key up in an
 * object. With Istio's 25 labels that measured 4–6 µs per counter increment or histogram
 * observation: 20–28 µs for one request's four metrics, against 1–2 µs here
 * (docs/telemetry.md "Why the per-request half is our own").
 */
import { validateMetricName, type Metric, type Registry } from 'prom-client';

/** A metric as prom-client's Registry reads it from `get()`. */
export interface MetricData {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  values: MetricSample[];
}

export interface MetricSample {
  value: number;
  labels: Record<string, string | number>;
  /** Labels common to several samples; prom-client prints them after `labels`. */
  sharedLabels?: Record<string, string>;
  /** Histograms: `<name>_bucket`, `_sum` or `_count`. */
  metricName?: string;
}

interface Child {
  recorded: boolean;
  readonly labels: Record<string, string>;
}

export abstract class LabelledFamily<C extends Child = Child> {
  /** Keyed by the label values joined with NUL, so asking twice returns the same child. */
  private readonly children = new Map<string, C>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!validateMetricName(name)) throw new Error(`invalid metric name ${JSON.stringify(name)}`);
  }

  /** A child bound to these label values (in `labelNames` order); keep it and record into it. */
  labels(...values: string[]): C {
    if (values.length !== this.labelNames.length) {
      throw new Error(`${this.name}: ${values.length} label values for ${this.labelNames.length} labels`);
    }
    const key = values.join('\u0000');
    let child = this.children.get(key);
    if (!child) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((n, i) => (labels[n] = values[i]!));
      child = this.newChild(labels);
      this.children.set(key, child);
    }
    return child;
  }

  /** Adds this family to a prom-client registry. */
  registerIn(registry: Registry): void {
    // prom-client types registerMetric for its own classes; its Registry needs only `name` and `get()`.
    registry.registerMetric(this as unknown as Metric);
  }

  /**
   * prom-client's metric contract, read by `Registry.getMetricsAsJSON` (and so by
   * `AggregatorRegistry.aggregate`): every sample carries all its labels. A child never
   * recorded into has no series yet.
   */
  get(): Promise<MetricData> {
    return Promise.resolve(this.data(false));
  }

  /**
   * What `Registry.metrics()` prefers to read: a series' labels go in `sharedLabels`, the
   * child's own object, which prom-client renders once and keeps (a WeakMap by object), so a
   * scrape does not re-escape 25 labels on each of a histogram's 23 lines. Only `le` is
   * formatted per line (prom-client then prints it first, as for its own histograms).
   */
  getForPromString(): Promise<MetricData> {
    return Promise.resolve(this.data(true));
  }

  /** Adds another family's series into this one (same name, labels and buckets). */
  absorb(other: LabelledFamily<C>): void {
    for (const [key, theirs] of other.children) {
      if (!theirs.recorded) continue;
      let mine = this.children.get(key);
      if (!mine) {
        mine = this.newChild(theirs.labels);
        this.children.set(key, mine);
      }
      this.add(mine, theirs);
    }
  }

  private data(shared: boolean): MetricData {
    const values: MetricSample[] = [];
    for (const c of this.children.values()) if (c.recorded) this.samples(c, shared, values);
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum', values };
  }

  abstract readonly type: 'counter' | 'histogram';
  /** True when `other` can be summed into this family (same type, labels and buckets). */
  abstract sameShape(other: LabelledFamily): boolean;
  /** A family like this one with no series, to sum others into. */
  abstract emptyCopy(): LabelledFamily<C>;
  protected abstract newChild(labels: Record<string, string>): C;
  protected abstract add(into: C, from: C): void;
  /** Pushes a child's samples; `shared`: its labels as prom-client's `sharedLabels`. */
  protected abstract samples(child: C, shared: boolean, into: MetricSample[]): void;
}

export class CounterChild {
  recorded = false;
  value = 0;
  constructor(readonly labels: Record<string, string>) {}

  /** Adds `amount` (0 still creates the series, as Envoy's counters do). */
  inc(amount = 1): void {
    this.value += amount;
    this.recorded = true;
  }
}

export class LabelledCounter extends LabelledFamily<CounterChild> {
  readonly type = 'counter';
  protected newChild(labels: Record<string, string>): CounterChild {
    return new CounterChild(labels);
  }
  emptyCopy(): LabelledCounter {
    return new LabelledCounter(this.name, this.help, this.labelNames);
  }
  sameShape(other: LabelledFamily): boolean {
    return other instanceof LabelledCounter && sameList(other.labelNames, this.labelNames);
  }
  protected add(into: CounterChild, from: CounterChild): void {
    into.inc(from.value);
  }
  protected samples(c: CounterChild, shared: boolean, into: MetricSample[]): void {
    into.push(shared ? { value: c.value, labels: {}, sharedLabels: c.labels } : { value: c.value, labels: c.labels });
  }
}

export class HistogramChild {
  recorded = false;
  sum = 0;
  count = 0;
  /** Observations per bucket (not cumulative); the last slot is above the highest bound. */
  readonly perBucket: number[];
  constructor(
    readonly labels: Record<string, string>,
    private readonly bounds: readonly number[],
  ) {
    this.perBucket = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    this.perBucket[i]! += 1;
    this.sum += value;
    this.count += 1;
    this.recorded = true;
  }
}

export class LabelledHistogram extends LabelledFamily<HistogramChild> {
  readonly type = 'histogram';
  readonly buckets: readonly number[];
  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    super(name, help, labelNames);
    this.buckets = [...buckets].sort((a, b) => a - b);
  }
  protected newChild(labels: Record<string, string>): HistogramChild {
    return new HistogramChild(labels, this.buckets);
  }
  emptyCopy(): LabelledHistogram {
    return new LabelledHistogram(this.name, this.help, this.labelNames, this.buckets);
  }
  sameShape(other: LabelledFamily): boolean {
    return other instanceof LabelledHistogram && sameList(other.labelNames, this.labelNames) &&
      sameList(other.buckets, this.buckets);
  }
  protected add(into: HistogramChild, from: HistogramChild): void {
    from.perBucket.forEach((n, i) => (into.perBucket[i]! += n));
    into.sum += from.sum;
    into.count += from.count;
    into.recorded = true;
  }
  /** Cumulative buckets, then +Inf, `_sum` and `_count`, as prom-client's own histograms. */
  protected samples(c: HistogramChild, shared: boolean, into: MetricSample[]): void {
    const line = (metricName: string, value: number, le?: number | string): MetricSample => {
      if (shared) return { metricName, value, labels: le === undefined ? {} : { le }, sharedLabels: c.labels };
      return { metricName, value, labels: le === undefined ? c.labels : { ...c.labels, le } };
    };
    const bucket = `${this.name}_bucket`;
    let cumulative = 0;
    this.buckets.forEach((le, i) => {
      cumulative += c.perBucket[i]!;
      into.push(line(bucket, cumulative, le));
    });
    into.push(line(bucket, c.count, '+Inf'));
    into.push(line(`${this.name}_sum`, c.sum));
    into.push(line(`${this.name}_count`, c.count));
  }
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
