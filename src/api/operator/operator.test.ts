import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFieldErrors } from '../field-error.ts';
import type { KindDefinition } from '../kind.ts';
import type { KubeObject } from '../object.ts';
import { schemaProblems } from '../mesh/testing/schema-check.ts';
import { operatorKinds, validateKnativeEventingAdmission, validateKnativeKafkaAdmission, validateKnativeServingAdmission } from './index.ts';
import { defaultKnativeServing } from './knative-serving.ts';

function kind(name: string): KindDefinition {
  const def = operatorKinds().find((k) => k.kind === name);
  assert.ok(def);
  return def;
}

function obj(kindName: string, name: string, namespace: string, spec: Record<string, unknown> = {}): KubeObject {
  const def = kind(kindName);
  return { apiVersion: `${def.group}/${def.versions[0]!.name}`, kind: kindName, metadata: { name, namespace }, spec };
}

test('identities as kinds.md lists them', () => {
  const rows = operatorKinds().map((d) => [d.group, d.kind, d.plural, d.singular, d.listKind, d.versions.map((v) => `${v.name}${v.storage ? '*' : ''}`).join(','), [...d.shortNames], [...d.categories]]);
  assert.deepEqual(rows, [
    ['operator.knative.dev', 'KnativeServing', 'knativeservings', 'knativeserving', 'KnativeServingList', 'v1beta1*', [], []],
    ['operator.knative.dev', 'KnativeEventing', 'knativeeventings', 'knativeeventing', 'KnativeEventingList', 'v1beta1*', [], []],
    ['operator.serverless.openshift.io', 'KnativeKafka', 'knativekafkas', 'knativekafka', 'KnativeKafkaList', 'v1alpha1*', [], []],
  ]);
  for (const d of operatorKinds()) {
    assert.deepEqual(d.subresources, { status: true });
    assert.equal(d.builtin, false);
    assert.equal(d.generation, 'spec');
  }
});

test('columns: Version, Ready, Reason with each CRD\'s quoting and no Age', () => {
  const columns = (name: string): unknown => kind(name).versions[0]!.printerColumns!.map((c) => [c.name, c.type, c.jsonPath, c.priority ?? 0]);
  const withReason = (reason: string): unknown => [
    ['Version', 'string', '.status.version', 0],
    ['Ready', 'string', '.status.conditions[?(@.type=="Ready")].status', 0],
    ['Reason', 'string', reason, 0],
  ];
  assert.deepEqual(columns('KnativeServing'), withReason('.status.conditions[?(@.type=="Ready")].reason'));
  assert.deepEqual(columns('KnativeEventing'), withReason('.status.conditions[?(@.type=="Ready")].reason'));
  assert.deepEqual(columns('KnativeKafka'), withReason(".status.conditions[?(@.type=='Ready')].reason"));
});

test('each CR only in its namespace, with the webhooks\' messages', () => {
  const check = (k: string, ns: string): string => formatFieldErrors(kind(k).validate!(obj(k, 'x', ns, { channel: { enabled: false }, source: { enabled: false } }), { operation: 'create' }));
  assert.equal(check('KnativeServing', 'default'), 'metadata.namespace: Forbidden: KnativeServing may only be created in knative-serving namespace');
  assert.equal(check('KnativeEventing', 'knative-serving'), 'metadata.namespace: Forbidden: KnativeEventing may only be created in knative-eventing namespace');
  assert.equal(check('KnativeKafka', 'default'), 'metadata.namespace: Forbidden: KnativeKafka may only be created in knative-eventing namespace');
  assert.deepEqual(kind('KnativeServing').validate!(obj('KnativeServing', 'knative-serving', 'knative-serving'), { operation: 'create' }), []);
});

test('one CR per namespace; KnativeKafka after KnativeEventing', () => {
  const ks = obj('KnativeServing', 'knative-serving', 'knative-serving');
  const other = obj('KnativeServing', 'second', 'knative-serving');
  assert.deepEqual(validateKnativeServingAdmission(ks, { knativeServings: [ks] }), []);
  assert.equal(formatFieldErrors(validateKnativeServingAdmission(other, { knativeServings: [ks] })), 'metadata.name: Forbidden: Only one KnativeServing allowed per namespace');
  const ke = obj('KnativeEventing', 'knative-eventing', 'knative-eventing');
  assert.equal(formatFieldErrors(validateKnativeEventingAdmission(obj('KnativeEventing', 'b', 'knative-eventing'), { knativeEventings: [ke] })),
    'metadata.name: Forbidden: Only one KnativeEventing allowed per namespace');
  const kk = obj('KnativeKafka', 'knative-kafka', 'knative-eventing');
  assert.equal(formatFieldErrors(validateKnativeKafkaAdmission(kk, { knativeKafkas: [], knativeEventings: [] })),
    'metadata.namespace: Forbidden: KnativeEventing instance must be installed before KnativeKafka');
  assert.deepEqual(validateKnativeKafkaAdmission(kk, { knativeKafkas: [kk], knativeEventings: [ke] }), []);
  assert.equal(formatFieldErrors(validateKnativeKafkaAdmission(obj('KnativeKafka', 'two', 'knative-eventing'), { knativeKafkas: [kk], knativeEventings: [ke] })),
    'metadata.name: Forbidden: Only one KnativeKafka allowed per namespace');
});

test('KnativeKafka channel shape', () => {
  const errors = (channel: Record<string, unknown>): string => formatFieldErrors(kind('KnativeKafka').validate!(obj('KnativeKafka', 'k', 'knative-eventing', { channel, source: { enabled: true } }), { operation: 'create' }));
  assert.equal(errors({ enabled: true }), 'spec.channel.bootstrapServers: Required value: spec.channel.bootStrapServers is a required detail when spec.channel.enabled is true');
  assert.equal(errors({ enabled: true, bootstrapServers: 'b:9092', authSecretName: 's' }),
    'spec.channel.authSecretNamespace: Required value: spec.channel.authSecretNamespace is required when spec.channel.authSecretName is defined');
});

test('KnativeKafka: spec.broker.sink is accepted as a documented alias, applied as spec.sink, and warned about', () => {
  const def = kind('KnativeKafka');
  const seed = obj('KnativeKafka', 'knative-kafka', 'knative-eventing', {
    channel: { enabled: true, bootstrapServers: 'my-cluster-kafka-bootstrap.kafka:9092' },
    source: { enabled: true },
    broker: { enabled: true, defaultConfig: { bootstrapServers: 'my-cluster-kafka-bootstrap.kafka:9092', numPartitions: 10, replicationFactor: 1 }, sink: { enabled: true } },
  });
  const schema = def.versions[0]!.schema;
  assert.match(schema.properties?.spec?.properties?.broker?.properties?.sink?.description ?? '', /^Deprecated alias accepted by skiff only/);
  assert.deepEqual(schemaProblems(schema, seed), []);
  def.defaults!(seed);
  assert.deepEqual((seed.spec as { sink: unknown }).sink, { enabled: true });
  assert.deepEqual(def.validate!(seed, { operation: 'create' }), []);
  assert.deepEqual(def.warnings!(seed, { operation: 'create' }), [
    'spec.broker.sink is not a KnativeKafka field (OpenShift Serverless rejects it: unknown field "spec.broker.sink"); skiff applied it as spec.sink.enabled: true. '
    + 'Move it to the top level of spec: "sink: {enabled: true}" (spec.sink.enabled).',
  ]);
  // An explicit top-level sink wins over the alias.
  const both = obj('KnativeKafka', 'k', 'knative-eventing', { channel: { enabled: false }, source: { enabled: false }, sink: { enabled: false }, broker: { enabled: true, sink: { enabled: true } } });
  def.defaults!(both);
  assert.deepEqual((both.spec as { sink: unknown }).sink, { enabled: false });
  assert.match(def.warnings!(both, { operation: 'create' })[0]!, /spec\.sink is also set and wins \(spec\.sink\.enabled: false\)/);
  // The correct form draws no warning.
  assert.deepEqual(def.warnings!(obj('KnativeKafka', 'k', 'knative-eventing', { channel: { enabled: false }, source: { enabled: false }, sink: { enabled: true } }), { operation: 'create' }), []);
});

test('KnativeServing defaulting: Kourier when no ingress is enabled; registry override dropped', () => {
  const ks = obj('KnativeServing', 'knative-serving', 'knative-serving', { ingress: { istio: { enabled: false } }, registry: { default: 'r', override: { a: 'b' } } });
  defaultKnativeServing(ks);
  assert.deepEqual(ks.spec, { ingress: { istio: { enabled: false }, kourier: { enabled: true } }, registry: { default: 'r' } });
  const istio = obj('KnativeServing', 'knative-serving', 'knative-serving', { ingress: { istio: { enabled: true } } });
  defaultKnativeServing(istio);
  assert.deepEqual(istio.spec, { ingress: { istio: { enabled: true } } });
});
