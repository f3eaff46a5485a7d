/**
 * Which port a gateway listener binds for a Gateway server port (istiod's resolvePorts in
 * pilot/pkg/model/gateway.go). A gateway pod usually sits behind a Service that maps, say,
 * 443 → 8443; a Gateway server on 443 then listens on 8443. With the legacy label selector
 * the first Service port that equals the server port wins; a Service labelled
 * `experimental.istio.io/disable-gateway-port-translation` is ignored (istiod checks only
 * that the label is present), and with no matching Service port the server port is used as-is.
 */
import type { Service, ServicePort } from '../../api/builtin/core/service-view.ts';
import type { Labels } from './istio-specs.ts';

export const DISABLE_PORT_TRANSLATION_LABEL = 'experimental.istio.io/disable-gateway-port-translation';

/** The Services (in the workload's namespace) whose selector picks the gateway workload. */
export function servicesSelecting(services: readonly Service[], namespace: string, labels: Labels): Service[] {
  return services.filter((svc) => {
    if ((svc.metadata.namespace ?? '') !== namespace) return false;
    const selector = svc.spec.selector ?? {};
    const pairs = Object.entries(selector);
    return pairs.length > 0 && pairs.every(([k, v]) => labels[k] === v);
  });
}

/**
 * A numeric target port of a Service port. A named target port needs the pod's container
 * ports; `namedPorts` resolves those (container port name → number).
 */
export function numericTargetPort(port: ServicePort, namedPorts: Readonly<Record<string, number>> = {}): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  return namedPorts[target];
}

export interface PortResolution {
  listenPort: number;
  /** `namespace/name` of the Service whose port mapped it, when one did. */
  viaService?: string;
}

export function resolveGatewayPort(serverPort: number, selectingServices: readonly Service[], namedPorts: Readonly<Record<string, number>> = {}): PortResolution {
  for (const svc of selectingServices) {
    if (svc.metadata.labels?.[DISABLE_PORT_TRANSLATION_LABEL] !== undefined) continue;
    for (const port of svc.spec.ports ?? []) {
      if (port.port !== serverPort) continue;
      const target = numericTargetPort(port, namedPorts);
      if (target !== undefined && target !== 0) return { listenPort: target, viaService: `${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}` };
    }
  }
  return { listenPort: serverPort };
}
