/**
 * One stats page for a process that hosts many proxies. Each Envoy serves its own page;
 * here many proxies share a process, so their registries are merged into a new prom-client
 * Registry: series with the same name and labels are summed, since Prometheus rejects a page
 * that repeats a series (`Registry.merge` would not do: it refuses two metrics of one name).
 *
 * Families of the same name that cannot be summed (another type, other histogram buckets:
 * adding `le="5"` of one proxy to `le="10"` of another would not be cumulative) are left
 * out; the first one seen wins.
 */
import { AggregatorRegistry, Registry, type Metric } from 'prom-client';
import { LabelledFamily } from './labelled-metrics.ts';

type MetricJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>[number];
/** What prom-client's Registry holds: its own metric classes or anything with `name` and `get()`. */
type Registered = { name: string; get(): Promise<MetricJson> };

/** Type and histogram bounds of a prom-client metric's samples (see the file comment). */
function shape(m: MetricJson): string {
  const bounds = new Set<string>();
  for (const v of m.values) {
    const le = (v.labels as Record<string, unknown>).le;
    if (le !== undefined) bounds.add(String(le));
  }
  return `${String(m.type)}|${[...bounds].join(',')}`;
}

/**
 * Our labelled families (the Istio metrics) are summed series by series and keep their fast
 * rendering. Any other metric goes through prom-client's own `AggregatorRegistry.aggregate`,
 * whose output spells every label out on every line: fine for small metrics, too slow for
 * Istio's 25 labels on every histogram line (docs/telemetry.md "Why the per-request half is our own").
 */
function sumLabelled(families: readonly LabelledFamily[]): LabelledFamily {
  const sum = families[0]!.emptyCopy();
  for (const f of families) if (sum.sameShape(f)) sum.absorb(f);
  return sum;
}

async function aggregateOthers(metrics: readonly Registered[]): Promise<Registered[]> {
  const json = await Promise.all(metrics.map((m) => m.get()));
  const first = json.find((j) => j.values.length > 0);
  const kept = json.filter((j) => j.values.length === 0 || !first || shape(j) === shape(first));
  return AggregatorRegistry.aggregate(kept.map((j) => [j])).getMetricsAsArray() as unknown as Registered[];
}

/** Registries' metrics summed into a new registry (the inputs are not changed). */
export async function mergeRegistries(registries: readonly Registry[]): Promise<Registry> {
  const byName = new Map<string, Registered[]>();
  for (const r of registries) {
    for (const m of r.getMetricsAsArray() as unknown as Registered[]) {
      const group = byName.get(m.name);
      if (group) group.push(m);
      else byName.set(m.name, [m]);
    }
  }
  const merged = new Registry();
  for (const group of byName.values()) {
    if (group.every((m) => m instanceof LabelledFamily)) {
      sumLabelled(group as LabelledFamily[]).registerIn(merged);
      continue;
    }
    for (const m of await aggregateOthers(group)) merged.registerMetric(m as unknown as Metric);
  }
  return merged;
}

/** The Prometheus text of one registry or of several merged. */
export async function renderRegistries(registries: readonly Registry[]): Promise<string> {
  if (registries.length === 0) return '';
  if (registries.length === 1) return registries[0]!.metrics();
  return (await mergeRegistries(registries)).metrics();
}
