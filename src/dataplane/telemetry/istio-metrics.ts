/**
 * Istio's standard metrics (istio_requests_total and friends) for one proxy instance,
 * recorded from RequestRecords. HTTP records feed the request metrics; TCP records feed
 * the istio_tcp_* counters, either once when the connection ends (`record`) or as it goes
 * (`tcpOpened`, `tcpBytes`, `tcpClosed`), as Istio's stats filter reports long connections.
 */
import type { RequestRecord } from '../request-record.ts';
import { HTTP_LABEL_NAMES, TCP_LABEL_NAMES, httpLabelValues, tcpLabelValues } from './labels.ts';
import { MetricsRegistry, labelSet, type Counter, type Histogram, type LabelSet } from './metrics-registry.ts';

/** Envoy's default histogram buckets, which Istio keeps for all its histograms (ms and bytes). */
export const ISTIO_DEFAULT_BUCKETS: readonly number[] = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000,
  1800000, 3600000,
];

export const ISTIO_METRIC_NAMES = {
  requestsTotal: 'istio_requests_total',
  requestDuration: 'istio_request_duration_milliseconds',
  requestBytes: 'istio_request_bytes',
  responseBytes: 'istio_response_bytes',
  tcpSentBytes: 'istio_tcp_sent_bytes_total',
  tcpReceivedBytes: 'istio_tcp_received_bytes_total',
  tcpOpened: 'istio_tcp_connections_opened_total',
  tcpClosed: 'istio_tcp_connections_closed_total',
} as const;

export interface IstioMetricsOptions {
  /** Bucket overrides per metric name (see `parseHistogramBucketsAnnotation`). */
  buckets?: Readonly<Record<string, readonly number[]>>;
}

export class IstioMetrics {
  readonly registry = new MetricsRegistry();
  private readonly requests: Counter;
  private readonly duration: Histogram;
  private readonly requestBytes: Histogram;
  private readonly responseBytes: Histogram;
  private readonly tcpSent: Counter;
  private readonly tcpReceived: Counter;
  private readonly tcpOpenedTotal: Counter;
  private readonly tcpClosedTotal: Counter;

  constructor(options: IstioMetricsOptions = {}) {
    const n = ISTIO_METRIC_NAMES;
    const buckets = (name: string): readonly number[] => options.buckets?.[name] ?? ISTIO_DEFAULT_BUCKETS;
    const r = this.registry;
    this.requests = r.counter(n.requestsTotal, HTTP_LABEL_NAMES);
    this.duration = r.histogram(n.requestDuration, HTTP_LABEL_NAMES, buckets(n.requestDuration));
    this.requestBytes = r.histogram(n.requestBytes, HTTP_LABEL_NAMES, buckets(n.requestBytes));
    this.responseBytes = r.histogram(n.responseBytes, HTTP_LABEL_NAMES, buckets(n.responseBytes));
    this.tcpSent = r.counter(n.tcpSentBytes, TCP_LABEL_NAMES);
    this.tcpReceived = r.counter(n.tcpReceivedBytes, TCP_LABEL_NAMES);
    this.tcpOpenedTotal = r.counter(n.tcpOpened, TCP_LABEL_NAMES);
    this.tcpClosedTotal = r.counter(n.tcpClosed, TCP_LABEL_NAMES);
  }

  /** Records a finished HTTP request, or a whole TCP connection (opened, bytes, closed). */
  record(rec: RequestRecord): void {
    if (rec.protocol === 'tcp') {
      const labels = labelSet(tcpLabelValues(rec));
      this.tcpOpenedTotal.inc(labels);
      this.addTcpBytes(labels, rec.bytesSent, rec.bytesReceived);
      this.tcpClosedTotal.inc(labels);
      return;
    }
    const labels = labelSet(httpLabelValues(rec));
    this.requests.inc(labels);
    // Envoy records whole milliseconds (the duration truncated), and wire bytes.
    this.duration.observe(labels, Math.max(0, Math.floor(rec.durationMs)));
    this.requestBytes.observe(labels, rec.bytesReceived);
    this.responseBytes.observe(labels, rec.bytesSent);
  }

  /** A TCP connection was established (its peers known); counts istio_tcp_connections_opened_total. */
  tcpOpened(rec: RequestRecord): void {
    this.tcpOpenedTotal.inc(tcpLabelValues(rec));
  }

  /** Bytes moved since the last report of this connection (deltas, not totals). */
  tcpBytes(rec: RequestRecord, sentDelta: number, receivedDelta: number): void {
    this.addTcpBytes(labelSet(tcpLabelValues(rec)), sentDelta, receivedDelta);
  }

  /** The connection ended; counts istio_tcp_connections_closed_total. */
  tcpClosed(rec: RequestRecord): void {
    this.tcpClosedTotal.inc(tcpLabelValues(rec));
  }

  /** The Prometheus text of this proxy's metrics. */
  render(): string {
    return this.registry.render();
  }

  private addTcpBytes(labels: LabelSet, sent: number, received: number): void {
    this.tcpSent.inc(labels, Math.max(0, sent));
    this.tcpReceived.inc(labels, Math.max(0, received));
  }
}

/**
 * Reads the `sidecar.istio.io/statsHistogramBuckets` annotation (`{"istiocustom":[1,5,10]}`,
 * or a prefix naming one metric such as `istiocustom.istio_request_bytes`) into per-metric
 * bucket overrides for the Istio histograms. Malformed input yields no overrides and an error text.
 */
export function parseHistogramBucketsAnnotation(
  value: string | undefined,
): { buckets: Record<string, number[]>; error?: string } {
  const buckets: Record<string, number[]> = {};
  if (!value) return { buckets };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    return { buckets, error: `statsHistogramBuckets is not JSON: ${(e as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { buckets, error: 'statsHistogramBuckets must be an object of prefix to bucket list' };
  }
  const histograms = [ISTIO_METRIC_NAMES.requestDuration, ISTIO_METRIC_NAMES.requestBytes, ISTIO_METRIC_NAMES.responseBytes];
  // More specific prefixes win: apply the shorter ones first.
  const entries = Object.entries(parsed as Record<string, unknown>).sort(([a], [b]) => a.length - b.length);
  for (const [prefix, list] of entries) {
    if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)) {
      return { buckets: {}, error: `statsHistogramBuckets[${JSON.stringify(prefix)}] must be a list of positive numbers` };
    }
    for (const h of histograms) {
      if (`istiocustom.${h}`.startsWith(prefix)) buckets[h] = [...(list as number[])].sort((a, b) => a - b);
    }
  }
  return { buckets };
}
