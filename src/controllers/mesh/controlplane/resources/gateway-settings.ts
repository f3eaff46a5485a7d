/**
 * The gateways a control plane installs: `istio-ingressgateway` and `istio-egressgateway`
 * (unless disabled), plus every `additionalIngress`/`additionalEgress` entry whose
 * `enabled` is true. Each gets the chart's labels (`app`, `istio`), overlaid with the
 * labels of `service.metadata.labels` — those select the gateway's pods as well as label
 * its Service, which is how a Gateway's `selector: {knative: ingressgateway}` finds the
 * ingress gateway. An additional gateway's `app` is its name unless its labels set one.
 */
import { type Fields, asArray, asNumber, asRecord, asString } from '../../../../api/mesh/fields.ts';

export interface GatewayPort {
  name?: string;
  port: number;
  targetPort: number | string;
  protocol: string;
  nodePort?: number;
  appProtocol?: string;
}

export interface GatewaySettings {
  name: string;
  type: 'ingress' | 'egress';
  /** The control-plane component the gateway belongs to. */
  component: 'istio-ingress' | 'istio-egress';
  labels: Record<string, string>;
  serviceType: string;
  serviceAnnotations: Record<string, string>;
  ports: GatewayPort[];
  /** Extra proxy environment: ISTIO_META_ROUTER_MODE, ISTIO_META_REQUESTED_NETWORK_VIEW, runtime.container.env. */
  env: Record<string, string>;
  /** A route.openshift.io Route to the gateway's port 8080 (ingress gateways, routeConfig.enabled). */
  route: boolean;
  replicas?: number;
  resources?: Fields;
  image: string;
}

const DEFAULT_PORTS: Record<'ingress' | 'egress', GatewayPort[]> = {
  ingress: [
    { name: 'status-port', port: 15021, targetPort: 15021, protocol: 'TCP' },
    { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
    { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
  ],
  egress: [
    { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
    { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
  ],
};

function strings(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(value) ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

function portsOf(value: unknown, type: 'ingress' | 'egress'): GatewayPort[] {
  const given = asArray(value).map((p) => asRecord(p)).filter((p): p is Fields => p !== undefined && typeof p.port === 'number');
  if (given.length === 0) return DEFAULT_PORTS[type].map((p) => ({ ...p }));
  return given.map((p) => ({
    ...(asString(p.name) ? { name: p.name as string } : {}),
    port: p.port as number,
    targetPort: typeof p.targetPort === 'number' || typeof p.targetPort === 'string' ? p.targetPort : (p.port as number),
    protocol: asString(p.protocol) ?? 'TCP',
    ...(asNumber(p.nodePort) !== undefined ? { nodePort: p.nodePort as number } : {}),
    ...(asString(p.appProtocol) ? { appProtocol: p.appProtocol as string } : {}),
  }));
}

/** The proxy image for a gateway container's runtime settings (its imageRegistry/imageName/imageTag over the mesh's proxy image). */
export type ProxyImage = (container: Fields) => string;

function gatewayOf(name: string, type: 'ingress' | 'egress', config: Fields, proxyImage: ProxyImage): GatewaySettings {
  const service = asRecord(config.service) ?? {};
  const meta = asRecord(service.metadata) ?? {};
  const userLabels = strings(meta.labels);
  const chartLabels = type === 'ingress' ? { app: 'istio-ingressgateway', istio: 'ingressgateway' } : { app: 'istio-egressgateway', istio: 'egressgateway' };
  const labels = { ...chartLabels, ...userLabels, app: userLabels.app ?? name };
  const runtime = asRecord(config.runtime) ?? {};
  const container = asRecord(runtime.container) ?? {};
  const deployment = asRecord(runtime.deployment) ?? {};
  const env: Record<string, string> = { ...strings(container.env) };
  const routerMode = asString(config.routerMode);
  if (routerMode) env.ISTIO_META_ROUTER_MODE = routerMode;
  const view = asArray(config.requestedNetworkView).filter((v): v is string => typeof v === 'string');
  if (type === 'egress' && view.length > 0) env.ISTIO_META_REQUESTED_NETWORK_VIEW = view.join(',');
  const autoscale = asRecord(deployment.autoScaling)?.enabled === true;
  const replicas = asNumber(deployment.replicas);
  const resources = asRecord(container.resources);
  return {
    name,
    type,
    component: type === 'ingress' ? 'istio-ingress' : 'istio-egress',
    labels,
    serviceType: asString(service.type) ?? 'ClusterIP',
    serviceAnnotations: strings(meta.annotations),
    ports: portsOf(service.ports, type),
    env,
    route: type === 'ingress' && asRecord(config.routeConfig)?.enabled !== false,
    ...(autoscale ? {} : { replicas: replicas ?? 1 }),
    ...(resources ? { resources } : {}),
    image: proxyImage(container),
  };
}

export function gatewaysOf(applied: Fields, proxyImage: ProxyImage): GatewaySettings[] {
  const gateways = asRecord(applied.gateways) ?? {};
  if (gateways.enabled === false) return [];
  const out: GatewaySettings[] = [];
  const ingress = asRecord(gateways.ingress) ?? {};
  if (ingress.enabled !== false) out.push(gatewayOf('istio-ingressgateway', 'ingress', ingress, proxyImage));
  const egress = asRecord(gateways.egress) ?? {};
  if (egress.enabled !== false) out.push(gatewayOf('istio-egressgateway', 'egress', egress, proxyImage));
  for (const [type, field] of [['ingress', 'additionalIngress'], ['egress', 'additionalEgress']] as const) {
    const extra = asRecord(gateways[field]) ?? {};
    for (const name of Object.keys(extra).sort()) {
      const config = asRecord(extra[name]) ?? {};
      // Maistra renders an additional gateway only when `enabled` is set to true.
      if (config.enabled === true) out.push(gatewayOf(name, type, config, proxyImage));
    }
  }
  return out;
}
