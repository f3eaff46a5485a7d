/**
 * The sidecar injection itself (pure): what Istio 1.20's `sidecar` template, as Maistra 2.5
 * renders it with Istio CNI, adds to a pod, given the injector's Helm values
 * (`istio-sidecar-injector-<rev>`) and the MeshConfig (`istio-<rev>`):
 *
 * - the `istio-proxy` container (appended after the app containers): `proxy sidecar` args,
 *   the agent's environment (POD_NAME, INSTANCE_IP, PROXY_CONFIG, ISTIO_META_*, …), port 15090
 *   `http-envoy-prom`, readiness and startup probes on 15021 `/healthz/ready`, and mounts of
 *   the volumes below;
 * - Istio's volumes (token, root certificate, pod info, Envoy's scratch space);
 * - labels `security.istio.io/tlsMode`, `service.istio.io/canonical-name` and `-revision`;
 * - annotations (see sidecar-injection-annotations.ts) and `sidecar.istio.io/status`;
 * - probe rewriting (sidecar-injection-probes.ts).
 *
 * There is no `istio-init` container: Maistra uses Istio CNI instead, and skiff has no
 * iptables; the data plane reads the traffic annotations instead.
 */
import { parse } from 'yaml';
import type { Fields } from '../../api/mesh/fields.ts';
import { asArray, asNumber, asRecord, asString } from '../../api/mesh/fields.ts';
import type { KubeObject } from '../../api/object.ts';
import { defaultContainerAnnotations, mergeProxyConfig, prometheusMerge, trafficAnnotations } from './sidecar-injection-annotations.ts';
import { STATUS_ANNOTATION } from './sidecar-injection-policy.ts';
import { KUBE_APP_PROBERS_ENV, PROXY_CONTAINER, rewriteAppProbes, shouldRewriteProbes } from './sidecar-injection-probes.ts';
import { canonicalLabels, workloadOf } from './sidecar-injection-workload.ts';
import { istioVolumeMounts, istioVolumes } from './sidecar-injection-volumes.ts';

export interface InjectorConfig {
  /** The injector's Helm values (parseInjectorValues of `istio-sidecar-injector-<rev>`). */
  values: Fields;
  /** The MeshConfig (parseMeshConfig of `istio-<rev>`). */
  meshConfig: Fields;
  /** The control plane's revision (the ServiceMeshControlPlane's name). */
  revision: string;
}

const DEFAULT_PROXY_IMAGE = 'registry.redhat.io/openshift-service-mesh/proxyv2-rhel8:2.5.0';
/** Maistra's default proxy resources (SMCP `proxy.runtime.container.resources`). */
const DEFAULT_RESOURCES = { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '10m', memory: '128Mi' } };

const fieldRef = (fieldPath: string) => ({ valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
const resourceRef = (resource: string) => ({ valueFrom: { resourceFieldRef: { divisor: '0', resource } } });

/** Injects the sidecar into `pod` in place. */
export function injectSidecar(pod: KubeObject, config: InjectorConfig): void {
  const meta = pod.metadata;
  const annotations = { ...(meta.annotations ?? {}) };
  const labels = { ...(meta.labels ?? {}) };
  const spec = (pod.spec ??= {}) as Fields;
  const containers = asArray(spec.containers).map((c) => asRecord(c) ?? {});
  const appNames = containers.map((c) => asString(c.name) ?? '');
  const global = asRecord(config.values.global) ?? {};
  const proxyValues = asRecord(global.proxy) ?? {};
  const ann = (key: string, fallback: string): string => annotations[key] ?? fallback;

  const statusPort = ann('status.sidecar.istio.io/port', String(asNumber(proxyValues.statusPort) ?? 15020));
  const proxyConfig = mergeProxyConfig(asRecord(config.meshConfig.defaultConfig) ?? {}, parseProxyConfigAnnotation(annotations['proxy.istio.io/config']));
  const interceptionMode = annotations['sidecar.istio.io/interceptionMode'] ?? asString(proxyConfig.interceptionMode) ?? asString(proxyValues.interceptionMode) ?? 'REDIRECT';
  const trustDomain = asString(config.meshConfig.trustDomain) || asString(global.trustDomain) || '';
  const workload = workloadOf(pod);
  const clusterDomain = asString(proxyValues.clusterDomain) ?? 'cluster.local';
  const istioNamespace = asString(global.istioNamespace) ?? 'istio-system';

  const env: Fields[] = [
    { name: 'JWT_POLICY', value: 'third-party-jwt' },
    { name: 'PILOT_CERT_PROVIDER', value: asString(global.pilotCertProvider) ?? 'istiod' },
    { name: 'CA_ADDR', value: asString(global.caAddress) || `istiod-${config.revision}.${istioNamespace}.svc:15012` },
    { name: 'POD_NAME', ...fieldRef('metadata.name') },
    { name: 'POD_NAMESPACE', ...fieldRef('metadata.namespace') },
    { name: 'INSTANCE_IP', ...fieldRef('status.podIP') },
    { name: 'SERVICE_ACCOUNT', ...fieldRef('spec.serviceAccountName') },
    { name: 'HOST_IP', ...fieldRef('status.hostIP') },
    { name: 'ISTIO_CPU_LIMIT', ...resourceRef('limits.cpu') },
    { name: 'PROXY_CONFIG', value: `${JSON.stringify(proxyConfig)}\n` },
    { name: 'ISTIO_META_POD_PORTS', value: podPortsJson(containers) },
    { name: 'ISTIO_META_APP_CONTAINERS', value: appNames.join(',') },
    { name: 'GOMEMLIMIT', ...resourceRef('limits.memory') },
    { name: 'GOMAXPROCS', ...resourceRef('limits.cpu') },
    { name: 'ISTIO_META_CLUSTER_ID', value: asString(asRecord(global.multiCluster)?.clusterName) || 'Kubernetes' },
    { name: 'ISTIO_META_NODE_NAME', ...fieldRef('spec.nodeName') },
    { name: 'ISTIO_META_INTERCEPTION_MODE', value: interceptionMode },
    ...(asString(global.network) ? [{ name: 'ISTIO_META_NETWORK', value: global.network }] : []),
    { name: 'ISTIO_META_WORKLOAD_NAME', value: workload.name },
    { name: 'ISTIO_META_OWNER', value: workload.owner },
    ...((asString(global.meshID) || trustDomain) ? [{ name: 'ISTIO_META_MESH_ID', value: asString(global.meshID) || trustDomain }] : []),
    ...(trustDomain ? [{ name: 'TRUST_DOMAIN', value: trustDomain }] : []),
    ...Object.entries(asRecord(proxyConfig.proxyMetadata) ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => ({ name, value: String(value) })),
  ];

  const concurrency = annotations['proxy.istio.io/concurrency'] ?? (proxyConfig.concurrency !== undefined ? String(proxyConfig.concurrency) : undefined);
  const proxy: Fields = {
    name: PROXY_CONTAINER,
    image: annotations['sidecar.istio.io/proxyImage'] ?? proxyImage(global, proxyValues),
    ...(asString(global.imagePullPolicy) ? { imagePullPolicy: global.imagePullPolicy } : {}),
    args: [
      'proxy', 'sidecar',
      '--domain', `$(POD_NAMESPACE).svc.${clusterDomain}`,
      `--proxyLogLevel=${ann('sidecar.istio.io/logLevel', asString(proxyValues.logLevel) ?? 'warning')}`,
      `--proxyComponentLogLevel=${ann('sidecar.istio.io/componentLogLevel', asString(proxyValues.componentLogLevel) ?? 'misc:error')}`,
      `--log_output_level=${ann('sidecar.istio.io/agentLogLevel', asString(asRecord(global.logging)?.level) ?? 'default:info')}`,
      ...(concurrency !== undefined ? ['--concurrency', concurrency] : []),
    ],
    env,
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    ...(statusPort !== '0' ? readinessAndStartup(annotations, proxyValues) : {}),
    resources: asRecord(proxyValues.resources) ?? structuredClone(DEFAULT_RESOURCES),
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true },
    volumeMounts: istioVolumeMounts(),
  };

  if (statusPort !== '0' && shouldRewriteProbes(annotations, asRecord(config.values.sidecarInjectorWebhook)?.rewriteAppHTTPProbe !== false)) {
    const probers = rewriteAppProbes(containers, Number(statusPort));
    if (probers) env.push({ name: KUBE_APP_PROBERS_ENV, value: probers });
  }

  let podAnnotations = { ...annotations, ...defaultContainerAnnotations(annotations, appNames[0]), ...trafficAnnotations(annotations, proxyValues, interceptionMode, statusPort) };
  const merged = prometheusMerge(podAnnotations, config.meshConfig, statusPort);
  if (merged) {
    podAnnotations = merged.annotations;
    if (merged.appScrape) env.push({ name: 'ISTIO_PROMETHEUS_ANNOTATIONS', value: merged.appScrape });
  }

  const volumes = istioVolumes();
  spec.containers = [...containers, proxy];
  spec.volumes = [...asArray(spec.volumes), ...volumes];
  podAnnotations[STATUS_ANNOTATION] = JSON.stringify({ initContainers: null, containers: [PROXY_CONTAINER], volumes: volumes.map((v) => v.name), imagePullSecrets: null, revision: config.revision });
  meta.annotations = podAnnotations;
  const canonical = canonicalLabels(labels, workload.name);
  meta.labels = { ...labels, 'security.istio.io/tlsMode': labels['security.istio.io/tlsMode'] ?? 'istio', 'service.istio.io/canonical-name': canonical.name, 'service.istio.io/canonical-revision': canonical.revision };
}

function proxyImage(global: Fields, proxyValues: Fields): string {
  const image = asString(proxyValues.image);
  if (!image) return DEFAULT_PROXY_IMAGE;
  // A bare name is completed from global.hub and global.tag, as Istio's template does.
  if (image.includes('/')) return image;
  return `${asString(global.hub) ?? 'docker.io/istio'}/${image}:${asString(global.tag) ?? 'latest'}`;
}

function readinessAndStartup(annotations: Record<string, string>, proxyValues: Fields): Fields {
  const num = (key: string, valuesKey: string, fallback: number): number => {
    const v = Number(annotations[`readiness.status.sidecar.istio.io/${key}`] ?? proxyValues[valuesKey] ?? fallback);
    return Number.isFinite(v) ? v : fallback;
  };
  const httpGet = { path: '/healthz/ready', port: 15021, scheme: 'HTTP' };
  const startup = asRecord(proxyValues.startupProbe);
  return {
    readinessProbe: {
      httpGet,
      initialDelaySeconds: num('initialDelaySeconds', 'readinessInitialDelaySeconds', 0),
      periodSeconds: num('periodSeconds', 'readinessPeriodSeconds', 15),
      timeoutSeconds: 3,
      failureThreshold: num('failureThreshold', 'readinessFailureThreshold', 4),
    },
    ...(startup?.enabled === false ? {} : { startupProbe: { httpGet: { ...httpGet }, initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 3, failureThreshold: asNumber(startup?.failureThreshold) ?? 600 } }),
  };
}

/** ISTIO_META_POD_PORTS as the template renders it: one JSON port per line. */
function podPortsJson(containers: Fields[]): string {
  const ports = containers.flatMap((c) => asArray(c.ports)).map((p) => asRecord(p) ?? {});
  // Go's field order for ContainerPort: name, hostPort, containerPort, protocol, hostIP.
  const lines = ports.map((p) => JSON.stringify(Object.fromEntries(['name', 'hostPort', 'containerPort', 'protocol', 'hostIP'].filter((k) => p[k] !== undefined && p[k] !== '' && p[k] !== 0).map((k) => [k, p[k]]))));
  return `[\n${lines.map((l, i) => `    ${i > 0 ? ',' : ''}${l}`).join('\n')}${lines.length > 0 ? '\n' : ''}]`;
}

function parseProxyConfigAnnotation(text: string | undefined): Fields | undefined {
  if (!text) return undefined;
  try {
    return asRecord(parse(text));
  } catch {
    // Istio's injector fails such a pod; here the mesh's defaults apply instead.
    return undefined;
  }
}
