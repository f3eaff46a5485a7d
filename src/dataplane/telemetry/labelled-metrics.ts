/**
 * The per-request half of the proxy's metrics: counters and histograms whose children are
 * bound to one label set, so recording a request is a few additions. prom-client does the
 * rest (the per-proxy Registry, the text exposition, merging proxies' pages): these families
 * join a prom-client Registry through its metric contract, `get()` → name, help, type and
 * values, the same contract prom-client's own `AggregatorRegistry.aggregate` registers.
 *
 * Why not prom-client's Counter/Histogram children: every `inc`/`observe` re-joins all label
 * names and values into a ~1 KB key, re-validates each label name and looks the key up in an
 * object. With Istio's 25 labels that measured ~5.8 µs per counter increment and ~4.2 µs per
 * histogram observation: ~20–30 µs for one request's four metrics, against ~2 µs here
 * (docs/telemetry.md "Why the hot path is our own").
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
  /** Histograms: `<name>_bucket`, `_sum` or `_count`. */
  metricName?: string;
}

abstract class LabelledFamily<Child extends { recorded: boolean }> {
  /** Keyed by the label values joined with NUL, so asking twice returns the same child. */
  private readonly children = new Map<string, Child>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {
    if (!validateMetricName(name)) throw new Error(`invalid metric name ${JSON.stringify(name)}`);
  }

  /** A child bound to these label values (in `labelNames` order); keep it and record into it. */
  labels(...values: string[]): Child {
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

  /** prom-client's metric contract. A child never recorded into has no series yet. */
  get(): Promise<MetricData> {
    const values: MetricSample[] = [];
    for (const c of this.children.values()) if (c.recorded) this.samples(c, values);
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: 'sum', values });
  }

  abstract readonly type: 'counter' | 'histogram';
  protected abstract newChild(labels: Record<string, string>): Child;
  protected abstract samples(child: Child, into: MetricSample[]): void;
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
  protected samples(c: CounterChild, into: MetricSample[]): void {
    into.push({ value: c.value, labels: c.labels });
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
  /** Cumulative buckets with `le` last (as Envoy prints it), then +Inf, `_sum`, `_count`. */
  protected samples(c: HistogramChild, into: MetricSample[]): void {
    const bucket = `${this.name}_bucket`;
    let cumulative = 0;
    this.buckets.forEach((le, i) => {
      cumulative += c.perBucket[i]!;
      into.push({ metricName: bucket, value: cumulative, labels: { ...c.labels, le } });
    });
    into.push({ metricName: bucket, value: c.count, labels: { ...c.labels, le: '+Inf' } });
    into.push({ metricName: `${this.name}_sum`, value: c.sum, labels: c.labels });
    into.push({ metricName: `${this.name}_count`, value: c.count, labels: c.labels });
  }
}
