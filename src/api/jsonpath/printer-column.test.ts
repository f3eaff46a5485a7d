import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PrinterColumn } from '../kind.ts';
import { printerColumnCell } from './printer-column.ts';

const now = new Date('2025-03-10T12:00:00Z');
const cell = (obj: unknown, jsonPath: string, type: PrinterColumn['type'] = 'string') => printerColumnCell(obj, { type, jsonPath }, now);

const revision = {
  apiVersion: 'serving.knative.dev/v1', kind: 'Revision',
  metadata: {
    name: 'hello-00001', creationTimestamp: '2025-03-10T11:55:00Z',
    labels: { 'serving.knative.dev/configuration': 'hello', 'serving.knative.dev/configurationGeneration': '1' },
  },
  status: {
    serviceName: 'hello-00001', actualReplicas: 1, desiredReplicas: 2,
    conditions: [
      { type: 'Active', status: 'True' },
      { type: 'Ready', status: 'False', reason: 'ProgressDeadlineExceeded' },
    ],
  },
};

const smcp = {
  apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane',
  metadata: { name: 'basic', creationTimestamp: '2025-03-08T09:00:00Z' },
  status: {
    annotations: { readyComponentCount: '10/10' },
    conditions: [{ type: 'Reconciled', status: 'True', reason: 'InstallSuccessful' }, { type: 'Ready', status: 'True', reason: 'ComponentsReady' }],
    appliedSpec: { profiles: ['default'], runtime: { defaults: { container: { registry: 'registry.redhat.io/openshift-service-mesh' } } } },
    chartVersion: '2.5.1',
    lastAppliedConfiguration: { istio: { global: { hub: 'docker.io/maistra' } } },
  },
};

describe('printerColumnCell (kinds.md §2.1 column styles)', () => {
  it('reads escaped label keys in quoted brackets (Revision)', () => {
    assert.equal(cell(revision, ".metadata.labels['serving\\.knative\\.dev/configuration']"), 'hello');
    assert.equal(cell(revision, ".metadata.labels['serving\\.knative\\.dev/configurationGeneration']"), '1');
    assert.equal(cell(revision, '.status.serviceName'), 'hello-00001');
  });

  it('filters conditions with single or double quotes, first match only', () => {
    assert.equal(cell(revision, ".status.conditions[?(@.type=='Ready')].status"), 'False');
    assert.equal(cell(revision, ".status.conditions[?(@.type=='Ready')].reason"), 'ProgressDeadlineExceeded');
    assert.equal(cell(smcp, '.status.conditions[?(@.type=="Ready")].reason'), 'ComponentsReady');
    assert.equal(cell(smcp, '.status.conditions[?(@.type=="Reconciled")].reason'), 'InstallSuccessful');
    assert.equal(cell(smcp, '.status.conditions[*].type'), 'Reconciled');
  });

  it('prints lists and maps as compact JSON (SMCP profiles, VirtualService gateways/hosts, KafkaSource topics)', () => {
    assert.equal(cell(smcp, '.status.appliedSpec.profiles'), '["default"]');
    const vs = { spec: { gateways: ['bookinfo-gateway'], hosts: ['*'] } };
    assert.equal(cell(vs, '.spec.gateways'), '["bookinfo-gateway"]');
    assert.equal(cell(vs, '.spec.hosts'), '["*"]');
    const kafka = { spec: { topics: ['knative-demo-topic', 'b'], bootstrapServers: ['my-cluster-kafka-bootstrap.kafka:9092'] } };
    assert.equal(cell(kafka, '.spec.topics'), '["knative-demo-topic","b"]');
    assert.equal(cell({ status: { m: { z: 1, a: '<&>' } } }, '.status.m'), '{"a":"\\u003c\\u0026\\u003e","z":1}');
  });

  it('reads deep paths and escaped dotted annotation keys (SMCP registry, Broker class)', () => {
    assert.equal(cell(smcp, '.status.appliedSpec.runtime.defaults.container.registry'), 'registry.redhat.io/openshift-service-mesh');
    assert.equal(cell(smcp, '.status.lastAppliedConfiguration.istio.global.hub'), 'docker.io/maistra');
    assert.equal(cell(smcp, '.status.annotations.readyComponentCount'), '10/10');
    const broker = { metadata: { annotations: { 'eventing.knative.dev/broker.class': 'Kafka' } } };
    assert.equal(cell(broker, '.metadata.annotations.eventing\\.knative\\.dev/broker\\.class'), 'Kafka');
  });

  it('types integer, number and boolean cells', () => {
    assert.equal(cell(revision, '.status.actualReplicas', 'integer'), 1);
    assert.equal(cell(revision, '.status.desiredReplicas', 'integer'), 2);
    assert.equal(cell({ spec: { numActivators: 2.9 } }, '.spec.numActivators', 'integer'), 2);
    assert.equal(cell({ spec: { x: 3 } }, '.spec.x', 'number'), 3);
    assert.equal(cell({ spec: { x: true } }, '.spec.x', 'boolean'), true);
    assert.equal(cell({ spec: { x: '3' } }, '.spec.x', 'integer'), null);
    assert.equal(cell({ spec: { x: 3 } }, '.spec.x'), '3');
  });

  it('turns dates into ages relative to now', () => {
    assert.equal(cell(revision, '.metadata.creationTimestamp', 'date'), '5m');
    assert.equal(cell(smcp, '.metadata.creationTimestamp', 'date'), '2d3h');
    assert.equal(cell({ metadata: { creationTimestamp: 'yesterday' } }, '.metadata.creationTimestamp', 'date'), '<invalid>');
    assert.equal(cell({ metadata: { creationTimestamp: '2025-03-10T12:01:00Z' } }, '.metadata.creationTimestamp', 'date'), '<invalid>');
    assert.equal(cell({ metadata: { creationTimestamp: '' } }, '.metadata.creationTimestamp', 'date'), '<unknown>');
    assert.equal(cell({ metadata: { creationTimestamp: 5 } }, '.metadata.creationTimestamp', 'date'), null);
  });

  it('gives null for missing values, bad paths and failing evaluations', () => {
    const fresh = { metadata: { name: 'x' } };
    assert.equal(cell(fresh, '.status.url'), null);
    assert.equal(cell(fresh, ".status.conditions[?(@.type=='Ready')].status"), null);
    assert.equal(cell(fresh, '.status.actualReplicas', 'integer'), null);
    assert.equal(cell(fresh, '.metadata.creationTimestamp', 'date'), null);
    assert.equal(cell(revision, '.status.conditions[7].type'), null);
    assert.equal(cell(revision, '.status['), null);
  });

  it('prints an explicit JSON null in a string column as client-go does', () => {
    assert.equal(cell({ status: { url: null } }, '.status.url'), '<no value>');
    assert.equal(cell({ status: { url: null } }, '.status.url', 'integer'), null);
  });
});
