/**
 * Prometheus text exposition (format 0.0.4) of counters, histograms and a gauge, laid out as
 * prom-client's registry writes it — `# HELP`/`# TYPE` for every family, even one without
 * series, histogram buckets cumulative with `le` first, families separated by a blank line —
 * so scrapes read the same as before the queue-proxy counted for itself. Pure.
 */

export interface CountedSeries {
  /** Rendered label pairs (`name="value",…`). */
  readonly labels: string;
  readonly count: number;
  readonly sum: number;
  /** Per-bucket counts (not cumulative), one per bound. */
  readonly buckets: readonly number[];
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'histogram' | 'gauge';
  series?: readonly CountedSeries[];
  /** Histograms: the upper bounds of the buckets. */
  buckets?: readonly number[];
  /** Gauges: the one value, if it was ever set. */
  gauge?: { labels: string; value: number } | undefined;
}

export function renderMetrics(families: readonly MetricFamily[]): string {
  return `${families.map(renderFamily).join('\n')}`;
}

function renderFamily(f: MetricFamily): string {
  let out = `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
  if (f.type === 'gauge') {
    if (f.gauge) out += `${f.name}{${f.gauge.labels}} ${f.gauge.value}\n`;
    return out;
  }
  for (const s of f.series ?? []) {
    if (f.type === 'counter') {
      out += `${f.name}{${s.labels}} ${s.count}\n`;
      continue;
    }
    let cumulative = 0;
    const bounds = f.buckets ?? [];
    for (let i = 0; i < bounds.length; i++) {
      cumulative += s.buckets[i] ?? 0;
      out += `${f.name}_bucket{le="${bounds[i]}",${s.labels}} ${cumulative}\n`;
    }
    out += `${f.name}_bucket{le="+Inf",${s.labels}} ${s.count}\n`;
    out += `${f.name}_sum{${s.labels}} ${s.sum}\n${f.name}_count{${s.labels}} ${s.count}\n`;
  }
  return out;
}

/** HELP text escaping: backslash and newline. */
function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
