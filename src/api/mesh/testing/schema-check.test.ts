/**
 * The stored schemas keep x-kubernetes-preserve-unknown-fields exactly where upstream has
 * it (kinds.md §4 Q3), and their enums, as the API server's schema step applies them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OPERATOR_SCHEMAS } from '../../operator/schemas/index.ts';
import { MESH_SCHEMAS } from '../schemas/index.ts';
import { schemaProblems } from './schema-check.ts';

const meta = { name: 'x', namespace: 'y', labels: { a: 'b' } };

test('Istio specs are structural, their status free-form', () => {
  const gw = MESH_SCHEMAS.gateway.v1beta1;
  assert.deepEqual(schemaProblems(gw, { apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: meta, spec: { selectr: {} } }), ['unknown field "spec.selectr"']);
  assert.deepEqual(schemaProblems(gw, { metadata: meta, spec: {}, status: { anything: { goes: [1] } } }), []);
});

test('enums in the Istio schemas reject unknown TLS modes, mTLS modes and actions', () => {
  assert.deepEqual(schemaProblems(MESH_SCHEMAS.gateway.v1alpha3, { metadata: meta, spec: { servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPEL' } }] } }), [
    'spec.servers[0].tls.mode: Unsupported value: "SIMPEL": supported values: "PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH", "ISTIO_MUTUAL"',
  ]);
  assert.deepEqual(schemaProblems(MESH_SCHEMAS.peerAuthentication.v1beta1, { metadata: meta, spec: { mtls: { mode: 'STRICTER' } } }), [
    'spec.mtls.mode: Unsupported value: "STRICTER": supported values: "UNSET", "DISABLE", "PERMISSIVE", "STRICT"',
  ]);
  assert.deepEqual(schemaProblems(MESH_SCHEMAS.authorizationPolicy.v1, { metadata: meta, spec: { action: 'ALLOWED' } }), [
    'spec.action: Unsupported value: "ALLOWED": supported values: "ALLOW", "DENY", "AUDIT", "CUSTOM"',
  ]);
});

test('SMCP v2 keeps spec.techPreview free-form and the rest structural', () => {
  const smcp = MESH_SCHEMAS.serviceMeshControlPlane.v2;
  assert.deepEqual(schemaProblems(smcp, { metadata: meta, spec: { techPreview: { meshConfig: { anything: true } } } }), []);
  assert.deepEqual(schemaProblems(smcp, { metadata: meta, spec: { security: { dataPlane: { mtls: true, mTLS: true } } } }), ['unknown field "spec.security.dataPlane.mTLS"']);
});

test('SMCP v1 keeps spec.istio as Helm values', () => {
  assert.deepEqual(schemaProblems(MESH_SCHEMAS.serviceMeshControlPlane.v1, { metadata: meta, spec: { istio: { global: { hub: 'x' } } } }), []);
});

test('KnativeServing and KnativeEventing keep all of spec (Serverless\'s CRDs)', () => {
  for (const schema of [OPERATOR_SCHEMAS.knativeServing.v1beta1, OPERATOR_SCHEMAS.knativeEventing.v1beta1]) {
    assert.equal(schema.properties?.spec?.['x-kubernetes-preserve-unknown-fields'], true);
    assert.deepEqual(schemaProblems(schema, { metadata: meta, spec: { removedField: { x: 1 } } }), []);
  }
});

test('KnativeKafka upstream is fully structural: spec.broker.sink is unknown there, channel and source required', () => {
  assert.deepEqual(schemaProblems(OPERATOR_SCHEMAS.knativeKafka.v1alpha1, {
    metadata: meta, spec: { channel: { enabled: false }, source: { enabled: false }, broker: { enabled: true, sink: { enabled: true } } },
  }), ['unknown field "spec.broker.sink"']);
  assert.deepEqual(schemaProblems(OPERATOR_SCHEMAS.knativeKafka.v1alpha1, { metadata: meta, spec: { broker: { enabled: true } } }), [
    'spec.channel: Required value', 'spec.source: Required value',
  ]);
});
