/**
 * Telemetry for one proxy instance: its Istio metrics and its access log, fed by one call
 * per finished request or connection. Mesh config may change while the proxy runs (an SMCP
 * edit); `reconfigure` swaps the access-log writer only when its settings changed.
 */
import type { RequestRecord } from '../request-record.ts';
import { AccessLogWriter, type AccessLogSettings, type AccessLogWriterOptions } from './access-log-writer.ts';
import { IstioMetrics, type IstioMetricsOptions } from './istio-metrics.ts';

export interface ProxyTelemetryOptions extends IstioMetricsOptions, AccessLogWriterOptions {
  accessLog?: AccessLogSettings;
}

const sameSettings = (a: AccessLogSettings, b: AccessLogSettings): boolean =>
  (a.accessLogFile ?? '') === (b.accessLogFile ?? '') &&
  (a.accessLogEncoding ?? 'TEXT').toUpperCase() === (b.accessLogEncoding ?? 'TEXT').toUpperCase() &&
  (a.accessLogFormat ?? '') === (b.accessLogFormat ?? '');

export class ProxyTelemetry {
  readonly metrics: IstioMetrics;
  private settings: AccessLogSettings;
  private writer: AccessLogWriter | undefined;

  constructor(private readonly options: ProxyTelemetryOptions = {}) {
    this.metrics = new IstioMetrics(options);
    this.settings = options.accessLog ?? {};
    this.writer = AccessLogWriter.open(this.settings, options);
  }

  /** Records a finished HTTP request or TCP connection in the metrics and the access log. */
  report(record: RequestRecord): void {
    this.metrics.record(record);
    this.writer?.log(record);
  }

  /** Where the access log goes now (undefined when it is off). */
  get accessLogPath(): string | undefined {
    return this.writer?.path;
  }

  /** Applies new mesh-config access-log settings; the old writer is flushed and released. */
  async reconfigure(settings: AccessLogSettings): Promise<void> {
    if (sameSettings(settings, this.settings)) return;
    const old = this.writer;
    this.settings = settings;
    this.writer = AccessLogWriter.open(settings, this.options);
    await old?.close();
  }

  async close(): Promise<void> {
    const w = this.writer;
    this.writer = undefined;
    await w?.close();
  }
}
