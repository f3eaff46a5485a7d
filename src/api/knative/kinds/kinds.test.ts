/**
 * The Knative kinds against kinds.md (§1 identities, §2.1 printer columns, transcribed below)
 * and against the upstream CRDs the converter recorded in crd-identities.json.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KindDefinition, PrinterColumn } from '../../kind.ts';
import { knativeKinds } from '../index.ts';
import identities from '../schemas/crd-identities.json' with { type: 'json' };

interface Identity { group: string; kind: string; versions: string[]; storage: string; plural: string; singular: string; shortNames: string[]; categories: string[]; scale?: boolean }

// kinds.md §1 (Knative rows).
const EXPECTED: Identity[] = [
  { group: 'serving.knative.dev', kind: 'Service', versions: ['v1'], storage: 'v1', plural: 'services', singular: 'service', shortNames: ['kservice', 'ksvc'], categories: ['all', 'knative', 'serving'] },
  { group: 'serving.knative.dev', kind: 'Configuration', versions: ['v1'], storage: 'v1', plural: 'configurations', singular: 'configuration', shortNames: ['config', 'cfg'], categories: ['all', 'knative', 'serving'] },
  { group: 'serving.knative.dev', kind: 'Revision', versions: ['v1'], storage: 'v1', plural: 'revisions', singular: 'revision', shortNames: ['rev'], categories: ['all', 'knative', 'serving'] },
  { group: 'serving.knative.dev', kind: 'Route', versions: ['v1'], storage: 'v1', plural: 'routes', singular: 'route', shortNames: ['rt'], categories: ['all', 'knative', 'serving'] },
  { group: 'serving.knative.dev', kind: 'DomainMapping', versions: ['v1beta1'], storage: 'v1beta1', plural: 'domainmappings', singular: 'domainmapping', shortNames: ['dm'], categories: ['all', 'knative', 'serving'] },
  { group: 'networking.internal.knative.dev', kind: 'Ingress', versions: ['v1alpha1'], storage: 'v1alpha1', plural: 'ingresses', singular: 'ingress', shortNames: ['kingress', 'king'], categories: ['knative-internal', 'networking'] },
  { group: 'networking.internal.knative.dev', kind: 'ServerlessService', versions: ['v1alpha1'], storage: 'v1alpha1', plural: 'serverlessservices', singular: 'serverlessservice', shortNames: ['sks'], categories: ['knative-internal', 'networking'] },
  { group: 'networking.internal.knative.dev', kind: 'Certificate', versions: ['v1alpha1'], storage: 'v1alpha1', plural: 'certificates', singular: 'certificate', shortNames: ['kcert'], categories: ['knative-internal', 'networking'] },
  { group: 'autoscaling.internal.knative.dev', kind: 'PodAutoscaler', versions: ['v1alpha1'], storage: 'v1alpha1', plural: 'podautoscalers', singular: 'podautoscaler', shortNames: ['kpa', 'pa'], categories: ['knative-internal', 'autoscaling'] },
  { group: 'autoscaling.internal.knative.dev', kind: 'Metric', versions: ['v1alpha1'], storage: 'v1alpha1', plural: 'metrics', singular: 'metric', shortNames: [], categories: ['knative-internal', 'autoscaling'] },
  { group: 'eventing.knative.dev', kind: 'Broker', versions: ['v1'], storage: 'v1', plural: 'brokers', singular: 'broker', shortNames: [], categories: ['all', 'knative', 'eventing'] },
  { group: 'eventing.knative.dev', kind: 'Trigger', versions: ['v1'], storage: 'v1', plural: 'triggers', singular: 'trigger', shortNames: [], categories: ['all', 'knative', 'eventing'] },
  { group: 'messaging.knative.dev', kind: 'Channel', versions: ['v1'], storage: 'v1', plural: 'channels', singular: 'channel', shortNames: ['ch'], categories: ['all', 'knative', 'messaging', 'channel'] },
  { group: 'messaging.knative.dev', kind: 'InMemoryChannel', versions: ['v1'], storage: 'v1', plural: 'inmemorychannels', singular: 'inmemorychannel', shortNames: ['imc'], categories: ['all', 'knative', 'messaging', 'channel'] },
  { group: 'messaging.knative.dev', kind: 'Subscription', versions: ['v1'], storage: 'v1', plural: 'subscriptions', singular: 'subscription', shortNames: ['sub'], categories: ['all', 'knative', 'messaging'] },
  { group: 'sources.knative.dev', kind: 'PingSource', versions: ['v1', 'v1beta2'], storage: 'v1', plural: 'pingsources', singular: 'pingsource', shortNames: [], categories: ['all', 'knative', 'sources'] },
  { group: 'sources.knative.dev', kind: 'ApiServerSource', versions: ['v1'], storage: 'v1', plural: 'apiserversources', singular: 'apiserversource', shortNames: [], categories: ['all', 'knative', 'sources'] },
  { group: 'sources.knative.dev', kind: 'SinkBinding', versions: ['v1'], storage: 'v1', plural: 'sinkbindings', singular: 'sinkbinding', shortNames: [], categories: ['all', 'knative', 'sources', 'bindings'] },
  { group: 'sources.knative.dev', kind: 'ContainerSource', versions: ['v1'], storage: 'v1', plural: 'containersources', singular: 'containersource', shortNames: [], categories: ['all', 'knative', 'sources'] },
  { group: 'messaging.knative.dev', kind: 'KafkaChannel', versions: ['v1beta1'], storage: 'v1beta1', plural: 'kafkachannels', singular: 'kafkachannel', shortNames: ['kc'], categories: ['all', 'knative', 'messaging', 'channel'] },
  { group: 'sources.knative.dev', kind: 'KafkaSource', versions: ['v1beta1'], storage: 'v1beta1', plural: 'kafkasources', singular: 'kafkasource', shortNames: [], categories: ['all', 'knative', 'eventing', 'sources'], scale: true },
  { group: 'eventing.knative.dev', kind: 'KafkaSink', versions: ['v1alpha1'], storage: 'v1alpha1', plural: 'kafkasinks', singular: 'kafkasink', shortNames: [], categories: ['all', 'knative', 'eventing'] },
];

const col = (name: string, jsonPath: string, type: PrinterColumn['type'] = 'string', priority?: number): PrinterColumn => ({ name, type, jsonPath, ...(priority ? { priority } : {}) });
const AGE = col('Age', '.metadata.creationTimestamp', 'date');
const ready = (q: string, rq = q): PrinterColumn[] => [
  col('Ready', `.status.conditions[?(@.type==${q}Ready${q})].status`),
  col('Reason', `.status.conditions[?(@.type==${rq}Ready${rq})].reason`),
];
const SQ = "'";
const DQ = '"';

// kinds.md §2.1 (Knative rows), in order, after NAME.
const COLUMNS: Record<string, PrinterColumn[]> = {
  Service: [col('URL', '.status.url'), col('LatestCreated', '.status.latestCreatedRevisionName'), col('LatestReady', '.status.latestReadyRevisionName'), ...ready(SQ)],
  Configuration: [col('LatestCreated', '.status.latestCreatedRevisionName'), col('LatestReady', '.status.latestReadyRevisionName'), ...ready(SQ)],
  Revision: [
    col('Config Name', ".metadata.labels['serving\\.knative\\.dev/configuration']"),
    col('Generation', ".metadata.labels['serving\\.knative\\.dev/configurationGeneration']"),
    ...ready(SQ),
    col('Actual Replicas', '.status.actualReplicas', 'integer'),
    col('Desired Replicas', '.status.desiredReplicas', 'integer'),
  ],
  Route: [col('URL', '.status.url'), ...ready(SQ)],
  DomainMapping: [col('URL', '.status.url'), ...ready(SQ)],
  Ingress: ready(SQ),
  ServerlessService: [col('Mode', '.spec.mode'), col('Activators', '.spec.numActivators', 'integer'), col('ServiceName', '.status.serviceName'), col('PrivateServiceName', '.status.privateServiceName'), ...ready(SQ)],
  Certificate: ready(DQ),
  PodAutoscaler: [col('DesiredScale', '.status.desiredScale', 'integer'), col('ActualScale', '.status.actualScale', 'integer'), ...ready(SQ)],
  Metric: ready(SQ),
  Broker: [col('URL', '.status.address.url'), AGE, ...ready(DQ), col('Class', '.metadata.annotations.eventing\\.knative\\.dev/broker\\.class', 'string', 1)],
  Trigger: [col('Broker', '.spec.broker'), col('Subscriber_URI', '.status.subscriberUri'), AGE, ...ready(DQ)],
  Channel: [col('URL', '.status.address.url'), AGE, ...ready(DQ)],
  InMemoryChannel: [col('URL', '.status.address.url'), AGE, ...ready(DQ)],
  Subscription: [AGE, ...ready(DQ)],
  PingSource: [col('Sink', '.status.sinkUri'), col('Schedule', '.spec.schedule'), AGE, ...ready(SQ)],
  ApiServerSource: [col('Sink', '.status.sinkUri'), AGE, ...ready(DQ)],
  SinkBinding: [col('Sink', '.status.sinkUri'), AGE, ...ready(SQ)],
  ContainerSource: [col('Sink', '.status.sinkUri'), AGE, ...ready(DQ, SQ)],
  KafkaChannel: [...ready(DQ), col('URL', '.status.address.url'), AGE],
  KafkaSource: [col('Topics', '.spec.topics'), col('BootstrapServers', '.spec.bootstrapServers'), ...ready(DQ), AGE],
  KafkaSink: [col('URL', '.status.address.url'), AGE, ...ready(DQ)],
};

const kinds = knativeKinds();
const byKind = (group: string, kind: string): KindDefinition => {
  const def = kinds.find((k) => k.group === group && k.kind === kind);
  assert.ok(def, `${kind}.${group} is defined`);
  return def;
};

describe('Knative kind identities (kinds.md §1)', () => {
  it('defines exactly the listed kinds', () => {
    assert.deepEqual(kinds.map((k) => `${k.kind}.${k.group}`).sort(), EXPECTED.map((e) => `${e.kind}.${e.group}`).sort());
  });
  for (const e of EXPECTED) {
    it(`${e.kind}.${e.group}`, () => {
      const def = byKind(e.group, e.kind);
      assert.equal(def.plural, e.plural);
      assert.equal(def.singular, e.singular);
      assert.equal(def.listKind, `${e.kind}List`);
      assert.equal(def.scope, 'Namespaced');
      assert.deepEqual([...def.shortNames], e.shortNames);
      assert.deepEqual([...def.categories], e.categories);
      assert.deepEqual(def.versions.map((v) => v.name), e.versions);
      assert.deepEqual(def.versions.filter((v) => v.storage).map((v) => v.name), [e.storage]);
      assert.ok(def.versions.every((v) => v.served));
      assert.equal(def.subresources.status, true);
      assert.equal(def.subresources.scale !== undefined, e.scale === true);
      assert.equal(def.builtin, false);
      assert.equal(def.generation, 'spec');
    });
  }
  it('KafkaSource scales through spec.consumers', () => {
    assert.deepEqual(byKind('sources.knative.dev', 'KafkaSource').subresources.scale, {
      specReplicasPath: '.spec.consumers', statusReplicasPath: '.status.consumers', labelSelectorPath: '.status.selector',
    });
  });
  it('PingSource v1beta2 is deprecated with its warning', () => {
    const v = byKind('sources.knative.dev', 'PingSource').versions.find((x) => x.name === 'v1beta2');
    assert.equal(v?.deprecated, true);
    assert.equal(v?.deprecationWarning, 'sources.knative.dev/v1beta2 PingSource is deprecated; see https://knative.dev/docs/eventing/sources/ping-source/ for instructions to migrate to sources.knative.dev/v1 PingSource');
  });
});

describe('printer columns (kinds.md §2.1)', () => {
  for (const e of EXPECTED) {
    it(e.kind, () => {
      for (const v of byKind(e.group, e.kind).versions) assert.deepEqual(v.printerColumns, COLUMNS[e.kind]);
    });
  }
});

describe('agreement with the upstream CRDs', () => {
  for (const up of identities) {
    it(`${up.names.kind}.${up.group}`, () => {
      const def = byKind(up.group, up.names.kind);
      assert.equal(def.plural, up.names.plural);
      assert.equal(def.singular, up.names.singular ?? up.names.kind.toLowerCase());
      assert.deepEqual([...def.shortNames], up.names.shortNames ?? []);
      assert.deepEqual([...def.categories], up.names.categories ?? []);
      for (const uv of up.versions) {
        const v = def.versions.find((x) => x.name === uv.name);
        assert.ok(v, uv.name);
        assert.equal(v.storage, uv.storage);
        assert.equal(v.deprecationWarning, (uv as { deprecationWarning?: string }).deprecationWarning);
        assert.deepEqual(v.printerColumns, uv.additionalPrinterColumns);
        const scale = (uv.subresources as { scale?: unknown }).scale;
        assert.deepEqual(def.subresources.scale, scale);
      }
    });
  }
});

describe('schemas', () => {
  it('are the upstream structural schemas, unknown fields preserved only where upstream says', () => {
    const svc = byKind('serving.knative.dev', 'Service').versions[0]!.schema;
    const template = svc.properties?.spec?.properties?.template;
    assert.equal(template?.properties?.metadata?.['x-kubernetes-preserve-unknown-fields'], true);
    assert.equal(template?.properties?.spec?.properties?.affinity?.['x-kubernetes-preserve-unknown-fields'], true);
    assert.equal(svc.properties?.spec?.['x-kubernetes-preserve-unknown-fields'], undefined);
    const trigger = byKind('eventing.knative.dev', 'Trigger').versions[0]!.schema;
    assert.equal(trigger.properties?.spec?.['x-kubernetes-preserve-unknown-fields'], true);
    const sink = byKind('eventing.knative.dev', 'KafkaSink').versions[0]!.schema;
    assert.equal(JSON.stringify(sink.properties?.spec).includes('preserve-unknown-fields'), false);
  });
});
