/**
 * What the EndpointSlice mirroring controller wants for one Endpoints object
 * (pkg/controller/endpointslicemirroring: desiredCalc, addressToEndpoint, epPortsToEpsPorts).
 *
 * Kubernetes' EndpointSlice controller only serves Services with a selector; for the others
 * (a user, or Knative's ServerlessService controller, writes the Endpoints by hand) this
 * controller copies the Endpoints into EndpointSlices, so that every consumer of slices
 * (kube-proxy, skiff's service proxy and gateways) sees them. Each subset's addresses become
 * endpoints `ready: true`, its notReadyAddresses endpoints `ready: false`, grouped by address
 * family and port set; at most 1000 addresses of a subset are mirrored, invalid IPs skipped.
 */
import type { EndpointPort, SliceEndpoint } from '../../../../api/builtin/core/service-view.ts';
import { parseIPFamily } from '../../../../api/builtin/util/names.ts';
import { portsKey } from '../../endpointslice/resources/slices.ts';
import type { EndpointAddress, Endpoints, EndpointsPort } from '../../endpoints/resources/endpoints.ts';

export const MIRRORING_CONTROLLER_NAME = 'endpointslicemirroring-controller.k8s.io';
/** discovery.LabelSkipMirror: the Endpoints' owner asks not to be mirrored (the `kubernetes` Service's does). */
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';
/** resourcelock.LeaderElectionRecordAnnotationKey: Endpoints used as a leader-election lock are no endpoints. */
export const LEADER_ELECTION_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';
/** The kube-controller-manager default of --mirroring-max-endpoints-per-subset. */
export const MAX_ENDPOINTS_PER_SUBSET = 1000;

export type AddressType = 'IPv4' | 'IPv6';

/** One slice's worth of desired state: an address family, a port set and its endpoints. */
export interface MirrorGroup {
  addressType: AddressType;
  ports: EndpointPort[];
  endpoints: SliceEndpoint[];
}

export interface DesiredMirror {
  /** Keyed by groupKey(addressType, ports); only groups with at least one endpoint. */
  groups: Map<string, MirrorGroup>;
  /** Addresses that are not IPs (Warning InvalidIPAddress on the Endpoints). */
  invalid: number;
  /** Addresses not mirrored, invalid ones included (Warning TooManyAddressesToMirror when more than `invalid`). */
  skipped: number;
}

/** shouldMirror: not marked skip-mirror and not a leader-election lock. */
export function shouldMirror(ep: Endpoints | undefined): ep is Endpoints {
  if (!ep) return false;
  return ep.metadata.labels?.[SKIP_MIRROR_LABEL] !== 'true' && ep.metadata.annotations?.[LEADER_ELECTION_ANNOTATION] === undefined;
}

export function groupKey(addressType: string, ports: readonly EndpointPort[] | null | undefined): string {
  return `${addressType}/${portsKey(ports)}`;
}

/**
 * The IP as net.IP.String() writes it back, with its family: IPv4 without leading zeros
 * (ParseIPSloppy reads them as decimal), IPv6 in its canonical compressed form.
 */
export function canonicalIP(ip: string): { address: string; addressType: AddressType } | undefined {
  const family = parseIPFamily(ip);
  if (family === 'IPv4') return { address: ip.split('.').map(Number).join('.'), addressType: family };
  if (family === 'IPv6') {
    // WHATWG URL parsing compresses IPv6 the way RFC 5952 (and Go) does; an embedded
    // IPv4-mapped form is the one difference Go keeps dotted, which is harmless here.
    return { address: new URL(`http://[${ip}]/`).hostname.slice(1, -1), addressType: family };
  }
  return undefined;
}

/** epPortsToEpsPorts, with the API defaults (name "", protocol TCP) so a comparison with the stored slice holds. */
export function slicePorts(ports: readonly EndpointsPort[] | undefined): EndpointPort[] {
  return (ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol !== undefined ? { appProtocol: p.appProtocol } : {}) }));
}

function toEndpoint(address: string, from: EndpointAddress, ready: boolean): SliceEndpoint {
  return {
    addresses: [address],
    conditions: { ready },
    ...(from.hostname ? { hostname: from.hostname } : {}),
    ...(from.nodeName ? { nodeName: from.nodeName } : {}),
    ...(from.targetRef ? { targetRef: from.targetRef } : {}),
  };
}

/**
 * An endpoint's identity within a slice (endpointsliceutil's hashEndpoint): the same address,
 * hostname and target are one endpoint, whatever its conditions. A later copy replaces an
 * earlier one, so an address listed both ready and not ready ends up not ready.
 */
export function endpointIdentity(e: SliceEndpoint): string {
  return JSON.stringify([e.addresses[0] ?? '', e.hostname ?? '', e.targetRef?.namespace ?? '', e.targetRef?.name ?? '']);
}

/** The groups the Endpoints' subsets give; subsets with the same ports share a group. */
export function desiredMirror(ep: Endpoints, maxPerSubset = MAX_ENDPOINTS_PER_SUBSET): DesiredMirror {
  const byKey = new Map<string, { addressType: AddressType; ports: EndpointPort[]; endpoints: Map<string, SliceEndpoint> }>();
  let invalid = 0;
  let skipped = 0;
  for (const subset of ep.subsets ?? []) {
    const ports = slicePorts(subset.ports);
    const listed: Array<[EndpointAddress, boolean]> = [
      ...(subset.addresses ?? []).map((a): [EndpointAddress, boolean] => [a, true]),
      ...(subset.notReadyAddresses ?? []).map((a): [EndpointAddress, boolean] => [a, false]),
    ];
    let added = 0;
    for (const [address, ready] of listed) {
      // The cap is per subset, so one subset maps to one slice (maxEndpointsPerSubset).
      if (added >= maxPerSubset) break;
      const ip = canonicalIP(address.ip);
      if (!ip) {
        invalid++;
        continue;
      }
      const key = groupKey(ip.addressType, ports);
      let group = byKey.get(key);
      if (!group) byKey.set(key, (group = { addressType: ip.addressType, ports, endpoints: new Map() }));
      const endpoint = toEndpoint(ip.address, address, ready);
      group.endpoints.set(endpointIdentity(endpoint), endpoint);
      added++;
    }
    skipped += listed.length - added;
  }
  const groups = new Map<string, MirrorGroup>();
  for (const [key, g] of byKey) groups.set(key, { addressType: g.addressType, ports: g.ports, endpoints: [...g.endpoints.values()] });
  return { groups, invalid, skipped };
}
