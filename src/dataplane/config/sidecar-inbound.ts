/**
 * A sidecar's inbound side (istiod's inbound listener builder, reduced): the ports its pod
 * serves for the Services selecting it — each with its protocol, the services it answers
 * for, the inbound cluster `inbound|<port>||` and the mTLS mode PeerAuthentication enforces
 * there — plus the AuthorizationPolicies that apply to the workload.
 */
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import type { Service } from '../../api/builtin/core/service-view.ts';
import { findPort } from '../../api/builtin/core/service-view.ts';
import { applicablePolicies } from './authorization.ts';
import { sortedByCreation } from './config-order.ts';
import type { AuthorizationPolicy } from './istio-specs.ts';
import { effectiveMtlsMode } from './peer-authentication.ts';
import type { MtlsMode, PeerAuthentication } from './peer-authentication.ts';
import { servicePortProtocol } from './service-registry.ts';

export interface InboundPort {
  /** The pod port traffic is delivered to (a Service's resolved targetPort). */
  port: number;
  /** Istio protocol of the first Service port that targets it (HTTP, GRPC, TCP, AUTO, …). */
  protocol: string;
  /** `<host>:<service port>` of every Service port targeting it. */
  services: string[];
  /** `inbound|<port>||`, as istiod names the cluster that delivers to the application. */
  cluster: string;
  mtlsMode: MtlsMode;
}

export interface SidecarInbound {
  ports: InboundPort[];
  authorizationPolicies: AuthorizationPolicy[];
}

export interface InboundInput {
  pod: Pod;
  services: readonly Service[];
  peerAuthentications: readonly PeerAuthentication[];
  authorizationPolicies: readonly AuthorizationPolicy[];
  rootNamespace: string;
  domainSuffix?: string;
}

export function compileSidecarInbound(input: InboundInput): SidecarInbound {
  const { pod } = input;
  const namespace = pod.metadata.namespace ?? '';
  const labels = pod.metadata.labels ?? {};
  const workload = { namespace, labels };
  const byPort = new Map<number, InboundPort>();
  for (const svc of sortedByCreation(input.services)) {
    const selector = Object.entries(svc.spec.selector ?? {});
    if (svc.metadata.namespace !== namespace || selector.length === 0 || !selector.every(([k, v]) => labels[k] === v)) continue;
    const host = `${svc.metadata.name ?? ''}.${namespace}.svc.${input.domainSuffix ?? 'cluster.local'}`;
    for (const sp of svc.spec.ports ?? []) {
      if ((sp.protocol ?? 'TCP') === 'UDP') continue;
      const target = findPort(pod, sp);
      if (target === undefined) continue;
      let entry = byPort.get(target);
      if (!entry) {
        entry = { port: target, protocol: servicePortProtocol(sp), services: [], cluster: `inbound|${target}||`, mtlsMode: effectiveMtlsMode(input.peerAuthentications, input.rootNamespace, workload, target) };
        byPort.set(target, entry);
      }
      entry.services.push(`${host}:${sp.port}`);
    }
  }
  return {
    ports: [...byPort.values()].sort((a, b) => a.port - b.port),
    authorizationPolicies: applicablePolicies(input.authorizationPolicies, workload, input.rootNamespace),
  };
}

/**
 * Auto mTLS towards one endpoint (istiod's mTLS checker): only when it runs a sidecar and
 * its PeerAuthentication does not DISABLE mTLS on the port.
 */
export function endpointAcceptsMtls(endpoint: { tlsMode: 'istio' | 'disabled'; namespace?: string; labels: Readonly<Record<string, string>>; port: number }, peerAuthentications: readonly PeerAuthentication[], rootNamespace: string): boolean {
  if (endpoint.tlsMode !== 'istio') return false;
  return effectiveMtlsMode(peerAuthentications, rootNamespace, { namespace: endpoint.namespace ?? '', labels: endpoint.labels }, endpoint.port) !== 'DISABLE';
}
