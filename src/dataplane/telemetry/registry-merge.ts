/**
 * One stats page for a process that hosts many proxies. Each Envoy serves its own page;
 * here many proxies share a process, so their registries are merged with prom-client's
 * `AggregatorRegistry.aggregate`: series with the same name and labels are summed, since
 * Prometheus rejects a page that repeats a series. `Registry.merge` would not do: it refuses
 * two metrics of the same name.
 */
import { AggregatorRegistry, type Registry } from 'prom-client';

type MetricJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>[number];

/**
 * What must agree for two families of one name to be summed: the type and, for histograms,
 * the bucket bounds (summing `le="5"` of one proxy with `le="10"` of another would make a
 * histogram that is not cumulative).
 */
function shape(m: MetricJson): string {
  const bounds = new Set<string>();
  for (const v of m.values) {
    const le = (v.labels as Record<string, unknown>).le;
    if (le !== undefined) bounds.add(String(le));
  }
  return `${String(m.type)}|${[...bounds].join(',')}`;
}

/**
 * Registries' metrics summed into a new registry (the inputs are not changed). A family
 * whose type or buckets differ from the first one seen under its name is left out.
 */
export async function mergeRegistries(registries: readonly Registry[]): Promise<Registry> {
  const groups = await Promise.all(registries.map((r) => r.getMetricsAsJSON()));
  const firstShape = new Map<string, string>();
  const kept = groups.map((metrics) =>
    metrics.filter((m) => {
      if (m.values.length === 0) return true;
      const s = shape(m);
      const first = firstShape.get(m.name);
      if (first === undefined) firstShape.set(m.name, s);
      return first === undefined || first === s;
    }),
  );
  return AggregatorRegistry.aggregate(kept);
}

/** The Prometheus text of one registry or of several merged. */
export async function renderRegistries(registries: readonly Registry[]): Promise<string> {
  if (registries.length === 0) return '';
  if (registries.length === 1) return registries[0]!.metrics();
  return (await mergeRegistries(registries)).metrics();
}
