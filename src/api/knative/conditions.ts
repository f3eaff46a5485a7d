/**
 * Status condition types of the Knative kinds and their "living" condition sets (Knative 1.15,
 * apis.NewLivingConditionSet): `Ready` is True when every dependent is True, False when any is
 * False, otherwise Unknown. Informational conditions are reported but never affect Ready.
 * Sources: knative/serving, knative/networking, knative/eventing *_lifecycle.go and
 * eventing-kafka-broker's receiver condition sets (kinds.md §3).
 */
export const READY = 'Ready';

export interface ConditionSet {
  /** The summary condition (always `Ready` for these kinds). */
  happy: typeof READY;
  /** Conditions whose conjunction makes Ready. */
  dependents: readonly string[];
  /** Conditions the kind also reports that do not affect Ready. */
  informational: readonly string[];
}

const set = (dependents: readonly string[], informational: readonly string[] = []): ConditionSet => ({ happy: READY, dependents, informational });

export const ServiceConditions = { Ready: READY, ConfigurationsReady: 'ConfigurationsReady', RoutesReady: 'RoutesReady' } as const;
export const ConfigurationConditions = { Ready: READY } as const;
export const RevisionConditions = { Ready: READY, ResourcesAvailable: 'ResourcesAvailable', ContainerHealthy: 'ContainerHealthy', Active: 'Active' } as const;
export const RouteConditions = { Ready: READY, AllTrafficAssigned: 'AllTrafficAssigned', IngressReady: 'IngressReady', CertificateProvisioned: 'CertificateProvisioned' } as const;
export const DomainMappingConditions = {
  Ready: READY, DomainClaimed: 'DomainClaimed', ReferenceResolved: 'ReferenceResolved', IngressReady: 'IngressReady', CertificateProvisioned: 'CertificateProvisioned',
} as const;
export const IngressConditions = { Ready: READY, NetworkConfigured: 'NetworkConfigured', LoadBalancerReady: 'LoadBalancerReady' } as const;
export const ServerlessServiceConditions = { Ready: READY, EndpointsPopulated: 'EndpointsPopulated', ActivatorEndpointsPopulated: 'ActivatorEndpointsPopulated' } as const;
export const CertificateConditions = { Ready: READY } as const;
export const PodAutoscalerConditions = { Ready: READY, Active: 'Active', ScaleTargetInitialized: 'ScaleTargetInitialized', SKSReady: 'SKSReady' } as const;
export const MetricConditions = { Ready: READY } as const;
export const BrokerConditions = {
  Ready: READY, IngressReady: 'IngressReady', TriggerChannelReady: 'TriggerChannelReady', FilterReady: 'FilterReady', Addressable: 'Addressable',
  DeadLetterSinkResolved: 'DeadLetterSinkResolved', EventPoliciesReady: 'EventPoliciesReady',
} as const;
export const TriggerConditions = {
  Ready: READY, BrokerReady: 'BrokerReady', SubscriptionReady: 'SubscriptionReady', DependencyReady: 'DependencyReady',
  SubscriberResolved: 'SubscriberResolved', DeadLetterSinkResolved: 'DeadLetterSinkResolved', OIDCIdentityCreated: 'OIDCIdentityCreated',
} as const;
export const ChannelConditions = {
  Ready: READY, BackingChannelReady: 'BackingChannelReady', Addressable: 'Addressable', DeadLetterSinkResolved: 'DeadLetterSinkResolved', EventPoliciesReady: 'EventPoliciesReady',
} as const;
export const InMemoryChannelConditions = {
  Ready: READY, DispatcherReady: 'DispatcherReady', ServiceReady: 'ServiceReady', EndpointsReady: 'EndpointsReady', Addressable: 'Addressable',
  ChannelServiceReady: 'ChannelServiceReady', DeadLetterSinkResolved: 'DeadLetterSinkResolved', EventPoliciesReady: 'EventPoliciesReady',
} as const;
export const SubscriptionConditions = {
  Ready: READY, ReferencesResolved: 'ReferencesResolved', AddedToChannel: 'AddedToChannel', ChannelReady: 'ChannelReady', OIDCIdentityCreated: 'OIDCIdentityCreated',
} as const;
export const PingSourceConditions = { Ready: READY, SinkProvided: 'SinkProvided', Deployed: 'Deployed', OIDCIdentityCreated: 'OIDCIdentityCreated' } as const;
export const ApiServerSourceConditions = {
  Ready: READY, SinkProvided: 'SinkProvided', Deployed: 'Deployed', SufficientPermissions: 'SufficientPermissions', OIDCIdentityCreated: 'OIDCIdentityCreated',
} as const;
export const SinkBindingConditions = { Ready: READY, SinkProvided: 'SinkProvided', OIDCIdentityCreated: 'OIDCIdentityCreated', OIDCTokenSecretCreated: 'OIDCTokenSecretCreated' } as const;
export const ContainerSourceConditions = { Ready: READY, SinkBindingReady: 'SinkBindingReady', ReceiveAdapterReady: 'ReceiveAdapterReady' } as const;
export const KafkaSinkConditions = {
  Ready: READY, Addressable: 'Addressable', DataPlaneAvailable: 'DataPlaneAvailable', TopicReady: 'TopicReady', ConfigMapUpdated: 'ConfigMapUpdated',
  ConfigParsed: 'ConfigParsed', ProbeSucceeded: 'ProbeSucceeded',
} as const;
export const KafkaChannelConditions = {
  Ready: READY, Subscribers: 'Subscribers', TopicReady: 'TopicReady', ConfigMapUpdated: 'ConfigMapUpdated', ConfigParsed: 'ConfigParsed', ProbeSucceeded: 'ProbeSucceeded',
  Addressable: 'Addressable', ConfigurationReady: 'ConfigurationReady', ChannelServiceReady: 'ChannelServiceReady', DispatcherReady: 'DispatcherReady',
  ServiceReady: 'ServiceReady', EndpointsReady: 'EndpointsReady',
} as const;
export const KafkaSourceConditions = {
  Ready: READY, SinkProvided: 'SinkProvided', Scheduled: 'Scheduled', InitialOffsetsCommitted: 'InitialOffsetsCommitted', ConnectionEstablished: 'ConnectionEstablished',
} as const;

/** `<Kind>.<group>` → its condition set. */
export const CONDITION_SETS: Readonly<Record<string, ConditionSet>> = {
  'Service.serving.knative.dev': set(['ConfigurationsReady', 'RoutesReady']),
  'Configuration.serving.knative.dev': set([]),
  'Revision.serving.knative.dev': set(['ResourcesAvailable', 'ContainerHealthy'], ['Active']),
  'Route.serving.knative.dev': set(['AllTrafficAssigned', 'IngressReady', 'CertificateProvisioned']),
  'DomainMapping.serving.knative.dev': set(['DomainClaimed', 'ReferenceResolved', 'IngressReady', 'CertificateProvisioned']),
  'Ingress.networking.internal.knative.dev': set(['NetworkConfigured', 'LoadBalancerReady']),
  'ServerlessService.networking.internal.knative.dev': set(['EndpointsPopulated'], ['ActivatorEndpointsPopulated']),
  'Certificate.networking.internal.knative.dev': set([]),
  'PodAutoscaler.autoscaling.internal.knative.dev': set(['Active', 'ScaleTargetInitialized', 'SKSReady']),
  'Metric.autoscaling.internal.knative.dev': set([]),
  'Broker.eventing.knative.dev': set(['IngressReady', 'TriggerChannelReady', 'FilterReady', 'Addressable', 'DeadLetterSinkResolved', 'EventPoliciesReady']),
  'Trigger.eventing.knative.dev': set(['BrokerReady', 'SubscriptionReady', 'DependencyReady', 'SubscriberResolved', 'DeadLetterSinkResolved', 'OIDCIdentityCreated']),
  'Channel.messaging.knative.dev': set(['BackingChannelReady', 'Addressable', 'DeadLetterSinkResolved', 'EventPoliciesReady']),
  'InMemoryChannel.messaging.knative.dev': set(['ServiceReady', 'EndpointsReady', 'Addressable', 'ChannelServiceReady', 'DeadLetterSinkResolved', 'EventPoliciesReady'], ['DispatcherReady']),
  'Subscription.messaging.knative.dev': set(['ReferencesResolved', 'AddedToChannel', 'ChannelReady', 'OIDCIdentityCreated']),
  'PingSource.sources.knative.dev': set(['SinkProvided', 'Deployed', 'OIDCIdentityCreated']),
  'ApiServerSource.sources.knative.dev': set(['SinkProvided', 'Deployed', 'SufficientPermissions', 'OIDCIdentityCreated']),
  'SinkBinding.sources.knative.dev': set(['SinkProvided', 'OIDCIdentityCreated', 'OIDCTokenSecretCreated']),
  'ContainerSource.sources.knative.dev': set(['SinkBindingReady', 'ReceiveAdapterReady']),
  'KafkaSink.eventing.knative.dev': set(['Addressable', 'DataPlaneAvailable', 'TopicReady', 'ConfigMapUpdated', 'ConfigParsed', 'ProbeSucceeded']),
  'KafkaChannel.messaging.knative.dev': set(['Subscribers', 'TopicReady', 'ConfigMapUpdated', 'ConfigParsed', 'ProbeSucceeded']),
  'KafkaSource.sources.knative.dev': set(['SinkProvided', 'Scheduled', 'InitialOffsetsCommitted', 'ConnectionEstablished']),
};

export function conditionSetFor(kind: string, group: string): ConditionSet | undefined {
  return CONDITION_SETS[`${kind}.${group}`];
}
