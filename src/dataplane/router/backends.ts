/**
 * A route's backends: `spec.to` and `spec.alternateBackends` resolved to the ready
 * endpoints of each Service's EndpointSlices on the route's target port, as the router's
 * endpoints watcher does. `spec.port.targetPort` names an endpoint port (the Service port's
 * name) or gives its number; without it, each endpoint's first port is used.
 */
import type { EndpointSlice } from '../../api/builtin/core/service-view.ts';
import { SERVICE_NAME_LABEL } from '../../api/builtin/core/service-view.ts';
import type { RouterBackend, RouterEndpoint } from './model.ts';

export interface BackendRef {
  name: string;
  weight: number;
}

export function slicesByService(slices: readonly EndpointSlice[]): Map<string, EndpointSlice[]> {
  const map = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const service = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!service) continue;
    const key = `${slice.metadata.namespace ?? ''}/${service}`;
    map.set(key, [...(map.get(key) ?? []), slice]);
  }
  return map;
}

function slicePort(slice: EndpointSlice, targetPort: string | number | undefined): number | undefined {
  const ports = slice.ports ?? [];
  if (targetPort === undefined || targetPort === '') return ports[0]?.port;
  const numeric = typeof targetPort === 'number' ? targetPort : /^\d+$/.test(targetPort) ? Number(targetPort) : undefined;
  const found = numeric !== undefined ? ports.find((p) => p.port === numeric) : ports.find((p) => p.name === targetPort);
  return found?.port;
}

export function resolveEndpoints(slices: readonly EndpointSlice[], targetPort: string | number | undefined): RouterEndpoint[] {
  const seen = new Set<string>();
  const endpoints: RouterEndpoint[] = [];
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    const port = slicePort(slice, targetPort);
    if (port === undefined) continue;
    for (const endpoint of slice.endpoints ?? []) {
      // EndpointSlice semantics: an absent `ready` means ready.
      if (endpoint.conditions?.ready === false) continue;
      const address = endpoint.addresses[0];
      if (!address || seen.has(`${address}:${port}`)) continue;
      seen.add(`${address}:${port}`);
      endpoints.push({ address, port });
    }
  }
  return endpoints.sort((a, b) => (a.address === b.address ? a.port - b.port : a.address < b.address ? -1 : 1));
}

export function resolveBackends(namespace: string, refs: readonly BackendRef[], slices: Map<string, EndpointSlice[]>, targetPort: string | number | undefined): RouterBackend[] {
  return refs.map((ref) => ({
    service: ref.name,
    weight: ref.weight,
    endpoints: resolveEndpoints(slices.get(`${namespace}/${ref.name}`) ?? [], targetPort),
  }));
}
