/**
 * kube-proxy's translation, as a pure function: Services and EndpointSlices in, the TCP
 * proxy's listeners out. Every TCP port of a Service with a cluster IP listens on
 * clusterIP:port; NodePort and LoadBalancer Services also on each node address at their
 * node port; LoadBalancer ingress IPs and externalIPs on their service port. Backends are
 * the endpoints that are ready (a missing `ready` counts as ready), or — when none is —
 * those still serving while terminating (kube-proxy's terminating-endpoint fallback).
 * `Local` traffic policies keep only endpoints on this node. Headless and ExternalName
 * Services get no listener; UDP and SCTP ports are not proxied.
 */
import { SERVICE_NAME_LABEL, isHeadless, type EndpointSlice, type Service, type ServicePort } from '../../api/builtin/core/service-view.ts';
import { backendKey, listenerKey, type Backend, type ListenerSpec, type ProxySnapshot } from '../../dataplane/service-proxy/snapshot.ts';

export interface TranslateOptions {
  /** The node's addresses: node ports listen on each (default 127.0.0.1). */
  nodeAddresses: readonly string[];
  /** This node's name, for `Local` traffic policies; unset = every endpoint is local. */
  nodeName?: string;
}

function slicesByService(slices: readonly EndpointSlice[]): Map<string, EndpointSlice[]> {
  const out = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const name = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!name || s.addressType !== 'IPv4') continue;
    const key = `${s.metadata.namespace}/${name}`;
    out.set(key, [...(out.get(key) ?? []), s]);
  }
  return out;
}

export function backendsFor(port: ServicePort, slices: readonly EndpointSlice[], localNode: string | undefined): Backend[] {
  const ready = new Map<string, Backend>();
  const terminating = new Map<string, Backend>();
  const protocol = port.protocol ?? 'TCP';
  for (const slice of slices) {
    const target = slice.ports?.find((p) => (p.name ?? '') === (port.name ?? '') && (p.protocol ?? 'TCP') === protocol);
    if (target?.port === undefined) continue;
    for (const ep of slice.endpoints ?? []) {
      const address = ep.addresses?.[0];
      if (!address || (localNode !== undefined && ep.nodeName !== localNode)) continue;
      const backend = { address, port: target.port };
      const c = ep.conditions ?? {};
      if (c.ready !== false) ready.set(backendKey(backend), backend);
      else if (c.serving === true && c.terminating === true) terminating.set(backendKey(backend), backend);
    }
  }
  const chosen = ready.size > 0 ? ready : terminating;
  return [...chosen.values()].sort((a, b) => a.address.localeCompare(b.address, 'en', { numeric: true }) || a.port - b.port);
}

function ingressAddresses(svc: Service): string[] {
  return (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter((ip) => ip !== '');
}

export function buildSnapshot(services: readonly Service[], slices: readonly EndpointSlice[], opts: TranslateOptions): ProxySnapshot {
  const byService = slicesByService(slices);
  const listeners = new Map<string, ListenerSpec>();
  const add = (l: ListenerSpec) => {
    if (!listeners.has(listenerKey(l))) listeners.set(listenerKey(l), l);
  };
  const ordered = [...services].sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  for (const svc of ordered) {
    const spec = svc.spec;
    if (spec.type === 'ExternalName' || isHeadless(svc) || !spec.clusterIP) continue;
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    const own = byService.get(key) ?? [];
    const affinity = spec.sessionAffinity === 'ClientIP' ? { affinityTimeoutSeconds: spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800 } : {};
    const internalLocal = spec.internalTrafficPolicy === 'Local' ? opts.nodeName : undefined;
    const externalLocal = spec.externalTrafficPolicy === 'Local' ? opts.nodeName : undefined;
    for (const port of spec.ports ?? []) {
      if ((port.protocol ?? 'TCP') !== 'TCP') continue;
      const service = `${key}:${port.name || port.port}`;
      add({ address: spec.clusterIP, port: port.port, service, backends: backendsFor(port, own, internalLocal), ...affinity });
      const external = backendsFor(port, own, externalLocal);
      if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && port.nodePort) {
        for (const address of opts.nodeAddresses) add({ address, port: port.nodePort, service, backends: external, ...affinity });
      }
      const externalAddresses = [...(spec.type === 'LoadBalancer' ? ingressAddresses(svc) : []), ...(spec.externalIPs ?? [])];
      for (const address of externalAddresses) add({ address, port: port.port, service, backends: external, ...affinity });
    }
  }
  return { listeners: [...listeners.values()] };
}
