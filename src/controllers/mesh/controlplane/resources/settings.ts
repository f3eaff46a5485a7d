/**
 * What a control plane's applied spec means for the objects it installs: the settings
 * the resource builders read, derived once from `status.appliedSpec` the way Maistra's
 * v2→values conversion reads the same fields.
 */
import { type Fields, asArray, asRecord, asString } from '../../../../api/mesh/fields.ts';
import { DEFAULT_TRUST_DOMAIN } from '../../../../mesh/pki/spiffe.ts';
import { gatewaysOf, type GatewaySettings } from './gateway-settings.ts';
import { chartVersionOf, meshGenerationOf } from './versions.ts';

export interface ProxySettings {
  /** Comma lists, as Istio's injector values carry them. */
  excludeInboundPorts: string;
  includeInboundPorts: string;
  excludeOutboundPorts: string;
  includeIPRanges: string;
  excludeIPRanges: string;
  interceptionMode: string;
  concurrency?: number;
  logLevel?: string;
  image: string;
}

export interface MeshSettings {
  meshNamespace: string;
  /** The control plane's name: Istio's revision (`istiod-<name>`, `istio-<name>`). */
  revision: string;
  uid: string;
  generation: number;
  version: string;
  chartVersion: string;
  /** `<operatorVersion>-<generation>`: what every object of this generation is stamped with. */
  meshGeneration: string;
  trustDomain: string;
  trustDomainAliases: string[];
  /** spec.security.dataPlane.mtls: mesh-wide STRICT mTLS. */
  mtls: boolean;
  autoMtls: boolean;
  manageNetworkPolicy: boolean;
  outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  /** proxy.networking.protocol.autoDetect: protocol sniffing of unnamed ports (off in every Maistra profile), and its timeout. */
  protocolDetection: ProtocolDetection;
  pilotImage: string;
  /** runtime.defaults.container.imagePullPolicy, for every container the control plane runs. */
  imagePullPolicy?: string;
  logLevel: string;
  proxy: ProxySettings;
  accessLogFile?: string;
  /** spec.proxy.accessLogging.file.encoding and .format (Maistra's global.proxy.accessLogEncoding/-Format). */
  accessLogEncoding?: string;
  accessLogFormat?: string;
  clusterName: string;
  network: string;
  /** spec.techPreview.meshConfig and spec.meshConfig, laid over the generated mesh config. */
  meshConfigOverrides: Fields[];
  gateways: GatewaySettings[];
}

function record(value: unknown): Fields {
  return asRecord(value) ?? {};
}

function at(root: Fields, ...path: string[]): unknown {
  let v: unknown = root;
  for (const p of path) v = asRecord(v)?.[p];
  return v;
}

function commaList(value: unknown): string {
  return asArray(value).map((v) => String(v)).join(',');
}

function pickImage(container: Fields): Fields {
  const out: Fields = {};
  for (const k of ['imageRegistry', 'imageName', 'imageTag']) if (typeof container[k] === 'string') out[k] = container[k];
  return out;
}

export interface ControlPlaneIdentity {
  namespace: string;
  name: string;
  uid: string;
  generation: number;
}

export function meshSettingsOf(cp: ControlPlaneIdentity, applied: Fields): MeshSettings {
  const version = asString(applied.version) ?? 'v2.5';
  const defaults = record(at(applied, 'runtime', 'defaults', 'container'));
  const image = (component: Fields, fallbackName: string) => {
    const registry = asString(component.imageRegistry) ?? asString(defaults.imageRegistry) ?? 'registry.redhat.io/openshift-service-mesh';
    const tag = asString(component.imageTag) ?? asString(defaults.imageTag) ?? '2.5.0';
    return `${registry}/${asString(component.imageName) ?? fallbackName}:${tag}`;
  };
  const pilotImage = image(record(at(applied, 'runtime', 'components', 'pilot', 'container')), 'pilot-rhel8');
  const proxyContainer = record(at(applied, 'proxy', 'runtime', 'container'));
  const proxyImage = image(proxyContainer, 'proxyv2-rhel8');
  const inbound = record(at(applied, 'proxy', 'networking', 'trafficControl', 'inbound'));
  const outbound = record(at(applied, 'proxy', 'networking', 'trafficControl', 'outbound'));
  const included = commaList(inbound.includedPorts);
  const includedRanges = commaList(outbound.includedIPRanges);
  const concurrency = at(applied, 'proxy', 'concurrency');
  const proxyLevel = asString(at(applied, 'proxy', 'logging', 'level'));
  const trust = record(at(applied, 'security', 'trust'));
  const manage = at(applied, 'security', 'manageNetworkPolicy');
  const autoMtls = at(applied, 'security', 'dataPlane', 'automtls');
  const accessLogFile = asString(at(applied, 'proxy', 'accessLogging', 'file', 'name'));
  const accessLogEncoding = asString(at(applied, 'proxy', 'accessLogging', 'file', 'encoding'));
  const accessLogFormat = asString(at(applied, 'proxy', 'accessLogging', 'file', 'format'));
  const overrides = [record(at(applied, 'techPreview', 'meshConfig')), record(applied.meshConfig)].filter((o) => Object.keys(o).length > 0);
  return {
    meshNamespace: cp.namespace,
    revision: cp.name,
    uid: cp.uid,
    generation: cp.generation,
    version,
    chartVersion: chartVersionOf(version),
    meshGeneration: meshGenerationOf(cp.generation),
    trustDomain: asString(trust.domain) || DEFAULT_TRUST_DOMAIN,
    trustDomainAliases: asArray(trust.additionalDomains).filter((d): d is string => typeof d === 'string'),
    mtls: at(applied, 'security', 'dataPlane', 'mtls') === true,
    autoMtls: autoMtls !== false,
    manageNetworkPolicy: manage !== false,
    outboundTrafficPolicy: asString(outbound.policy) === 'REGISTRY_ONLY' ? 'REGISTRY_ONLY' : 'ALLOW_ANY',
    protocolDetection: protocolDetectionOf(applied),
    pilotImage,
    ...(asString(defaults.imagePullPolicy) ? { imagePullPolicy: defaults.imagePullPolicy as string } : {}),
    logLevel: asString(at(applied, 'general', 'logging', 'componentLevels', 'default')) ?? 'warn',
    proxy: {
      excludeInboundPorts: commaList(inbound.excludedPorts),
      includeInboundPorts: included === '' ? '*' : included,
      excludeOutboundPorts: commaList(outbound.excludedPorts),
      includeIPRanges: includedRanges === '' ? '*' : includedRanges,
      excludeIPRanges: commaList(outbound.excludedIPRanges),
      interceptionMode: asString(inbound.interceptionMode) ?? 'REDIRECT',
      ...(typeof concurrency === 'number' ? { concurrency } : {}),
      ...(proxyLevel ? { logLevel: proxyLevel } : {}),
      image: proxyImage,
    },
    ...(accessLogFile ? { accessLogFile } : {}),
    ...(accessLogEncoding ? { accessLogEncoding } : {}),
    ...(accessLogFormat ? { accessLogFormat } : {}),
    clusterName: asString(at(applied, 'cluster', 'name')) ?? 'Kubernetes',
    network: asString(at(applied, 'cluster', 'network')) ?? '',
    meshConfigOverrides: overrides,
    gateways: gatewaysOf(applied, (container) => image({ ...proxyContainer, ...pickImage(container) }, 'proxyv2-rhel8')),
  };
}

export interface ProtocolDetection {
  inbound: boolean;
  outbound: boolean;
  /** autoDetect.timeout as written (a Go duration): mesh config's protocolDetectionTimeout. */
  timeout?: string;
}

/**
 * Maistra's spec.proxy.networking.protocol.autoDetect (istiod's
 * PILOT_ENABLE_PROTOCOL_SNIFFING_FOR_INBOUND / _OUTBOUND): whether the proxies sniff the
 * protocol of a port whose name says none — every Maistra profile turns both off — and how
 * long they wait for a client's first bytes (`timeout`, which Maistra renders into the mesh
 * config as protocolDetectionTimeout).
 */
export function protocolDetectionOf(applied: Fields | undefined): ProtocolDetection {
  const auto = record(at(applied ?? {}, 'proxy', 'networking', 'protocol', 'autoDetect'));
  const timeout = asString(auto.timeout);
  return { inbound: auto.inbound === true, outbound: auto.outbound === true, ...(timeout ? { timeout } : {}) };
}
