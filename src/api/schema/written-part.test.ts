import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JSONSchemaProps } from '../schema-types.ts';
import { checkValues, prepareAgainstSchema } from './validate.ts';
import { schemaForWrittenPart } from './written-part.ts';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: { type: 'object', properties: { replicas: { type: 'integer', default: 1 } } },
    status: { type: 'object', properties: { ready: { type: 'integer' } } },
  },
};

const object = (spec: unknown, status: unknown) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec, status });

test('a /status write checks status and leaves the carried-over spec alone', () => {
  const scoped = schemaForWrittenPart(schema, 'all-but-status');
  assert.deepEqual(checkValues(object({ replicas: 'many' }, { ready: 1 }), scoped), []);
  assert.equal(checkValues(object({ replicas: 1 }, { ready: 'yes' }), scoped).length, 1);
  const prepared = object({ unknown: true }, { ready: 1 }) as Record<string, unknown>;
  assert.deepEqual(prepareAgainstSchema(prepared, scoped, { fieldValidation: 'Strict' }).unknownFields, []);
  assert.deepEqual(prepared.spec, { unknown: true }, 'neither pruned nor defaulted');
});

test('a main-resource update checks spec and leaves the carried-over status alone', () => {
  const scoped = schemaForWrittenPart(schema, 'status');
  assert.deepEqual(checkValues(object({ replicas: 1 }, { ready: 'yes' }), scoped), []);
  assert.equal(checkValues(object({ replicas: 'many' }, { ready: 1 }), scoped).length, 1);
  const prepared = object({}, {}) as Record<string, unknown>;
  prepareAgainstSchema(prepared, scoped, { fieldValidation: 'Strict' });
  assert.deepEqual(prepared.spec, { replicas: 1 }, 'spec is defaulted as before');
});

test('metadata stays in scope, and each scoped schema is built once', () => {
  const scoped = schemaForWrittenPart(schema, 'all-but-status');
  assert.equal(scoped.properties?.metadata, schema.properties?.metadata);
  assert.equal(schemaForWrittenPart(schema, 'all-but-status'), scoped);
  assert.notEqual(schemaForWrittenPart(schema, 'status'), scoped);
});
