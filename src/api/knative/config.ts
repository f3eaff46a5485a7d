/**
 * The cluster configuration Knative's webhooks read (ConfigMaps in knative-serving and
 * knative-eventing), with the values Knative 1.15 uses when nothing is configured. Admission
 * takes a `KnativeConfig`; `upstreamKnativeConfig()` gives the upstream defaults, and
 * `servingConfigFromConfigMaps` lets a controller build one from the live ConfigMaps.
 */
export type FeatureFlag = 'Enabled' | 'Disabled' | 'Allowed';

/** config-defaults (knative-serving). */
export interface ServingDefaults {
  revisionTimeoutSeconds: number;
  maxRevisionTimeoutSeconds: number;
  revisionResponseStartTimeoutSeconds: number;
  revisionIdleTimeoutSeconds: number;
  /** Go template over the parent's ObjectMeta; upstream default is the literal `user-container`. */
  userContainerNameTemplate: string;
  initContainerNameTemplate: string;
  containerConcurrency: number;
  containerConcurrencyMaxLimit: number;
  allowContainerConcurrencyZero: boolean;
  /** undefined: leave `enableServiceLinks` unset. */
  enableServiceLinks: boolean | undefined;
  /** Resource quantities put on containers that do not set them (none upstream). */
  revisionCpuRequest?: string;
  revisionCpuLimit?: string;
  revisionMemoryRequest?: string;
  revisionMemoryLimit?: string;
  revisionEphemeralStorageRequest?: string;
  revisionEphemeralStorageLimit?: string;
}

/** The config-autoscaler keys admission consults. */
export interface AutoscalerDefaults {
  podAutoscalerClass: string;
  maxScaleLimit: number;
  allowZeroInitialScale: boolean;
}

/** config-features (knative-serving), the flags admission consults. */
export interface ServingFeatures {
  multiContainer: FeatureFlag;
  multiContainerProbing: FeatureFlag;
  podSpecAffinity: FeatureFlag;
  podSpecTopologySpreadConstraints: FeatureFlag;
  podSpecHostAliases: FeatureFlag;
  podSpecFieldRef: FeatureFlag;
  podSpecNodeSelector: FeatureFlag;
  podSpecRuntimeClassName: FeatureFlag;
  podSpecSecurityContext: FeatureFlag;
  podSpecShareProcessNamespace: FeatureFlag;
  podSpecPriorityClassName: FeatureFlag;
  podSpecSchedulerName: FeatureFlag;
  containerSpecAddCapabilities: FeatureFlag;
  podSpecTolerations: FeatureFlag;
  podSpecVolumesEmptyDir: FeatureFlag;
  podSpecPersistentVolumeClaim: FeatureFlag;
  podSpecPersistentVolumeWrite: FeatureFlag;
  podSpecInitContainers: FeatureFlag;
  podSpecDnsPolicy: FeatureFlag;
  podSpecDnsConfig: FeatureFlag;
  securePodDefaults: FeatureFlag;
}

export interface BrokerClassConfig {
  brokerClass?: string;
  /** A KReference to the broker's config (apiVersion, kind, name, namespace). */
  config?: Record<string, string>;
  delivery?: Record<string, unknown>;
  disallowDifferentNamespaceConfig?: boolean;
}

/** config-br-defaults, default-ch-webhook, config-features and config-ping-defaults (knative-eventing). */
export interface EventingConfig {
  brokerDefaults: { clusterDefault?: BrokerClassConfig; namespaceDefaults: Record<string, BrokerClassConfig> };
  channelDefaults: { clusterDefault?: { apiVersion: string; kind: string; spec?: Record<string, unknown> }; namespaceDefaults: Record<string, { apiVersion: string; kind: string; spec?: Record<string, unknown> }> };
  features: {
    kreferenceGroup: boolean;
    deliveryRetryAfter: boolean;
    deliveryTimeout: boolean;
    crossNamespaceEventLinks: boolean;
    newApiServerSourceFilters: boolean;
  };
  pingDataMaxSize: number;
  /** config-kafka-source-defaults: KEDA autoscaling annotations for KafkaSources (off upstream). */
  kafkaSourceAutoscaling?: { minScale: number; maxScale: number; pollingInterval: number; cooldownPeriod: number; kafkaLagThreshold: number };
}

export interface KnativeConfig {
  serving: { defaults: ServingDefaults; autoscaler: AutoscalerDefaults; features: ServingFeatures; clusterDomain: string };
  eventing: EventingConfig;
}

export function upstreamServingDefaults(): ServingDefaults {
  return {
    revisionTimeoutSeconds: 300,
    maxRevisionTimeoutSeconds: 600,
    revisionResponseStartTimeoutSeconds: 300,
    revisionIdleTimeoutSeconds: 0,
    userContainerNameTemplate: 'user-container',
    initContainerNameTemplate: 'init-container',
    containerConcurrency: 0,
    containerConcurrencyMaxLimit: 1000,
    allowContainerConcurrencyZero: true,
    enableServiceLinks: false,
  };
}

export function upstreamServingFeatures(): ServingFeatures {
  return {
    multiContainer: 'Enabled',
    multiContainerProbing: 'Disabled',
    podSpecAffinity: 'Disabled',
    podSpecTopologySpreadConstraints: 'Disabled',
    podSpecHostAliases: 'Disabled',
    podSpecFieldRef: 'Disabled',
    podSpecNodeSelector: 'Disabled',
    podSpecRuntimeClassName: 'Disabled',
    podSpecSecurityContext: 'Disabled',
    podSpecShareProcessNamespace: 'Disabled',
    podSpecPriorityClassName: 'Disabled',
    podSpecSchedulerName: 'Disabled',
    containerSpecAddCapabilities: 'Disabled',
    podSpecTolerations: 'Disabled',
    podSpecVolumesEmptyDir: 'Enabled',
    podSpecPersistentVolumeClaim: 'Disabled',
    podSpecPersistentVolumeWrite: 'Disabled',
    podSpecInitContainers: 'Disabled',
    podSpecDnsPolicy: 'Disabled',
    podSpecDnsConfig: 'Disabled',
    securePodDefaults: 'Disabled',
  };
}

export function upstreamEventingConfig(): EventingConfig {
  return {
    // knative/eventing config/core/configmaps/default-broker.yaml
    brokerDefaults: {
      clusterDefault: {
        brokerClass: 'MTChannelBasedBroker',
        config: { apiVersion: 'v1', kind: 'ConfigMap', name: 'config-br-default-channel', namespace: 'knative-eventing' },
        delivery: { retry: 10, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S' },
      },
      namespaceDefaults: {},
    },
    // config/core/configmaps/default-channel.yaml (its `some-namespace` sample entry is left out)
    channelDefaults: { clusterDefault: { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' }, namespaceDefaults: {} },
    // config/core/configmaps/features.yaml
    features: { kreferenceGroup: false, deliveryRetryAfter: false, deliveryTimeout: true, crossNamespaceEventLinks: false, newApiServerSourceFilters: false },
    pingDataMaxSize: -1,
  };
}

export function upstreamKnativeConfig(): KnativeConfig {
  return {
    serving: {
      defaults: upstreamServingDefaults(),
      autoscaler: { podAutoscalerClass: 'kpa.autoscaling.knative.dev', maxScaleLimit: 0, allowZeroInitialScale: false },
      features: upstreamServingFeatures(),
      clusterDomain: 'cluster.local',
    },
    eventing: upstreamEventingConfig(),
  };
}

const FLAG_KEYS: Readonly<Record<keyof ServingFeatures, string>> = {
  multiContainer: 'multi-container',
  multiContainerProbing: 'multi-container-probing',
  podSpecAffinity: 'kubernetes.podspec-affinity',
  podSpecTopologySpreadConstraints: 'kubernetes.podspec-topologyspreadconstraints',
  podSpecHostAliases: 'kubernetes.podspec-hostaliases',
  podSpecFieldRef: 'kubernetes.podspec-fieldref',
  podSpecNodeSelector: 'kubernetes.podspec-nodeselector',
  podSpecRuntimeClassName: 'kubernetes.podspec-runtimeclassname',
  podSpecSecurityContext: 'kubernetes.podspec-securitycontext',
  podSpecShareProcessNamespace: 'kubernetes.podspec-shareprocessnamespace',
  podSpecPriorityClassName: 'kubernetes.podspec-priorityclassname',
  podSpecSchedulerName: 'kubernetes.podspec-schedulername',
  containerSpecAddCapabilities: 'kubernetes.containerspec-addcapabilities',
  podSpecTolerations: 'kubernetes.podspec-tolerations',
  podSpecVolumesEmptyDir: 'kubernetes.podspec-volumes-emptydir',
  podSpecPersistentVolumeClaim: 'kubernetes.podspec-persistent-volume-claim',
  podSpecPersistentVolumeWrite: 'kubernetes.podspec-persistent-volume-write',
  podSpecInitContainers: 'kubernetes.podspec-init-containers',
  podSpecDnsPolicy: 'kubernetes.podspec-dnspolicy',
  podSpecDnsConfig: 'kubernetes.podspec-dnsconfig',
  securePodDefaults: 'secure-pod-defaults',
};

function flag(raw: string | undefined, fallback: FeatureFlag): FeatureFlag {
  if (raw === undefined) return fallback;
  const found = (['Enabled', 'Allowed', 'Disabled'] as const).find((f) => f.toLowerCase() === raw.toLowerCase());
  return found ?? fallback;
}

function int(raw: string | undefined, fallback: number): number {
  return raw !== undefined && /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : fallback;
}

function bool(raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  return raw.trim().toLowerCase() === 'true';
}

/**
 * Serving's admission config from the `data` of config-defaults, config-autoscaler and
 * config-features (knative-serving), read the way Knative reads them; absent keys keep the
 * upstream defaults.
 */
export function servingConfigFromConfigMaps(data: { defaults?: Record<string, string>; autoscaler?: Record<string, string>; features?: Record<string, string> }): KnativeConfig['serving'] {
  const d = data.defaults ?? {};
  const up = upstreamServingDefaults();
  const timeout = int(d['revision-timeout-seconds'], up.revisionTimeoutSeconds);
  const links = d['enable-service-links'];
  const defaults: ServingDefaults = {
    ...up,
    revisionTimeoutSeconds: timeout,
    maxRevisionTimeoutSeconds: int(d['max-revision-timeout-seconds'], up.maxRevisionTimeoutSeconds),
    // Knative defaults the response-start timeout to the configured revision timeout.
    revisionResponseStartTimeoutSeconds: int(d['revision-response-start-timeout-seconds'], timeout),
    revisionIdleTimeoutSeconds: int(d['revision-idle-timeout-seconds'], up.revisionIdleTimeoutSeconds),
    userContainerNameTemplate: d['container-name-template'] ?? up.userContainerNameTemplate,
    initContainerNameTemplate: d['init-container-name-template'] ?? up.initContainerNameTemplate,
    containerConcurrency: int(d['container-concurrency'], up.containerConcurrency),
    containerConcurrencyMaxLimit: int(d['container-concurrency-max-limit'], up.containerConcurrencyMaxLimit),
    allowContainerConcurrencyZero: bool(d['allow-container-concurrency-zero'], up.allowContainerConcurrencyZero),
    enableServiceLinks: links === undefined ? up.enableServiceLinks : links.toLowerCase() === 'true' ? true : links.toLowerCase() === 'false' ? false : undefined,
  };
  const quantities = {
    revisionCpuRequest: 'revision-cpu-request', revisionCpuLimit: 'revision-cpu-limit',
    revisionMemoryRequest: 'revision-memory-request', revisionMemoryLimit: 'revision-memory-limit',
    revisionEphemeralStorageRequest: 'revision-ephemeral-storage-request', revisionEphemeralStorageLimit: 'revision-ephemeral-storage-limit',
  } as const;
  for (const [field, key] of Object.entries(quantities) as Array<[keyof typeof quantities, string]>) {
    const v = d[key];
    if (v !== undefined && v !== '') defaults[field] = v;
  }
  const a = data.autoscaler ?? {};
  const f = data.features ?? {};
  const upFeatures = upstreamServingFeatures();
  const features = Object.fromEntries(
    (Object.keys(FLAG_KEYS) as Array<keyof ServingFeatures>).map((k) => [k, flag(f[FLAG_KEYS[k]], upFeatures[k])]),
  ) as unknown as ServingFeatures;
  return {
    defaults,
    autoscaler: {
      podAutoscalerClass: a['pod-autoscaler-class'] ?? 'kpa.autoscaling.knative.dev',
      maxScaleLimit: int(a['max-scale-limit'], 0),
      allowZeroInitialScale: bool(a['allow-zero-initial-scale'], false),
    },
    features,
    clusterDomain: 'cluster.local',
  };
}
