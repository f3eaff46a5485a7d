/**
 * The stored schemas keep x-kubernetes-preserve-unknown-fields exactly where upstream has
 * it (kinds.md §4 Q3), shown through the strict structural check the API server applies.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OPERATOR_SCHEMAS } from '../../operator/schemas/index.ts';
import { MESH_SCHEMAS } from '../schemas/index.ts';
import { structuralProblems, toStrictJsonSchema } from './structural-check.ts';

const meta = { name: 'x', namespace: 'y', labels: { a: 'b' } };

test('Istio specs are structural, their status free-form', () => {
  const gw = MESH_SCHEMAS.gateway.v1beta1;
  assert.deepEqual(structuralProblems(gw, { apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway', metadata: meta, spec: { selectr: {} } }), [
    { path: '/spec', message: 'unknown field "selectr"' },
  ]);
  assert.deepEqual(structuralProblems(gw, { metadata: meta, spec: {}, status: { anything: { goes: [1] } } }), []);
});

test('enums in the Istio schemas reject unknown modes and actions', () => {
  const bad = (schema: typeof MESH_SCHEMAS.gateway.v1beta1, spec: unknown): boolean => structuralProblems(schema, { metadata: meta, spec }).some((p) => p.message.includes('allowed values'));
  assert.ok(bad(MESH_SCHEMAS.gateway.v1alpha3, { servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['*'], tls: { mode: 'SIMPEL' } }] }));
  assert.ok(bad(MESH_SCHEMAS.peerAuthentication.v1beta1, { mtls: { mode: 'STRICTER' } }));
  assert.ok(bad(MESH_SCHEMAS.authorizationPolicy.v1, { action: 'ALLOWED' }));
  assert.ok(!bad(MESH_SCHEMAS.peerAuthentication.v1beta1, { mtls: { mode: 'STRICT' } }));
});

test('SMCP v2 keeps spec.techPreview free-form and the rest structural', () => {
  const smcp = MESH_SCHEMAS.serviceMeshControlPlane.v2;
  assert.deepEqual(structuralProblems(smcp, { metadata: meta, spec: { techPreview: { meshConfig: { anything: true } } } }), []);
  assert.deepEqual(structuralProblems(smcp, { metadata: meta, spec: { security: { dataPlane: { mtls: true, mTLS: true } } } }), [
    { path: '/spec/security/dataPlane', message: 'unknown field "mTLS"' },
  ]);
});

test('SMCP v1 keeps spec.istio as Helm values', () => {
  assert.deepEqual(structuralProblems(MESH_SCHEMAS.serviceMeshControlPlane.v1, { metadata: meta, spec: { istio: { global: { hub: 'x' } } } }), []);
});

test('KnativeServing and KnativeEventing keep all of spec (Serverless\'s CRDs)', () => {
  for (const schema of [OPERATOR_SCHEMAS.knativeServing.v1beta1, OPERATOR_SCHEMAS.knativeEventing.v1beta1]) {
    assert.equal(schema.properties?.spec?.['x-kubernetes-preserve-unknown-fields'], true);
    assert.deepEqual(structuralProblems(schema, { metadata: meta, spec: { removedField: { x: 1 } } }), []);
  }
});

test('KnativeKafka upstream is fully structural: spec.broker.sink is unknown there', () => {
  const problems = structuralProblems(OPERATOR_SCHEMAS.knativeKafka.v1alpha1, {
    metadata: meta, spec: { channel: { enabled: false }, source: { enabled: false }, broker: { enabled: true, sink: { enabled: true } } },
  });
  assert.deepEqual(problems, [{ path: '/spec/broker', message: 'unknown field "sink"' }]);
  assert.ok(structuralProblems(OPERATOR_SCHEMAS.knativeKafka.v1alpha1, { metadata: meta, spec: { broker: { enabled: true } } })
    .some((p) => p.message.includes("required property 'channel'")));
});

test('the strict translation handles int-or-string and nullable', () => {
  assert.deepEqual(toStrictJsonSchema({ 'x-kubernetes-int-or-string': true }), { anyOf: [{ type: 'integer' }, { type: 'string' }] });
  assert.deepEqual(toStrictJsonSchema({ type: 'array', nullable: true, items: { type: 'string' } }), { type: ['array', 'null'], items: { type: 'string' } });
  assert.deepEqual(toStrictJsonSchema({ type: 'object', properties: {} }), { type: 'object', properties: {}, additionalProperties: false });
  assert.deepEqual(toStrictJsonSchema({ type: 'object', properties: {}, 'x-kubernetes-preserve-unknown-fields': true }), { type: 'object', properties: {} });
});
