import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JSONSchemaProps } from '../schema-types.ts';
import { applyDefaults, pruneNonNullableNulls } from './defaults.ts';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      default: {},
      properties: {
        replicas: { type: 'integer', default: 1 },
        mode: { type: 'string', default: 'auto', nullable: true },
        config: { type: 'object', default: { level: 'info' }, properties: { level: { type: 'string' }, format: { type: 'string', default: 'text' } } },
        ports: { type: 'array', items: { type: 'object', default: { port: 80 }, properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } } } },
        labels: { type: 'object', additionalProperties: { type: 'string', default: 'none' } },
        routes: { type: 'object', additionalProperties: { type: 'object', properties: { weight: { type: 'integer', default: 100 } } } },
        note: { type: 'string' },
      },
    },
  },
};

describe('applyDefaults', () => {
  it('defaults absent fields recursively, including inside defaulted values', () => {
    const obj: Record<string, unknown> = {};
    applyDefaults(obj, schema);
    assert.deepEqual(obj, { spec: { replicas: 1, mode: 'auto', config: { level: 'info', format: 'text' } } });
  });

  it('keeps values that are set, including falsy ones', () => {
    const obj = { spec: { replicas: 0, mode: '', config: { level: 'debug', format: 'json' } } };
    applyDefaults(obj, schema);
    assert.deepEqual(obj, { spec: { replicas: 0, mode: '', config: { level: 'debug', format: 'json' } } });
  });

  it('replaces null with the default when the field is not nullable, keeps null when it is', () => {
    const obj = { spec: { replicas: null, mode: null } };
    applyDefaults(obj, schema);
    assert.deepEqual(obj.spec, { replicas: 1, mode: null, config: { level: 'info', format: 'text' } });
  });

  it('defaults inside list items and replaces null items with the item default', () => {
    const obj = { spec: { ports: [{ port: 8080 }, null, { protocol: 'UDP' }] } };
    applyDefaults(obj, schema);
    assert.deepEqual(obj.spec.ports, [{ port: 8080, protocol: 'TCP' }, { port: 80, protocol: 'TCP' }, { protocol: 'UDP' }]);
  });

  it('defaults inside additionalProperties values and replaces null map values', () => {
    const obj = { spec: { labels: { a: 'x', b: null }, routes: { r1: {}, r2: { weight: 5 } } } };
    applyDefaults(obj, schema);
    assert.deepEqual(obj.spec.labels, { a: 'x', b: 'none' });
    assert.deepEqual(obj.spec.routes, { r1: { weight: 100 }, r2: { weight: 5 } });
  });

  it('never shares structure with the schema default', () => {
    const a: Record<string, unknown> = {};
    const b: Record<string, unknown> = {};
    applyDefaults(a, schema);
    applyDefaults(b, schema);
    ((a['spec'] as Record<string, unknown>)['config'] as Record<string, unknown>)['level'] = 'changed';
    assert.equal(((b['spec'] as Record<string, unknown>)['config'] as Record<string, unknown>)['level'], 'info');
    assert.deepEqual(schema.properties!['spec']!.properties!['config']!.default, { level: 'info' });
  });
});

describe('pruneNonNullableNulls', () => {
  it('drops nulls of non-nullable fields without defaults, keeps the rest', () => {
    const obj = { spec: { note: null, mode: null, replicas: null, ports: [null], unknownField: null } };
    pruneNonNullableNulls(obj, schema);
    assert.deepEqual(obj, { spec: { mode: null, replicas: null, ports: [null], unknownField: null } });
  });
});
