/**
 * config-istio (knative-serving): which Istio Gateways a KIngress's rules bind to, and the
 * Service in front of each (net-istio pkg/reconciler/ingress/config/istio.go). Current
 * keys are YAML lists (`external-gateways`, `local-gateways`); the legacy keys
 * `gateway.<ns>.<name>` / `local-gateway.<ns>.<name>` (value: the Service host) are still
 * read when the list is absent. `"[]"` for both lists is mesh-only mode: no gateways.
 */
import { parse as parseYaml } from 'yaml';

export interface GatewayRef {
  namespace: string;
  name: string;
  /** The gateway Service's host, e.g. istio-ingressgateway.istio-system.svc.cluster.local. */
  service: string;
  /** Only the default gateway (none) is used: skiff does not select gateways by label. */
  labelSelector?: unknown;
}

export interface GatewayConfig {
  external: GatewayRef[];
  local: GatewayRef[];
}

export type ParsedConfig = { ok: true; config: GatewayConfig } | { ok: false; message: string };

export const DEFAULT_EXTERNAL_GATEWAY: GatewayRef = {
  namespace: 'knative-serving', name: 'knative-ingress-gateway', service: 'istio-ingressgateway.istio-system.svc.cluster.local',
};
export const DEFAULT_LOCAL_GATEWAY: GatewayRef = {
  namespace: 'knative-serving', name: 'knative-local-gateway', service: 'knative-local-gateway.istio-system.svc.cluster.local',
};

export const qualifiedName = (g: Pick<GatewayRef, 'namespace' | 'name'>): string => `${g.namespace}/${g.name}`;

/** The gateways without a label selector: the ones every KIngress uses (upstream's default gateway). */
export function defaultGateways(gws: readonly GatewayRef[]): GatewayRef[] {
  return gws.filter((g) => g.labelSelector === undefined);
}

function parseList(raw: string, key: string): GatewayRef[] | string {
  let doc: unknown;
  try {
    doc = parseYaml(raw);
  } catch (err) {
    return `${key}: ${(err as Error).message}`;
  }
  if (doc === null || doc === undefined) return [];
  if (!Array.isArray(doc)) return `${key}: expected a list of gateways`;
  const out: GatewayRef[] = [];
  for (const [i, item] of doc.entries()) {
    const g = item as Partial<GatewayRef> | null;
    if (!g || typeof g.name !== 'string' || typeof g.namespace !== 'string' || typeof g.service !== 'string' || !g.name || !g.namespace || !g.service) {
      return `${key}[${i}]: name, namespace and service are required`;
    }
    out.push({ namespace: g.namespace, name: g.name, service: g.service, ...(g.labelSelector !== undefined ? { labelSelector: g.labelSelector } : {}) });
  }
  // Upstream: at most one gateway may go without a selector (it is the default).
  if (out.length > 0 && defaultGateways(out).length !== 1) return `${key}: exactly one gateway must have no labelSelector (the default)`;
  return out;
}

/** `<prefix>.<ns>.<name>: <host>` entries, sorted by key so the result is stable. */
function parseLegacy(data: Readonly<Record<string, string>>, prefix: string): GatewayRef[] {
  return Object.keys(data).filter((k) => k.startsWith(`${prefix}.`)).sort().flatMap((k) => {
    const parts = k.slice(prefix.length + 1).split('.');
    if (parts.length !== 2 || !parts[0] || !parts[1] || !data[k]) return [];
    return [{ namespace: parts[0], name: parts[1], service: data[k]!.trim() }];
  });
}

function pick(data: Readonly<Record<string, string>>, listKey: string, legacyPrefix: string, fallback: GatewayRef): GatewayRef[] | string {
  if (data[listKey] !== undefined) return parseList(data[listKey]!, listKey);
  const legacy = parseLegacy(data, legacyPrefix);
  return legacy.length > 0 ? legacy : [fallback];
}

/** Parses config-istio's data; an absent ConfigMap is `{}` (the defaults). */
export function parseIstioConfig(data: Readonly<Record<string, string>> = {}): ParsedConfig {
  const external = pick(data, 'external-gateways', 'gateway', DEFAULT_EXTERNAL_GATEWAY);
  if (typeof external === 'string') return { ok: false, message: external };
  const local = pick(data, 'local-gateways', 'local-gateway', DEFAULT_LOCAL_GATEWAY);
  if (typeof local === 'string') return { ok: false, message: local };
  return { ok: true, config: { external, local } };
}

/** The Service host of the default external gateway, or undefined in mesh-only mode. */
export function publicGatewayService(cfg: GatewayConfig): string | undefined {
  return defaultGateways(cfg.external)[0]?.service;
}

export function privateGatewayService(cfg: GatewayConfig): string | undefined {
  return defaultGateways(cfg.local)[0]?.service;
}
