import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../object.ts';
import { admitMessage, defaulted } from '../testing.ts';

const EVENTING = 'admission webhook "validation.webhook.eventing.knative.dev" denied the request: validation failed: ';
const KAFKA = 'admission webhook "validation.webhook.kafka.eventing.knative.dev" denied the request: validation failed: ';
const IMC = 'admission webhook "validation.inmemorychannel.eventing.knative.dev" denied the request: validation failed: ';

const obj = (apiVersion: string, kind: string, spec: Record<string, unknown>, meta: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion, kind, metadata: { name: 'x', namespace: 'default', ...meta }, spec,
});
const SINK = { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'event-display' } };

describe('eventing defaults', () => {
  it('gives a Broker the MTChannelBasedBroker class, its config and the default delivery', () => {
    const b = defaulted(obj('eventing.knative.dev/v1', 'Broker', {}));
    assert.equal(b.metadata.annotations?.['eventing.knative.dev/broker.class'], 'MTChannelBasedBroker');
    assert.deepEqual(b.spec, {
      config: { apiVersion: 'v1', kind: 'ConfigMap', name: 'config-br-default-channel', namespace: 'knative-eventing' },
      delivery: { retry: 10, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S' },
    });
    const kafka = defaulted(obj('eventing.knative.dev/v1', 'Broker', { delivery: { retry: 3 } }, { annotations: { 'eventing.knative.dev/broker.class': 'Kafka' } }));
    assert.equal(kafka.metadata.annotations?.['eventing.knative.dev/broker.class'], 'Kafka');
    assert.deepEqual((kafka.spec as Record<string, unknown>).delivery, { retry: 3 });
  });

  it('gives a Trigger an empty filter, the broker label and namespaced refs', () => {
    const t = defaulted(obj('eventing.knative.dev/v1', 'Trigger', { broker: 'default', subscriber: structuredClone(SINK) }));
    assert.deepEqual(t.spec, { broker: 'default', filter: {}, subscriber: { ref: { ...SINK.ref, namespace: 'default' } } });
    assert.deepEqual(t.metadata.labels, { 'eventing.knative.dev/broker': 'default' });
  });

  it('defaults channels to InMemoryChannel and marks them subscribable v1', () => {
    const ch = defaulted(obj('messaging.knative.dev/v1', 'Channel', {}));
    assert.deepEqual(ch.spec, { channelTemplate: { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' } });
    assert.equal(ch.metadata.annotations?.['messaging.knative.dev/subscribable'], 'v1');
    const imc = defaulted(obj('messaging.knative.dev/v1', 'InMemoryChannel', {}));
    assert.equal(imc.metadata.annotations?.['messaging.knative.dev/subscribable'], 'v1');
  });

  it('namespaces Subscription destinations', () => {
    const s = defaulted(obj('messaging.knative.dev/v1', 'Subscription', { channel: { apiVersion: 'messaging.knative.dev/v1', kind: 'Channel', name: 'c' }, subscriber: structuredClone(SINK), reply: structuredClone(SINK) }));
    const spec = s.spec as { subscriber: { ref: { namespace: string } }; reply: { ref: { namespace: string } }; channel: Record<string, string> };
    assert.equal(spec.subscriber.ref.namespace, 'default');
    assert.equal(spec.reply.ref.namespace, 'default');
    assert.equal(spec.channel.namespace, undefined);
  });

  it('defaults sources', () => {
    assert.equal((defaulted(obj('sources.knative.dev/v1', 'PingSource', { sink: SINK })).spec as Record<string, unknown>).schedule, '* * * * *');
    const api = defaulted(obj('sources.knative.dev/v1', 'ApiServerSource', {}));
    assert.deepEqual(api.spec, { mode: 'Reference', serviceAccountName: 'default' });
    const sb = defaulted(obj('sources.knative.dev/v1', 'SinkBinding', { subject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' } }));
    assert.equal((sb.spec as { subject: { namespace: string } }).subject.namespace, 'default');
    const cs = defaulted(obj('sources.knative.dev/v1', 'ContainerSource', { template: { spec: { containers: [{ image: 'a/b' }, { image: 'c/d', name: 'named' }] } } }, { name: 'heartbeat' }));
    assert.deepEqual((cs.spec as { template: { spec: { containers: Array<{ name: string }> } } }).template.spec.containers.map((c) => c.name), ['heartbeat-0', 'named']);
  });

  it('defaults the Kafka kinds', () => {
    const kc = defaulted(obj('messaging.knative.dev/v1beta1', 'KafkaChannel', {}));
    assert.deepEqual(kc.spec, { numPartitions: 1, replicationFactor: 1, retentionDuration: 'PT168H' });
    const sink = defaulted(obj('eventing.knative.dev/v1alpha1', 'KafkaSink', { topic: 't', bootstrapServers: ['b:9092'] }));
    assert.equal((sink.spec as Record<string, unknown>).contentMode, 'binary');
    const src = defaulted(obj('sources.knative.dev/v1beta1', 'KafkaSource', { topics: ['t'], bootstrapServers: ['b:9092'], sink: SINK }));
    const spec = src.spec as Record<string, unknown>;
    assert.match(spec.consumerGroup as string, /^knative-kafka-source-[0-9a-f-]{36}$/);
    assert.equal(spec.consumers, 1);
    assert.equal(spec.initialOffset, 'latest');
    assert.equal(spec.ordering, 'ordered');
  });
});

const trigger = (spec: Record<string, unknown>): KubeObject => obj('eventing.knative.dev/v1', 'Trigger', { broker: 'default', subscriber: SINK, ...spec });
const ping = (spec: Record<string, unknown>): KubeObject => obj('sources.knative.dev/v1', 'PingSource', { sink: SINK, ...spec });

const CASES: Array<[string, KubeObject, string | undefined]> = [
  ['a valid Trigger', trigger({}), undefined],
  ['a Trigger needs a broker', obj('eventing.knative.dev/v1', 'Trigger', { subscriber: SINK }), `${EVENTING}missing field(s): spec.broker`],
  ['a sink needs a ref or a URI', trigger({ subscriber: {} }), `${EVENTING}expected at least one, got none: spec.subscriber.ref, spec.subscriber.uri`],
  ['a bare URI must be absolute', trigger({ subscriber: { uri: '/path' } }), `${EVENTING}invalid value: Relative URI is not allowed when Ref and [apiVersion, kind, name] is absent: spec.subscriber.uri`],
  ['a ref with an absolute URI', trigger({ subscriber: { ...SINK, uri: 'http://x/y' } }),
    `${EVENTING}Absolute URI is not allowed when Ref or [apiVersion, kind, name] is present: spec.subscriber.ref, spec.subscriber.uri, spec.subscriber[apiVersion, kind, name]`],
  ['a ref needs kind', trigger({ subscriber: { ref: { apiVersion: 'v1', name: 's' } } }), `${EVENTING}missing field(s): spec.subscriber.ref.kind`],
  ['attribute names are lowercase alphanumeric', trigger({ filter: { attributes: { Type: 'x' } } }),
    `${EVENTING}invalid key name "Type": spec.filter.attributes[Type]\nAttribute name must start with a letter and can only contain lowercase alphanumeric`],
  ['one dialect per filter', trigger({ filters: [{ exact: { type: 'a' }, prefix: { type: 'b' } }] }), `${EVENTING}multiple dialects found, filters can have only one dialect set: `],
  ['delivery backoff policy', trigger({ delivery: { backoffPolicy: 'sometimes' } }), `${EVENTING}invalid value: sometimes: spec.delivery.backoffPolicy`],
  ['delivery backoff delay', trigger({ delivery: { backoffDelay: '1s' } }), `${EVENTING}invalid value: 1s: spec.delivery.backoffDelay`],
  ['retryAfterMax needs its feature', trigger({ delivery: { retryAfterMax: 'PT1S' } }), `${EVENTING}must not set the field(s): spec.delivery.retryAfterMax`],
  ['a valid PingSource', ping({ schedule: '*/1 * * * *', contentType: 'application/json', data: '{"message": "Hello world!"}' }), undefined],
  ['the schedule must parse', ping({ schedule: '* * *' }), `${EVENTING}invalid value: expected 5 to 6 fields, found 3: [* * *]: spec.schedule`],
  ['@every is not supported', ping({ schedule: '@every 1m' }), `${EVENTING}invalid value: unsupported descriptor @every: spec.schedule`],
  ['the time zone must exist', ping({ schedule: '0 9 * * *', timezone: 'Mars/Base' }), `${EVENTING}invalid value: provided bad location Mars/Base: unknown time zone Mars/Base: spec.timezone`],
  ['a PingSource needs a sink', obj('sources.knative.dev/v1', 'PingSource', {}), `${EVENTING}expected at least one, got none: spec.sink.ref, spec.sink.uri`],
  ['data or dataBase64', ping({ data: 'a', dataBase64: 'YQ==' }), `${EVENTING}expected exactly one, got both: spec.data, spec.dataBase64`],
  ['JSON data must be a JSON object', ping({ contentType: 'application/json', data: '[1]' }),
    `${EVENTING}invalid value: json: cannot unmarshal array into Go value of type map[string]interface {}: spec.data`],
  ['an ApiServerSource needs resources', obj('sources.knative.dev/v1', 'ApiServerSource', { sink: SINK }), `${EVENTING}missing field(s): spec.resources`],
  ['ApiServerSource modes', obj('sources.knative.dev/v1', 'ApiServerSource', { sink: SINK, mode: 'Full', resources: [{ apiVersion: 'v1', kind: 'Event' }] }), `${EVENTING}invalid value: Full: spec.mode`],
  ['a SinkBinding subject needs a name or selector', obj('sources.knative.dev/v1', 'SinkBinding', { sink: SINK, subject: { apiVersion: 'apps/v1', kind: 'Deployment' } }),
    `${EVENTING}expected exactly one, got neither: spec.subject.name, spec.subject.selector`],
  ['a ContainerSource needs containers', obj('sources.knative.dev/v1', 'ContainerSource', { sink: SINK, template: { spec: { containers: [] } } }), `${EVENTING}missing field(s): spec.containers`],
  ['a Subscription needs a channel', obj('messaging.knative.dev/v1', 'Subscription', { subscriber: SINK }), `${EVENTING}missing field(s): spec.channel\nthe Subscription must reference a channel`],
  ['a Subscription needs a subscriber', obj('messaging.knative.dev/v1', 'Subscription', { channel: { apiVersion: 'messaging.knative.dev/v1', kind: 'Channel', name: 'c' } }),
    `${EVENTING}missing field(s): spec.subscriber\nthe Subscription must reference a subscriber`],
  ['Kafka brokers take a ConfigMap', obj('eventing.knative.dev/v1', 'Broker', { config: { apiVersion: 'v1', kind: 'Secret', name: 's' } }, { annotations: { 'eventing.knative.dev/broker.class': 'Kafka' } }),
    `${KAFKA}invalid value: Secret: spec.config.kind\nExpected ConfigMap`],
  ['a KafkaSink needs a topic and servers', obj('eventing.knative.dev/v1alpha1', 'KafkaSink', {}), `${KAFKA}invalid value: : spec.topic\ninvalid value: []: spec.bootstrapServers`],
  ['a KafkaSource needs topics and servers', obj('sources.knative.dev/v1beta1', 'KafkaSource', { sink: SINK }), `${KAFKA}missing field(s): spec.bootstrapServers, spec.topics`],
  ['KafkaChannel partitions', obj('messaging.knative.dev/v1beta1', 'KafkaChannel', { numPartitions: -1 }), `${KAFKA}invalid value: -1: spec.numPartitions`],
  ['IMC subscribers need a URI', obj('messaging.knative.dev/v1', 'InMemoryChannel', { subscribers: [{ uid: 'u' }] }),
    `${IMC}missing field(s): spec.subscribable.subscriber[0].replyURI, spec.subscribable.subscriber[0].subscriberURI\nexpected at least one of, got none`],
];

describe('eventing validation messages', () => {
  for (const [name, o, message] of CASES) it(name, () => assert.equal(admitMessage(structuredClone(o)), message));
});

describe('eventing immutability', () => {
  it('keeps a Trigger on its broker', () => {
    const old = defaulted(trigger({}));
    const next = structuredClone(old);
    (next.spec as Record<string, unknown>).broker = 'other';
    assert.equal(admitMessage(next, { operation: 'update', old }, false), `${EVENTING}Immutable fields changed (-old +new): broker, spec\n{string}:\n\t-: "default"\n\t+: "other"\n`);
  });

  it('keeps a Broker class and config, but lets delivery change', () => {
    const old = defaulted(obj('eventing.knative.dev/v1', 'Broker', {}));
    const delivery = structuredClone(old);
    (delivery.spec as Record<string, unknown>).delivery = { retry: 1 };
    assert.equal(admitMessage(delivery, { operation: 'update', old }, false), undefined);
    const cls = structuredClone(old);
    cls.metadata.annotations!['eventing.knative.dev/broker.class'] = 'Kafka';
    assert.equal(admitMessage(cls, { operation: 'update', old }, false),
      `${EVENTING}Immutable annotations changed (-old +new): annotations\n{string}:\n\t-: "MTChannelBasedBroker"\n\t+: "Kafka"\n`);
  });

  it('keeps a Subscription on its channel', () => {
    const old = obj('messaging.knative.dev/v1', 'Subscription', { channel: { apiVersion: 'messaging.knative.dev/v1', kind: 'Channel', name: 'a' }, subscriber: SINK });
    const next = structuredClone(old);
    (next.spec as { channel: { name: string } }).channel.name = 'b';
    assert.match(admitMessage(next, { operation: 'update', old }) ?? '', /^admission webhook "validation.webhook.eventing.knative.dev" denied the request: validation failed: Immutable fields changed \(-old \+new\): spec\n/);
  });

  it('lets only the eventing controller change channel subscribers', () => {
    const old = defaulted(obj('messaging.knative.dev/v1', 'InMemoryChannel', {}));
    const next = structuredClone(old);
    (next.spec as Record<string, unknown>).subscribers = [{ uid: 'u', subscriberUri: 'http://s' }];
    assert.match(admitMessage(next, { operation: 'update', old, user: 'alice' }) ?? '',
      /Channel\.Spec\.Subscribers changed by user alice which was not the system:serviceaccount:knative-eventing:eventing-controller service account: spec\.subscribers\n/);
    assert.equal(admitMessage(next, { operation: 'update', old, user: 'system:serviceaccount:knative-eventing:eventing-controller' }), undefined);
  });

  it('keeps Kafka topics', () => {
    const old = defaulted(obj('eventing.knative.dev/v1alpha1', 'KafkaSink', { topic: 'a', bootstrapServers: ['b:9092'] }));
    const next = structuredClone(old);
    (next.spec as Record<string, unknown>).topic = 'b';
    assert.equal(admitMessage(next, { operation: 'update', old }), `${KAFKA}Immutable field updated: spec.topic`);
    const src = defaulted(obj('sources.knative.dev/v1beta1', 'KafkaSource', { topics: ['t'], bootstrapServers: ['b:9092'], sink: SINK }));
    const moved = structuredClone(src);
    (moved.spec as Record<string, unknown>).consumerGroup = 'mine';
    assert.match(admitMessage(moved, { operation: 'update', old: src }) ?? '', /Immutable fields changed \(-old \+new\): spec\n\{string\}:/);
  });
});
