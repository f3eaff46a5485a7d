/**
 * The two ConfigMaps through which a control plane configures its data plane, named and
 * shaped as Istio's charts name and shape them (docs/mesh.md describes both):
 *
 * - `istio-<revision>`: `mesh` holds Istio's MeshConfig as YAML (trust domain, root
 *   namespace, auto mTLS, outbound policy, access log, protocol detection timeout, and
 *   `defaultConfig` — the ProxyConfig every proxy starts with, e.g.
 *   `terminationDrainDuration`), with
 *   `spec.techPreview.meshConfig` and `spec.meshConfig` laid over it; `meshNetworks`
 *   holds the networks for split-horizon EDS.
 * - `istio-sidecar-injector-<revision>`: `values` holds, as JSON, the injector's Helm
 *   values the sidecar template reads: `global.proxy.excludeInboundPorts` (from
 *   `proxy.networking.trafficControl.inbound.excludedPorts`), include/exclude ports and
 *   IP ranges, interception mode, the proxy image, mesh ID, network and trust domain.
 *
 * Mesh-wide mTLS (`security.dataPlane.mtls`) is not in either: as in Maistra it is the
 * `default` PeerAuthentication in the mesh namespace (mesh-config component).
 */
import { parse, stringify } from 'yaml';
import type { Fields } from '../../../../api/mesh/fields.ts';
import { asRecord } from '../../../../api/mesh/fields.ts';
import { deepMerge } from './applied-spec.ts';
import type { MeshSettings } from './settings.ts';

export const MESH_CONFIG_KEY = 'mesh';
export const MESH_NETWORKS_KEY = 'meshNetworks';
export const INJECTOR_VALUES_KEY = 'values';

export function meshConfigMapName(revision: string): string {
  return `istio-${revision}`;
}

export function injectorConfigMapName(revision: string): string {
  return `istio-sidecar-injector-${revision}`;
}

export function discoveryAddress(s: MeshSettings): string {
  return `istiod-${s.revision}.${s.meshNamespace}.svc:15012`;
}

/** Istio's MeshConfig for this control plane (before YAML). */
export function meshConfigOf(s: MeshSettings): Fields {
  let mesh: Fields = {
    accessLogFile: s.accessLogFile ?? '',
    ...(s.accessLogEncoding ? { accessLogEncoding: s.accessLogEncoding } : {}),
    ...(s.accessLogFormat ? { accessLogFormat: s.accessLogFormat } : {}),
    defaultConfig: {
      discoveryAddress: discoveryAddress(s),
      proxyMetadata: {},
      tracing: {},
      ...(s.proxy.concurrency !== undefined ? { concurrency: s.proxy.concurrency } : {}),
    },
    defaultProviders: { metrics: ['prometheus'] },
    enableAutoMtls: s.autoMtls,
    enablePrometheusMerge: true,
    ingressControllerMode: 'OFF',
    outboundTrafficPolicy: { mode: s.outboundTrafficPolicy },
    // Maistra maps autoDetect.timeout here; spec.meshConfig, laid over below, takes precedence.
    ...(s.protocolDetection.timeout !== undefined ? { protocolDetectionTimeout: s.protocolDetection.timeout } : {}),
    rootNamespace: s.meshNamespace,
    trustDomain: s.trustDomain,
    ...(s.trustDomainAliases.length > 0 ? { trustDomainAliases: s.trustDomainAliases } : {}),
  };
  for (const override of s.meshConfigOverrides) mesh = deepMerge(mesh, override);
  return mesh;
}

/** The injector's values (Istio's Helm values the sidecar template reads). */
export function injectorValuesOf(s: MeshSettings): Fields {
  return {
    global: {
      istioNamespace: s.meshNamespace,
      meshID: s.trustDomain,
      network: s.network,
      multiCluster: { clusterName: s.clusterName },
      trustDomain: s.trustDomain,
      proxy: {
        clusterDomain: 'cluster.local',
        excludeInboundPorts: s.proxy.excludeInboundPorts,
        includeInboundPorts: s.proxy.includeInboundPorts,
        excludeOutboundPorts: s.proxy.excludeOutboundPorts,
        includeIPRanges: s.proxy.includeIPRanges,
        excludeIPRanges: s.proxy.excludeIPRanges,
        interceptionMode: s.proxy.interceptionMode,
        image: s.proxy.image,
        ...(s.proxy.logLevel ? { logLevel: s.proxy.logLevel } : {}),
        statusPort: 15020,
      },
    },
    revision: s.revision,
    sidecarInjectorWebhook: { rewriteAppHTTPProbe: true, enableNamespacesByDefault: false },
  };
}

export function meshConfigMapData(s: MeshSettings): Record<string, string> {
  return {
    [MESH_CONFIG_KEY]: stringify(meshConfigOf(s)).trimEnd(),
    [MESH_NETWORKS_KEY]: 'networks: {}',
  };
}

export function injectorConfigMapData(s: MeshSettings): Record<string, string> {
  return { [INJECTOR_VALUES_KEY]: JSON.stringify(injectorValuesOf(s), null, 2) };
}

/** Reads the MeshConfig back from an `istio-<revision>` ConfigMap's data (for the data plane). */
export function parseMeshConfig(data: Record<string, string> | undefined): Fields {
  return asRecord(parse(data?.[MESH_CONFIG_KEY] ?? '{}')) ?? {};
}

/** Reads the injector values back from an `istio-sidecar-injector-<revision>` ConfigMap's data. */
export function parseInjectorValues(data: Record<string, string> | undefined): Fields {
  return asRecord(JSON.parse(data?.[INJECTOR_VALUES_KEY] ?? '{}')) ?? {};
}
