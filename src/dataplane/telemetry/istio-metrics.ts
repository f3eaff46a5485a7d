/**
 * Istio's standard metrics (istio_requests_total and friends) for one proxy instance,
 * recorded from RequestRecords into a prom-client Registry of its own. HTTP records feed the
 * request metrics; TCP records feed the istio_tcp_* counters, either once when the
 * connection ends (`record`) or as it goes (`tcpOpened`, `tcpBytes`, `tcpClosed`), as Istio's
 * stats filter reports long connections.
 */
import { Registry } from 'prom-client';
import type { RequestRecord, WorkloadPeer } from '../request-record.ts';
import { HTTP_LABEL_NAMES, TCP_LABEL_NAMES, httpLabelValues, responseFlagsString, serviceHostFallback, tcpLabelValues } from './labels.ts';
import {
  LabelledCounter, LabelledHistogram, type CounterChild, type HistogramChild,
} from './labelled-metrics.ts';

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

type Family = LabelledCounter | LabelledHistogram;

/** One HTTP label set's children, found with one lookup per request for all four metrics. */
interface HttpSeries {
  requests: CounterChild;
  duration: HistogramChild;
  requestBytes: HistogramChild;
  responseBytes: HistogramChild;
}

interface TcpSeries {
  sent: CounterChild;
  received: CounterChild;
  opened: CounterChild;
  closed: CounterChild;
}

/** Joins label values into one cache key; NUL cannot occur in a meaningful label value. */
const seriesKey = (values: readonly string[]): string => values.join('\u0000');

export class IstioMetrics {
  /** This proxy's registry (never prom-client's global one: many proxies share a process). */
  readonly registry = new Registry();
  private readonly requests: LabelledCounter;
  private readonly duration: LabelledHistogram;
  private readonly requestBytes: LabelledHistogram;
  private readonly responseBytes: LabelledHistogram;
  private readonly tcpSent: LabelledCounter;
  private readonly tcpReceived: LabelledCounter;
  private readonly tcpOpenedTotal: LabelledCounter;
  private readonly tcpClosedTotal: LabelledCounter;
  private readonly httpSeries = new Map<string, HttpSeries>();
  private readonly tcpSeries = new Map<string, TcpSeries>();
  /** Families with at least one series: only they are in the registry (see `activate`). */
  private readonly active = new Set<Family>();

  constructor(options: IstioMetricsOptions = {}) {
    const n = ISTIO_METRIC_NAMES;
    const buckets = (name: string): readonly number[] => options.buckets?.[name] ?? ISTIO_DEFAULT_BUCKETS;
    const histogram = (name: string, help: string): LabelledHistogram =>
      new LabelledHistogram(name, help, HTTP_LABEL_NAMES, buckets(name));
    const tcpCounter = (name: string, help: string): LabelledCounter => new LabelledCounter(name, help, TCP_LABEL_NAMES);
    this.requests = new LabelledCounter(n.requestsTotal, 'Requests handled by the proxy.', HTTP_LABEL_NAMES);
    this.duration = histogram(n.requestDuration, 'Request durations in milliseconds.');
    this.requestBytes = histogram(n.requestBytes, 'Request sizes in bytes.');
    this.responseBytes = histogram(n.responseBytes, 'Response sizes in bytes.');
    this.tcpSent = tcpCounter(n.tcpSentBytes, 'Bytes sent to the client over TCP.');
    this.tcpReceived = tcpCounter(n.tcpReceivedBytes, 'Bytes received from the client over TCP.');
    this.tcpOpenedTotal = tcpCounter(n.tcpOpened, 'TCP connections opened.');
    this.tcpClosedTotal = tcpCounter(n.tcpClosed, 'TCP connections closed.');
  }

  /** Records a finished HTTP request, or a whole TCP connection (opened, bytes, closed). */
  record(rec: RequestRecord): void {
    if (rec.protocol === 'tcp') {
      const s = this.tcpSeriesFor(rec);
      this.activate(this.tcpOpenedTotal);
      s.opened.inc();
      this.addTcpBytes(s, rec.bytesSent, rec.bytesReceived);
      this.activate(this.tcpClosedTotal);
      s.closed.inc();
      return;
    }
    const s = this.httpSeriesFor(rec);
    s.requests.inc();
    // Envoy records whole milliseconds (the duration truncated), and wire bytes.
    s.duration.observe(Math.max(0, Math.floor(rec.durationMs)));
    s.requestBytes.observe(rec.bytesReceived);
    s.responseBytes.observe(rec.bytesSent);
  }

  /** A TCP connection was established (its peers known); counts istio_tcp_connections_opened_total. */
  tcpOpened(rec: RequestRecord): void {
    this.activate(this.tcpOpenedTotal);
    this.tcpSeriesFor(rec).opened.inc();
  }

  /** Bytes moved since the last report of this connection (deltas, not totals). */
  tcpBytes(rec: RequestRecord, sentDelta: number, receivedDelta: number): void {
    this.addTcpBytes(this.tcpSeriesFor(rec), sentDelta, receivedDelta);
  }

  /** The connection ended; counts istio_tcp_connections_closed_total. */
  tcpClosed(rec: RequestRecord): void {
    this.activate(this.tcpClosedTotal);
    this.tcpSeriesFor(rec).closed.inc();
  }

  /** The Prometheus text of this proxy's metrics. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  private addTcpBytes(s: TcpSeries, sent: number, received: number): void {
    this.activate(this.tcpSent);
    this.activate(this.tcpReceived);
    // An increment of 0 still creates the series, as Envoy's counters do.
    s.sent.inc(Math.max(0, sent));
    s.received.inc(Math.max(0, received));
  }

  /**
   * The label values are a function of the two peers and a few short fields; the peers are
   * shared objects (the proxy's own workload, one per endpoint), never mutated, so they key
   * by identity and only the short fields make a string: no 25-value join per request.
   */
  private readonly seriesByPeers = new WeakMap<WorkloadPeer, WeakMap<WorkloadPeer, Map<string, HttpSeries>>>();

  private httpSeriesFor(rec: RequestRecord): HttpSeries {
    let byDestination = this.seriesByPeers.get(rec.source);
    if (!byDestination) this.seriesByPeers.set(rec.source, (byDestination = new WeakMap()));
    let byRest = byDestination.get(rec.destination);
    if (!byRest) byDestination.set(rec.destination, (byRest = new Map()));
    const flags = responseFlagsString(rec.responseFlags);
    // Without a service host a client sidecar's labels name the request's Host (labels.ts): it keys the series then.
    const fallback = serviceHostFallback(rec);
    const service = fallback !== undefined ? `\u0001${fallback}` : rec.destinationService ?? '';
    const rest = `${rec.responseCode ?? 0} ${flags} ${rec.reporter} ${rec.connectionSecurityPolicy} ${rec.requestProtocol ?? rec.protocol} ${rec.grpcResponseStatus ?? ''}\u0000${service}\u0000${rec.destinationServiceName ?? ''}\u0000${rec.destinationServiceNamespace ?? ''}`;
    let s = byRest.get(rest);
    if (!s) byRest.set(rest, (s = this.httpSeriesByLabels(rec)));
    return s;
  }

  private httpSeriesByLabels(rec: RequestRecord): HttpSeries {
    const values = httpLabelValues(rec);
    const key = seriesKey(values);
    let s = this.httpSeries.get(key);
    if (!s) {
      s = {
        requests: this.requests.labels(...values),
        duration: this.duration.labels(...values),
        requestBytes: this.requestBytes.labels(...values),
        responseBytes: this.responseBytes.labels(...values),
      };
      this.httpSeries.set(key, s);
      // Every HTTP record feeds all four families, so they start together.
      for (const f of [this.requests, this.duration, this.requestBytes, this.responseBytes]) this.activate(f);
    }
    return s;
  }

  private tcpSeriesFor(rec: RequestRecord): TcpSeries {
    const values = tcpLabelValues(rec);
    const key = seriesKey(values);
    let s = this.tcpSeries.get(key);
    if (!s) {
      s = {
        sent: this.tcpSent.labels(...values),
        received: this.tcpReceived.labels(...values),
        opened: this.tcpOpenedTotal.labels(...values),
        closed: this.tcpClosedTotal.labels(...values),
      };
      this.tcpSeries.set(key, s);
    }
    return s;
  }

  /**
   * Envoy creates a stat when it is first recorded, so its page never lists a family
   * without series (prom-client's Registry would print a bare `# TYPE` for one). A family
   * therefore joins the registry on its first series; ours are re-added in name order so the
   * page's order does not depend on which record came first (at most once per family).
   * Metrics someone else registered here stay.
   */
  private activate(f: Family): void {
    if (this.active.has(f)) return;
    this.active.add(f);
    for (const m of this.active) this.registry.removeSingleMetric(m.name);
    for (const m of [...this.active].sort((a, b) => (a.name < b.name ? -1 : 1))) m.registerIn(this.registry);
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
