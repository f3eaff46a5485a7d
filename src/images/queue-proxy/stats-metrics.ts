/**
 * The autoscaling metrics endpoint (:9090 `/metrics`): the last report as the Prometheus gauges
 * of upstream's Prometheus stats reporter (pkg/queue/prometheus_stats_reporter.go before
 * v1.7; today's queue-proxy serves the same Stat as protobuf). Rates are per second of the
 * reporting period; the averages are time-weighted. Pure rendering.
 */
import type { RequestStatsReport } from './request-stats.ts';

export interface StatLabels {
  namespace: string;
  configuration: string;
  revision: string;
  pod: string;
}

/** The last report, ready to serve. */
export interface StatSnapshot {
  report: RequestStatsReport;
  /** Seconds the queue-proxy had been up when the report was cut. */
  uptimeSeconds: number;
}

export const EMPTY_REPORT: RequestStatsReport = { averageConcurrency: 0, averageProxiedConcurrency: 0, requestCount: 0, proxiedRequestCount: 0 };

const GAUGES: Array<[name: string, help: string, value: (s: StatSnapshot, periodSeconds: number) => number]> = [
  ['queue_requests_per_second', 'Number of requests per second', (s, p) => s.report.requestCount / p],
  ['queue_proxied_operations_per_second', 'Number of proxied requests per second', (s, p) => s.report.proxiedRequestCount / p],
  ['queue_average_concurrent_requests', 'Number of requests currently being handled by this pod', (s) => s.report.averageConcurrency],
  ['queue_average_proxied_concurrent_requests', 'Number of proxied requests currently being handled by this pod', (s) => s.report.averageProxiedConcurrency],
  ['process_uptime', 'The number of seconds that the process has been up', (s) => s.uptimeSeconds],
];

export function renderStatMetrics(snapshot: StatSnapshot, labels: StatLabels, periodSeconds: number): string {
  const labelText = `destination_configuration="${escape(labels.configuration)}",destination_namespace="${escape(labels.namespace)}",destination_pod="${escape(labels.pod)}",destination_revision="${escape(labels.revision)}"`;
  let out = '';
  for (const [name, help, value] of GAUGES) {
    out += `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name}{${labelText}} ${formatValue(value(snapshot, periodSeconds))}\n`;
  }
  return out;
}

function formatValue(v: number): string {
  return Number.isFinite(v) ? String(v) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
}

/** Prometheus label value escaping: backslash, double quote, newline. */
function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
