/**
 * Eventing's admission config from the live ConfigMaps in knative-eventing: config-br-defaults
 * (`default-br-config`), default-ch-webhook (`default-ch-config`), config-features and
 * config-ping-defaults, read the way knative/eventing reads them. A ConfigMap that is absent or
 * does not parse leaves the upstream defaults in place, as the webhook keeps its last good config.
 */
import { parse } from 'yaml';
import type { BrokerClassConfig, EventingConfig } from './config.ts';
import { upstreamEventingConfig } from './config.ts';
import type { Json } from './util/json.ts';
import { isObject } from './util/json.ts';

export interface EventingConfigMaps {
  brDefaults?: Record<string, string>;
  chDefaults?: Record<string, string>;
  features?: Record<string, string>;
  pingDefaults?: Record<string, string>;
}

function parseYaml(text: string | undefined): Json | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    const v: unknown = parse(text);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** One `clusterDefault` / `namespaceDefaults[ns]` entry: class plus an inline KReference and delivery. */
function brokerEntry(v: unknown): BrokerClassConfig | undefined {
  if (!isObject(v)) return undefined;
  const { brokerClass, delivery, disallowDifferentNamespaceConfig, ...rest } = v;
  const ref = Object.fromEntries(Object.entries(rest).filter(([k, x]) => ['apiVersion', 'kind', 'name', 'namespace'].includes(k) && typeof x === 'string')) as Record<string, string>;
  return {
    ...(typeof brokerClass === 'string' ? { brokerClass } : {}),
    ...(Object.keys(ref).length > 0 ? { config: ref } : {}),
    ...(isObject(delivery) ? { delivery } : {}),
    ...(typeof disallowDifferentNamespaceConfig === 'boolean' ? { disallowDifferentNamespaceConfig } : {}),
  };
}

function channelEntry(v: unknown): { apiVersion: string; kind: string; spec?: Json } | undefined {
  if (!isObject(v) || typeof v.apiVersion !== 'string' || typeof v.kind !== 'string') return undefined;
  return { apiVersion: v.apiVersion, kind: v.kind, ...(isObject(v.spec) ? { spec: v.spec } : {}) };
}

function enabled(raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  // IsEnabled: only "enabled" turns a check on; "allowed" and "disabled" leave it off.
  const v = raw.trim().toLowerCase();
  if (v === 'enabled') return true;
  return v === 'disabled' || v === 'allowed' ? false : fallback;
}

export function eventingConfigFromConfigMaps(maps: EventingConfigMaps): EventingConfig {
  const config = upstreamEventingConfig();
  const br = parseYaml(maps.brDefaults?.['default-br-config']);
  if (br) {
    const cluster = brokerEntry(br.clusterDefault);
    const namespaces = isObject(br.namespaceDefaults) ? br.namespaceDefaults : {};
    config.brokerDefaults = {
      ...(cluster ? { clusterDefault: cluster } : {}),
      namespaceDefaults: Object.fromEntries(Object.entries(namespaces).flatMap(([ns, v]) => {
        const e = brokerEntry(v);
        return e ? [[ns, e]] : [];
      })),
    };
  }
  const ch = parseYaml(maps.chDefaults?.['default-ch-config']);
  if (ch) {
    const cluster = channelEntry(ch.clusterDefault);
    const namespaces = isObject(ch.namespaceDefaults) ? ch.namespaceDefaults : {};
    config.channelDefaults = {
      ...(cluster ? { clusterDefault: cluster } : {}),
      namespaceDefaults: Object.fromEntries(Object.entries(namespaces).flatMap(([ns, v]) => {
        const e = channelEntry(v);
        return e ? [[ns, e]] : [];
      })),
    };
  }
  const f = maps.features ?? {};
  config.features = {
    kreferenceGroup: enabled(f['kreference-group'], config.features.kreferenceGroup),
    deliveryRetryAfter: enabled(f['delivery-retryafter'], config.features.deliveryRetryAfter),
    deliveryTimeout: enabled(f['delivery-timeout'], config.features.deliveryTimeout),
    crossNamespaceEventLinks: enabled(f['cross-namespace-event-links'], config.features.crossNamespaceEventLinks),
    newApiServerSourceFilters: enabled(f['new-apiserversource-filters'], config.features.newApiServerSourceFilters),
  };
  const p = maps.pingDefaults ?? {};
  // `dataMaxSize` is the legacy key; `data-max-size` wins when both are set.
  for (const key of ['dataMaxSize', 'data-max-size']) {
    const v = p[key];
    if (v !== undefined && /^-?\d+$/.test(v.trim())) config.pingDataMaxSize = Number(v.trim());
  }
  return config;
}
