/**
 * `status.appliedValues`: the control plane in Maistra's v1 shape (`istio` holds the Helm
 * values the charts render from), for the settings skiff honours — the same settings the
 * resource builders read, so the two never disagree.
 */
import type { Fields } from '../../../../api/mesh/fields.ts';
import { injectorValuesOf, meshConfigOf } from './mesh-config.ts';
import type { MeshSettings } from './settings.ts';

export function appliedValuesOf(s: MeshSettings, profiles: readonly string[]): Fields {
  const injector = injectorValuesOf(s);
  const gateways: Fields = { enabled: s.gateways.length > 0 };
  for (const gw of s.gateways) {
    gateways[gw.name] = {
      enabled: true,
      name: gw.name,
      gatewayType: gw.type,
      labels: gw.labels,
      type: gw.serviceType,
      ports: gw.ports,
      ...(Object.keys(gw.env).length > 0 ? { env: gw.env } : {}),
      routeConfig: { enabled: gw.route },
    };
  }
  return {
    istio: {
      ...injector,
      global: { ...(injector.global as Fields), mtls: { enabled: s.mtls, auto: s.autoMtls } },
      meshConfig: meshConfigOf(s),
      gateways,
      pilot: { image: s.pilotImage },
    },
    profiles: [...profiles],
    version: s.version,
  };
}
