/**
 * The configuration the Route controller reads from knative-serving's ConfigMaps, parsed as
 * upstream parses it (knative/networking pkg/config/config.go for `config-network`,
 * knative/serving pkg/reconciler/route/config/domain.go for `config-domain`, and the one
 * `config-features` flag routes use). A ConfigMap that does not parse is an error: the
 * controller keeps the last good configuration, as Knative's config store does.
 */
import { parse as parseYaml } from 'yaml';
import { type GoTemplate, parseGoTemplate } from './template.ts';

export const CONFIG_MAPS = { network: 'config-network', domain: 'config-domain', features: 'config-features' } as const;

export const DEFAULT_DOMAIN_TEMPLATE = '{{.Name}}.{{.Namespace}}.{{.Domain}}';
export const DEFAULT_TAG_TEMPLATE = '{{.Tag}}-{{.Name}}';
export const ISTIO_INGRESS_CLASS = 'istio.ingress.networking.knative.dev';
export const CLUSTER_DOMAIN = 'cluster.local';
/** The domain of cluster-local routes, and config-domain's default when no key is selector-less. */
export const CLUSTER_LOCAL_DOMAIN = `svc.${CLUSTER_DOMAIN}`;
/** knative.dev/pkg configmap.ExampleKey: documentation, never configuration. */
const EXAMPLE_KEY = '_example';

export type HttpProtocol = 'enabled' | 'disabled' | 'redirected';

export interface NetworkConfig {
  defaultIngressClass: string;
  domainTemplate: GoTemplate;
  tagTemplate: GoTemplate;
  defaultExternalScheme: string;
  httpProtocol: HttpProtocol;
  rolloutDurationSecs: number;
  externalDomainTLS: boolean;
  systemInternalTLS: boolean;
}

export interface DomainEntry {
  /** Labels a Route must carry for this domain; empty selects every Route. */
  selector: Readonly<Record<string, string>>;
}

export interface DomainConfig {
  domains: ReadonlyMap<string, DomainEntry>;
}

export interface RouteConfig {
  network: NetworkConfig;
  domain: DomainConfig;
  /** config-features `tag-header-based-routing` (Disabled upstream). */
  tagHeaderBasedRouting: boolean;
}

type Data = Readonly<Record<string, string>> | undefined;

/** The last of `keys` present wins, as cm.Parse applies the legacy then the current spelling. */
function pick(data: Data, keys: readonly string[], fallback: string): string {
  let value = fallback;
  for (const k of keys) if (data && Object.hasOwn(data, k)) value = data[k]!;
  return value;
}

function parseBool(data: Data, keys: readonly string[], fallback: boolean): boolean {
  const raw = pick(data, keys, String(fallback));
  // strconv.ParseBool
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  throw new Error(`failed to parse "${keys.at(-1)}": strconv.ParseBool: parsing "${raw}": invalid syntax`);
}

function checkDomainTemplate(t: GoTemplate): void {
  const host = t.execute({ Name: 'foo', Namespace: 'bar', Domain: 'baz.com', Annotations: undefined, Labels: undefined });
  if (host === '') throw new Error('empty hostname');
  const slash = host.search(/[/?#]/);
  if (slash === 0) throw new Error('empty hostname');
  if (slash > 0) throw new Error(`domain template has url path: ${host.slice(slash)}`);
}

export function networkConfigFromData(data: Data): NetworkConfig {
  const rollout = pick(data, ['rolloutDuration', 'rollout-duration'], '0');
  const rolloutDurationSecs = Number(rollout);
  if (!/^[-+]?\d+$/.test(rollout.trim())) throw new Error(`failed to parse "rollout-duration": strconv.Atoi: parsing "${rollout}": invalid syntax`);
  if (rolloutDurationSecs < 0) throw new Error(`rollout-duration must be a positive integer, but was ${rolloutDurationSecs}`);
  const domainTemplate = parseGoTemplate('domain-template', pick(data, ['domainTemplate', 'domain-template'], DEFAULT_DOMAIN_TEMPLATE));
  checkDomainTemplate(domainTemplate);
  const tagTemplate = parseGoTemplate('tag-template', pick(data, ['tagTemplate', 'tag-template'], DEFAULT_TAG_TEMPLATE));
  tagTemplate.execute({ Name: 'foo', Tag: 'v2' });

  let externalDomainTLS = false;
  for (const k of ['autoTLS', 'auto-tls', 'external-domain-tls']) if (data && Object.hasOwn(data, k)) externalDomainTLS = data[k]!.toLowerCase() === 'enabled';

  const protocol = pick(data, ['httpProtocol', 'http-protocol'], '').toLowerCase();
  if (!['', 'enabled', 'disabled', 'redirected'].includes(protocol)) throw new Error(`httpProtocol ${data?.['http-protocol'] ?? protocol} in config-network ConfigMap is not supported`);
  const internal = parseBool(data, ['internal-encryption'], false);
  const systemTls = (data?.['system-internal-tls'] ?? '').toLowerCase();
  if (!['', 'enabled', 'disabled'].includes(systemTls)) throw new Error(`system-internal-tls with value: "${data?.['system-internal-tls']}" in config-network ConfigMap is not supported`);
  return {
    defaultIngressClass: pick(data, ['ingress.class', 'ingress-class'], ISTIO_INGRESS_CLASS),
    domainTemplate,
    tagTemplate,
    defaultExternalScheme: pick(data, ['defaultExternalScheme', 'default-external-scheme'], 'http'),
    httpProtocol: (protocol || 'enabled') as HttpProtocol,
    rolloutDurationSecs,
    externalDomainTLS,
    systemInternalTLS: systemTls === 'enabled' || (systemTls === '' && internal),
  };
}

export function domainConfigFromData(data: Data): DomainConfig {
  const domains = new Map<string, DomainEntry>();
  let hasDefault = false;
  for (const [domain, raw] of Object.entries(data ?? {})) {
    if (domain === EXAMPLE_KEY) continue;
    const parsed = (raw.trim() === '' ? {} : parseYaml(raw)) as { selector?: Record<string, unknown> } | null;
    if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) throw new Error(`config-domain ${domain}: cannot unmarshal ${JSON.stringify(raw)} into a domain configuration`);
    const selector: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed?.selector ?? {})) selector[k] = String(v);
    if (Object.keys(selector).length === 0) hasDefault = true;
    domains.set(domain, { selector });
  }
  if (!hasDefault) domains.set(CLUSTER_LOCAL_DOMAIN, { selector: {} });
  return { domains };
}

export function featuresFromData(data: Data): { tagHeaderBasedRouting: boolean } {
  return { tagHeaderBasedRouting: (data?.['tag-header-based-routing'] ?? '').toLowerCase() === 'enabled' };
}

/** The whole configuration from the three ConfigMaps' data (absent → upstream defaults); throws when one is invalid. */
export function routeConfigFromConfigMaps(maps: { network?: Data; domain?: Data; features?: Data }): RouteConfig {
  return { network: networkConfigFromData(maps.network), domain: domainConfigFromData(maps.domain), ...featuresFromData(maps.features) };
}

export function defaultRouteConfig(): RouteConfig {
  return routeConfigFromConfigMaps({});
}
