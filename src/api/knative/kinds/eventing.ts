/**
 * eventing.knative.dev, messaging.knative.dev and sources.knative.dev kinds, including the
 * Kafka ones (kinds.md §1, §2.1). Column quirks kept from upstream: quote styles differ per CRD
 * (ContainerSource even mixes them), KafkaChannel puts Ready/Reason first, and KafkaSource
 * prints its topic and server lists as JSON and has a scale subresource over `spec.consumers`.
 */
import type { KindDefinition } from '../../kind.ts';
import type { ConfigSource } from '../admission.ts';
import { brokerAdmission, triggerAdmission } from '../eventing/broker-trigger.ts';
import { kafkaChannelAdmission, kafkaSinkAdmission, kafkaSourceAdmission } from '../eventing/kafka.ts';
import { channelAdmission, inMemoryChannelAdmission, subscriptionAdmission } from '../eventing/messaging.ts';
import { apiServerSourceAdmission, containerSourceAdmission, pingSourceAdmission, sinkBindingAdmission } from '../eventing/sources.ts';
import { AGE, knativeKind, readyReason, SINK, URL_ADDRESS } from './build.ts';

const EVENTING = 'eventing.knative.dev';
const MESSAGING = 'messaging.knative.dev';
const SOURCES = 'sources.knative.dev';

export const PING_V1BETA2_DEPRECATION =
  'sources.knative.dev/v1beta2 PingSource is deprecated; see https://knative.dev/docs/eventing/sources/ping-source/ for instructions to migrate to sources.knative.dev/v1 PingSource';

export function eventingKinds(config: ConfigSource): KindDefinition[] {
  const pingColumns = [SINK, { name: 'Schedule', type: 'string' as const, jsonPath: '.spec.schedule' }, AGE, ...readyReason("'")];
  return [
    knativeKind({
      group: EVENTING, kind: 'Broker', plural: 'brokers', shortNames: [], categories: ['all', 'knative', 'eventing'],
      versions: [{
        name: 'v1', storage: true,
        columns: [
          URL_ADDRESS, AGE, ...readyReason('"'),
          { name: 'Class', type: 'string', priority: 1, jsonPath: '.metadata.annotations.eventing\\.knative\\.dev/broker\\.class' },
        ],
      }],
      admission: brokerAdmission,
    }, config),
    knativeKind({
      group: EVENTING, kind: 'Trigger', plural: 'triggers', shortNames: [], categories: ['all', 'knative', 'eventing'],
      versions: [{
        name: 'v1', storage: true,
        columns: [
          { name: 'Broker', type: 'string', jsonPath: '.spec.broker' },
          { name: 'Subscriber_URI', type: 'string', jsonPath: '.status.subscriberUri' },
          AGE, ...readyReason('"'),
        ],
      }],
      admission: triggerAdmission,
    }, config),
    knativeKind({
      group: EVENTING, kind: 'KafkaSink', plural: 'kafkasinks', shortNames: [], categories: ['all', 'knative', 'eventing'],
      versions: [{ name: 'v1alpha1', storage: true, columns: [URL_ADDRESS, AGE, ...readyReason('"')] }],
      admission: kafkaSinkAdmission,
    }, config),
    knativeKind({
      group: MESSAGING, kind: 'Channel', plural: 'channels', shortNames: ['ch'], categories: ['all', 'knative', 'messaging', 'channel'],
      versions: [{ name: 'v1', storage: true, columns: [URL_ADDRESS, AGE, ...readyReason('"')] }],
      admission: channelAdmission,
    }, config),
    knativeKind({
      group: MESSAGING, kind: 'InMemoryChannel', plural: 'inmemorychannels', shortNames: ['imc'], categories: ['all', 'knative', 'messaging', 'channel'],
      versions: [{ name: 'v1', storage: true, columns: [URL_ADDRESS, AGE, ...readyReason('"')] }],
      admission: inMemoryChannelAdmission,
    }, config),
    knativeKind({
      group: MESSAGING, kind: 'Subscription', plural: 'subscriptions', shortNames: ['sub'], categories: ['all', 'knative', 'messaging'],
      versions: [{ name: 'v1', storage: true, columns: [AGE, ...readyReason('"')] }],
      admission: subscriptionAdmission,
    }, config),
    knativeKind({
      group: MESSAGING, kind: 'KafkaChannel', plural: 'kafkachannels', shortNames: ['kc'], categories: ['all', 'knative', 'messaging', 'channel'],
      versions: [{ name: 'v1beta1', storage: true, columns: [...readyReason('"'), URL_ADDRESS, AGE] }],
      admission: kafkaChannelAdmission,
    }, config),
    knativeKind({
      group: SOURCES, kind: 'PingSource', plural: 'pingsources', shortNames: [], categories: ['all', 'knative', 'sources'],
      versions: [
        { name: 'v1', storage: true, columns: pingColumns },
        { name: 'v1beta2', storage: false, columns: pingColumns, deprecationWarning: PING_V1BETA2_DEPRECATION },
      ],
      admission: pingSourceAdmission,
    }, config),
    knativeKind({
      group: SOURCES, kind: 'ApiServerSource', plural: 'apiserversources', shortNames: [], categories: ['all', 'knative', 'sources'],
      versions: [{ name: 'v1', storage: true, columns: [SINK, AGE, ...readyReason('"')] }],
      admission: apiServerSourceAdmission,
    }, config),
    knativeKind({
      group: SOURCES, kind: 'SinkBinding', plural: 'sinkbindings', shortNames: [], categories: ['all', 'knative', 'sources', 'bindings'],
      versions: [{ name: 'v1', storage: true, columns: [SINK, AGE, ...readyReason("'")] }],
      admission: sinkBindingAdmission,
    }, config),
    knativeKind({
      group: SOURCES, kind: 'ContainerSource', plural: 'containersources', shortNames: [], categories: ['all', 'knative', 'sources'],
      versions: [{ name: 'v1', storage: true, columns: [SINK, AGE, ...readyReason('"', "'")] }],
      admission: containerSourceAdmission,
    }, config),
    knativeKind({
      group: SOURCES, kind: 'KafkaSource', plural: 'kafkasources', shortNames: [], categories: ['all', 'knative', 'eventing', 'sources'],
      versions: [{
        name: 'v1beta1', storage: true,
        columns: [
          { name: 'Topics', type: 'string', jsonPath: '.spec.topics' },
          { name: 'BootstrapServers', type: 'string', jsonPath: '.spec.bootstrapServers' },
          ...readyReason('"'),
          AGE,
        ],
      }],
      scale: { specReplicasPath: '.spec.consumers', statusReplicasPath: '.status.consumers', labelSelectorPath: '.status.selector' },
      admission: kafkaSourceAdmission,
    }, config),
  ];
}
