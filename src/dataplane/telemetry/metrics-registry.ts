/**
 * A small Prometheus registry: counters and histograms with labels, rendered in the text
 * exposition format (0.0.4). One registry per proxy instance; many live in one process, so
 * there is no global default registry.
 *
 * Written here rather than taken from prom-client because the proxy's hot path records
 * every request: a series is looked up by one string key (its label values joined) and
 * its rendered label block is built once, when the series is first seen.
 */

const KEY_SEPARATOR = '\u0000';

/** A series' numbers: a counter's value, or a histogram's per-bucket counts, sum and count. */
export interface SeriesData {
  /** Rendered `name="value",…` (without braces), in the family's label order. */
  labels: string;
  /** Counter: [value]. Histogram: [count in bucket 0 … count in bucket n-1, count above the last bucket, sum, count]. */
  values: number[];
}

export interface MetricFamily {
  name: string;
  type: 'counter' | 'histogram';
  help?: string;
  /** Histograms only: the upper bounds, ascending, without +Inf. */
  buckets?: readonly number[];
  /** Keyed by the label values joined with NUL. */
  series: Map<string, SeriesData>;
}

export function escapeLabelValue(v: string): string {
  if (!/[\\"\n]/.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/**
 * Label values with their lookup key computed once, so recording one request into several
 * metrics that share labels joins the values only once.
 */
export interface LabelSet {
  readonly key: string;
  readonly values: readonly string[];
}

export function labelSet(values: readonly string[]): LabelSet {
  return { key: values.join(KEY_SEPARATOR), values };
}

const asLabelSet = (l: LabelSet | readonly string[]): LabelSet => ('key' in l ? l : labelSet(l));

function renderLabels(names: readonly string[], values: readonly string[]): string {
  let out = '';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out += ',';
    out += `${names[i]}="${escapeLabelValue(values[i] ?? '')}"`;
  }
  return out;
}

abstract class Metric {
  readonly family: MetricFamily;
  constructor(
    readonly labelNames: readonly string[],
    family: Omit<MetricFamily, 'series'>,
  ) {
    this.family = { ...family, series: new Map() };
  }

  protected seriesFor(labels: LabelSet | readonly string[], width: number): SeriesData {
    const { key, values } = asLabelSet(labels);
    let s = this.family.series.get(key);
    if (!s) {
      if (values.length !== this.labelNames.length) {
        throw new Error(`${this.family.name}: ${values.length} label values for ${this.labelNames.length} labels`);
      }
      s = { labels: renderLabels(this.labelNames, values), values: new Array<number>(width).fill(0) };
      this.family.series.set(key, s);
    }
    return s;
  }
}

export class Counter extends Metric {
  constructor(name: string, labelNames: readonly string[], help?: string) {
    super(labelNames, { name, type: 'counter', help });
  }

  /** Adds `amount` (0 still creates the series, as Envoy's counters do). */
  inc(labelValues: LabelSet | readonly string[], amount = 1): void {
    this.seriesFor(labelValues, 1).values[0]! += amount;
  }

  /** The current value of one series (0 when never recorded). */
  get(labelValues: readonly string[]): number {
    return this.family.series.get(labelValues.join(KEY_SEPARATOR))?.values[0] ?? 0;
  }
}

export class Histogram extends Metric {
  private readonly bounds: readonly number[];
  constructor(name: string, labelNames: readonly string[], buckets: readonly number[], help?: string) {
    const sorted = [...buckets].sort((a, b) => a - b);
    super(labelNames, { name, type: 'histogram', help, buckets: sorted });
    this.bounds = sorted;
  }

  observe(labelValues: LabelSet | readonly string[], value: number): void {
    const n = this.bounds.length;
    const s = this.seriesFor(labelValues, n + 3);
    let i = 0;
    while (i < n && value > this.bounds[i]!) i++;
    s.values[i]! += 1;
    s.values[n + 1]! += value;
    s.values[n + 2]! += 1;
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  counter(name: string, labelNames: readonly string[], help?: string): Counter {
    return this.add(new Counter(name, labelNames, help));
  }

  histogram(name: string, labelNames: readonly string[], buckets: readonly number[], help?: string): Histogram {
    return this.add(new Histogram(name, labelNames, buckets, help));
  }

  families(): MetricFamily[] {
    return this.metrics.map((m) => m.family);
  }

  /** The Prometheus text exposition of this registry. */
  render(): string {
    return renderFamilies(this.families());
  }

  private add<M extends Metric>(m: M): M {
    if (this.metrics.some((x) => x.family.name === m.family.name)) {
      throw new Error(`metric ${m.family.name} is already registered`);
    }
    this.metrics.push(m);
    return m;
  }
}

/** Prometheus' number format: integers plainly, `+Inf`/`-Inf`/`NaN` by name. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

/**
 * Renders families in the text format. Like Envoy's `/stats/prometheus`, each family gets a
 * `# TYPE` line (and `# HELP` when it has help text); families without series are left out.
 */
export function renderFamilies(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (f.series.size === 0) continue;
    if (f.help) out.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    out.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.series.values()) {
      if (f.type === 'counter') {
        out.push(`${f.name}{${s.labels}} ${formatNumber(s.values[0]!)}`);
        continue;
      }
      const bounds = f.buckets ?? [];
      const sep = s.labels ? ',' : '';
      let cumulative = 0;
      for (let i = 0; i < bounds.length; i++) {
        cumulative += s.values[i]!;
        out.push(`${f.name}_bucket{${s.labels}${sep}le="${formatNumber(bounds[i]!)}"} ${cumulative}`);
      }
      cumulative += s.values[bounds.length]!;
      out.push(`${f.name}_bucket{${s.labels}${sep}le="+Inf"} ${cumulative}`);
      out.push(`${f.name}_sum{${s.labels}} ${formatNumber(s.values[bounds.length + 1]!)}`);
      out.push(`${f.name}_count{${s.labels}} ${formatNumber(s.values[bounds.length + 2]!)}`);
    }
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}
