/**
 * What the net-istio controller reads from the cluster besides the KIngress, pure: the
 * default ingress class (config-network), the gateways per visibility (config-istio), the
 * gateway Services behind them, and whether Secret informer filtering is on (seed 1.7: env
 * `ENABLE_SECRET_INFORMER_FILTERING_BY_CERT_UID=true` on the net-istio-controller
 * Deployment, as the OpenShift operator sets it).
 */
import type { KubeObject } from '../../../api/object.ts';
import type { Service } from '../../../api/builtin/core/service-view.ts';
import { CLUSTER_DOMAIN, ISTIO_INGRESS_CLASS } from './kingress.ts';
import { defaultGateways, qualifiedName, type GatewayConfig } from './config-istio.ts';
import type { GatewayService } from './tls-gateways.ts';
import type { GatewaysByVisibility } from './virtual-services.ts';

export const NET_ISTIO_DEPLOYMENT = 'net-istio-controller';
export const SECRET_FILTERING_ENV = 'ENABLE_SECRET_INFORMER_FILTERING_BY_CERT_UID';

/** config-network `ingress-class` (legacy `ingress.class`), else net-istio's own class. */
export function defaultIngressClass(configNetwork: KubeObject | undefined): string {
  const data = (configNetwork?.data ?? {}) as Record<string, string>;
  return data['ingress-class'] || data['ingress.class'] || ISTIO_INGRESS_CLASS;
}

export function secretFilteringEnabled(deployment: KubeObject | undefined): boolean {
  const containers = ((deployment?.spec as { template?: { spec?: { containers?: Array<{ env?: Array<{ name: string; value?: string }> }> } } } | undefined)?.template?.spec?.containers) ?? [];
  return containers.some((c) => (c.env ?? []).some((e) => e.name === SECRET_FILTERING_ENV && (e.value ?? '').toLowerCase() === 'true'));
}

/** The qualified names of the default gateways, per visibility (plus extra external ones: per-ingress TLS gateways). */
export function gatewaysByVisibility(cfg: GatewayConfig, extraExternal: readonly string[] = []): GatewaysByVisibility {
  return {
    ExternalIP: [...defaultGateways(cfg.external).map(qualifiedName), ...extraExternal],
    ClusterLocal: defaultGateways(cfg.local).map(qualifiedName),
  };
}

/** `name.ns.svc.cluster.local` (or `name.ns`) → namespace and name; undefined for anything else. */
export function parseServiceHost(host: string): { namespace: string; name: string } | undefined {
  const short = host.endsWith(`.svc.${CLUSTER_DOMAIN}`) ? host.slice(0, -`.svc.${CLUSTER_DOMAIN}`.length) : host.endsWith('.svc') ? host.slice(0, -4) : host;
  const parts = short.split('.');
  return parts.length === 2 && parts[0] && parts[1] ? { name: parts[0], namespace: parts[1] } : undefined;
}

/** The external gateway Services (for per-ingress TLS gateways): their selectors pick the gateway pods. */
export function externalGatewayServices(cfg: GatewayConfig, services: readonly Service[]): GatewayService[] | string {
  const out: GatewayService[] = [];
  for (const g of defaultGateways(cfg.external)) {
    const ref = parseServiceHost(g.service);
    const svc = ref && services.find((s) => s.metadata.namespace === ref.namespace && s.metadata.name === ref.name);
    if (!ref || !svc) return `failed to get gateway service ${g.service}`;
    out.push({ namespace: ref.namespace, name: ref.name, selector: { ...(svc.spec.selector ?? {}) } });
  }
  return out;
}
