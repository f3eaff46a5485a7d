/**
 * ServiceEntries as mesh services (istiod's serviceentry conversion): one service per host,
 * ports with their protocols, MESH_EXTERNAL (the default) or MESH_INTERNAL, and endpoints by
 * resolution — NONE: the proxy connects to the original destination; STATIC: the listed
 * addresses (or the pods a workloadSelector picks); DNS / DNS_ROUND_ROBIN: the listed
 * names, or the host itself when none are listed. An endpoint's `ports` map overrides the
 * target port per port name; the seed's Kafka entry repeats port names, which is accepted.
 */
import type { Pod } from '../../api/builtin/core/pod-readiness.ts';
import { parseProtocol } from '../../api/mesh/istio/names.ts';
import { selectorMatches } from './config-order.ts';
import type { ServiceEntry, ServiceEntryPort, WorkloadEntrySpec } from './istio-specs.ts';
import type { Endpoint } from './model.ts';
import { problem } from './problems.ts';
import type { Problem } from './problems.ts';
import { TLS_MODE_LABEL, normalizeExportTo } from './service-registry.ts';
import type { MeshService, MeshServicePort } from './service-registry.ts';

const RESOLUTIONS: Readonly<Record<string, MeshService['resolution']>> = {
  NONE: 'PASSTHROUGH', STATIC: 'CLIENT_SIDE_LB', DNS: 'DNS', DNS_ROUND_ROBIN: 'DNS_ROUND_ROBIN',
};

function portOf(p: ServiceEntryPort): MeshServicePort {
  const parsed = parseProtocol(p.protocol ?? 'TCP');
  return { name: p.name ?? '', port: p.number ?? 0, protocol: parsed === 'Unsupported' ? 'TCP' : parsed.toUpperCase(), ...(p.targetPort ? { targetPort: p.targetPort } : {}) };
}

function workloadEndpoint(entry: WorkloadEntrySpec, port: MeshServicePort, namespace: string, meshExternal: boolean): Endpoint {
  const labels = entry.labels ?? {};
  return {
    address: entry.address ?? '',
    port: entry.ports?.[port.name] ?? port.targetPort ?? port.port,
    labels, ready: true, namespace,
    tlsMode: !meshExternal && labels[TLS_MODE_LABEL] === 'istio' ? 'istio' : 'disabled',
    ...(entry.serviceAccount ? { serviceAccount: entry.serviceAccount } : {}),
    ...(entry.weight ? { weight: entry.weight } : {}),
  };
}

function podEndpoints(pods: readonly Pod[], selector: Readonly<Record<string, string>>, namespace: string, port: MeshServicePort): Endpoint[] {
  return pods
    .filter((p) => p.metadata.namespace === namespace && selectorMatches(selector, p.metadata.labels ?? {}) && p.status?.podIP)
    .map((p) => {
      const labels = p.metadata.labels ?? {};
      return {
        address: p.status!.podIP!, port: port.targetPort ?? port.port, labels, ready: true, namespace, podName: p.metadata.name ?? '',
        tlsMode: labels[TLS_MODE_LABEL] === 'istio' ? 'istio' as const : 'disabled' as const,
      };
    });
}

export interface ServiceEntryResult { services: MeshService[]; problems: Problem[] }

export function serviceEntryServices(entry: ServiceEntry, pods: readonly Pod[] = []): ServiceEntryResult {
  const spec = entry.spec ?? {};
  const namespace = entry.metadata.namespace ?? '';
  const problems: Problem[] = [];
  const resolution = RESOLUTIONS[spec.resolution ?? 'NONE'];
  if (!resolution) {
    problems.push(problem(entry, 'service-entry-invalid', `unknown resolution ${JSON.stringify(spec.resolution)}: entry skipped`, 'spec.resolution'));
    return { services: [], problems };
  }
  const meshExternal = (spec.location ?? 'MESH_EXTERNAL') !== 'MESH_INTERNAL';
  // Repeated port numbers collapse to the first; repeated names are harmless here.
  const ports: MeshServicePort[] = [];
  for (const p of spec.ports ?? []) if (p.number && !ports.some((q) => q.port === p.number)) ports.push(portOf(p));
  const services = (spec.hosts ?? []).map((host): MeshService => {
    const endpoints = new Map<number, Endpoint[]>();
    for (const port of ports) {
      let list: Endpoint[] = [];
      if (resolution !== 'PASSTHROUGH') {
        if (spec.workloadSelector?.labels) list = podEndpoints(pods, spec.workloadSelector.labels, namespace, port);
        else if ((spec.endpoints ?? []).length > 0) list = (spec.endpoints ?? []).map((e) => workloadEndpoint(e, port, namespace, meshExternal));
        else if (resolution !== 'CLIENT_SIDE_LB') list = [workloadEndpoint({ address: host }, port, namespace, meshExternal)];
      }
      endpoints.set(port.port, list);
    }
    return {
      host, namespace, name: entry.metadata.name ?? '', kind: 'ServiceEntry',
      createdAt: Date.parse(entry.metadata.creationTimestamp ?? '') || 0,
      ports, addresses: [...(spec.addresses ?? [])], resolution, meshExternal,
      exportTo: normalizeExportTo(spec.exportTo, namespace),
      endpoints,
    };
  });
  return { services, problems };
}
