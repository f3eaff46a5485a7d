/**
 * The pod annotations Istio's injection sets besides the status (Istio 1.20's template with
 * Istio CNI, as Maistra runs it), and the Prometheus merge:
 *
 * - `traffic.sidecar.istio.io/*` and `sidecar.istio.io/interceptionMode`: the pod's own value,
 *   else the injector values' default. With CNI there is no istio-init container; the CNI
 *   plugin reads these annotations to set up interception. skiff has neither iptables nor
 *   CNI: its data plane reads the same annotations (the proxy sees them in
 *   /etc/istio/pod/annotations, the istio-podinfo volume, as Istio's agent does).
 * - `kubectl.kubernetes.io/default-container` and `default-logs-container`: the first app
 *   container, so `kubectl logs`/`exec` without `-c` keep reaching the app.
 * - Prometheus merge (MeshConfig `enablePrometheusMerge`, pod annotation
 *   `prometheus.istio.io/merge-metrics`): the scrape annotations point at the agent's merged
 *   endpoint (15020 `/stats/prometheus`); the app's own go to the sidecar's
 *   `ISTIO_PROMETHEUS_ANNOTATIONS` so the agent can scrape the app.
 */
import type { Fields } from '../../api/mesh/fields.ts';
import { asRecord, asString } from '../../api/mesh/fields.ts';
import { parseGoBool } from './sidecar-injection-probes.ts';

const T = 'traffic.sidecar.istio.io';

/** Istio's excludeInboundPort: the status port is always excluded from inbound capture (appended). */
export function excludeInboundPorts(statusPort: string, excluded: string): string {
  const port = statusPort.trim();
  if (port === '' || port === '0') return excluded;
  const list = excluded.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (list.includes(port)) return excluded;
  return [...list, port].join(',');
}

/** The interception annotations (pod value first, then the values' default). */
export function trafficAnnotations(annotations: Record<string, string>, proxyValues: Fields, interceptionMode: string, statusPort: string): Record<string, string> {
  const pick = (key: string, valuesKey: string): string | undefined => {
    const v = annotations[`${T}/${key}`] ?? valueString(proxyValues[valuesKey]);
    return v === undefined || v === '' ? undefined : v;
  };
  const out: Record<string, string> = { 'sidecar.istio.io/interceptionMode': interceptionMode };
  const set = (key: string, v: string | undefined) => {
    if (v !== undefined) out[`${T}/${key}`] = v;
  };
  set('includeOutboundIPRanges', pick('includeOutboundIPRanges', 'includeIPRanges'));
  set('excludeOutboundIPRanges', pick('excludeOutboundIPRanges', 'excludeIPRanges'));
  set('includeInboundPorts', pick('includeInboundPorts', 'includeInboundPorts'));
  out[`${T}/excludeInboundPorts`] = excludeInboundPorts(statusPort, annotations[`${T}/excludeInboundPorts`] ?? valueString(proxyValues.excludeInboundPorts) ?? '');
  set('includeOutboundPorts', pick('includeOutboundPorts', 'includeOutboundPorts'));
  set('excludeOutboundPorts', pick('excludeOutboundPorts', 'excludeOutboundPorts'));
  if (annotations[`${T}/kubevirtInterfaces`]) out[`${T}/kubevirtInterfaces`] = annotations[`${T}/kubevirtInterfaces`]!;
  return out;
}

function valueString(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return asString(v);
}

/** The default-container annotations, unless the pod set them. */
export function defaultContainerAnnotations(annotations: Record<string, string>, firstAppContainer: string | undefined): Record<string, string> {
  if (!firstAppContainer) return {};
  const out: Record<string, string> = {};
  for (const key of ['kubectl.kubernetes.io/default-logs-container', 'kubectl.kubernetes.io/default-container']) {
    if (annotations[key] === undefined) out[key] = firstAppContainer;
  }
  return out;
}

const PROMETHEUS_KEYS = ['scrape', 'path', 'port'] as const;

export interface PrometheusMerge {
  /** The annotations after the merge (replacing the app's prometheus.io/* ones). */
  annotations: Record<string, string>;
  /** ISTIO_PROMETHEUS_ANNOTATIONS for the sidecar, when the app had scrape settings. */
  appScrape?: string;
}

/** Istio's applyPrometheusMerge; undefined when the merge does not apply. */
export function prometheusMerge(annotations: Record<string, string>, meshConfig: Fields, statusPort: string): PrometheusMerge | undefined {
  const scrape = annotations['prometheus.io/scrape'];
  if (scrape !== undefined && parseGoBool(scrape) === false) return undefined;
  const perPod = annotations['prometheus.istio.io/merge-metrics'];
  const enabled = (perPod !== undefined ? parseGoBool(perPod) : undefined) ?? (meshConfig.enablePrometheusMerge !== false);
  if (!enabled) return undefined;
  // Already pointing at the agent: the user (or an earlier injection) set it up.
  if (annotations['prometheus.io/port'] === statusPort) return undefined;
  const app: Fields = {};
  for (const k of PROMETHEUS_KEYS) app[k] = annotations[`prometheus.io/${k}`] ?? '';
  const hadAny = PROMETHEUS_KEYS.some((k) => annotations[`prometheus.io/${k}`] !== undefined);
  const merged = Object.fromEntries(Object.entries(annotations).filter(([k]) => !k.startsWith('prometheus.io/')));
  Object.assign(merged, { 'prometheus.io/port': statusPort, 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/scrape': 'true' });
  return { annotations: merged, ...(hadAny ? { appScrape: JSON.stringify(app) } : {}) };
}

/** `proxy.istio.io/config` is a ProxyConfig in YAML or JSON; it is laid over the mesh's defaultConfig. */
export function mergeProxyConfig(defaultConfig: Fields, override: Fields | undefined): Fields {
  if (!override) return defaultConfig;
  const out: Fields = { ...defaultConfig };
  for (const [k, v] of Object.entries(override)) {
    const base = asRecord(out[k]);
    const over = asRecord(v);
    out[k] = base && over ? mergeProxyConfig(base, over) : v;
  }
  return out;
}
