import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { JSONSchemaProps } from '../../schema-types.ts';
import { completeObjectSchema, extractVersionSchemas, indentQuotedContinuations, stripDeclarativeValidation } from './crd-schema.ts';

const CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
spec:
  versions:
  - name: v1alpha3
    storage: true
    schema:
      openAPIV3Schema:
        properties:
          spec: {type: object, properties: {hosts: {type: array, items: {type: string}}}}
          status: {type: object, x-kubernetes-preserve-unknown-fields: true}
        type: object
  - name: v1beta1
    schema:
      openAPIV3Schema: {type: object}
`;

test('extracts every version schema with its storage flag', () => {
  const versions = extractVersionSchemas(parse(CRD));
  assert.deepEqual(versions.map((v) => [v.version, v.storage]), [['v1alpha3', true], ['v1beta1', false]]);
  assert.equal(versions[0]!.schema.properties?.status?.['x-kubernetes-preserve-unknown-fields'], true);
});

test('rejects documents that are not CRDs', () => {
  assert.throws(() => extractVersionSchemas({ kind: 'ConfigMap' }), /spec.versions is missing/);
  assert.throws(() => extractVersionSchemas({ spec: { versions: [{ name: 'v1' }] } }), /no openAPIV3Schema/);
});

test('adds apiVersion, kind and metadata first, keeping the rest untouched', () => {
  const schema = extractVersionSchemas(parse(CRD))[0]!.schema;
  const complete = completeObjectSchema(schema);
  assert.deepEqual(Object.keys(complete.properties ?? {}), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  assert.deepEqual(complete.properties?.metadata, { type: 'object' });
  assert.equal(complete.properties?.spec, schema.properties?.spec);
  const already: JSONSchemaProps = { type: 'object', properties: { kind: { type: 'string', description: 'mine' } } };
  assert.equal(completeObjectSchema(already).properties?.kind?.description, 'mine');
});

test('strips declarative validation recursively but keeps types and list markers', () => {
  const schema: JSONSchemaProps = {
    type: 'object',
    required: ['to'],
    'x-kubernetes-validations': [{ rule: 'true' }],
    properties: {
      to: { type: 'object', properties: { weight: { type: 'integer', default: 100, minimum: 0, maximum: 256, format: 'int32' } } },
      tls: { type: 'object', allOf: [{ not: {} }], properties: { termination: { type: 'string', enum: ['edge'] } } },
      alternateBackends: { type: 'array', maxItems: 3, 'x-kubernetes-list-type': 'map', items: { type: 'object', required: ['name'] } },
      labels: { type: 'object', additionalProperties: { type: 'string', pattern: '^a' } },
    },
  };
  assert.deepEqual(stripDeclarativeValidation(schema), {
    type: 'object',
    properties: {
      to: { type: 'object', properties: { weight: { type: 'integer', format: 'int32' } } },
      tls: { type: 'object', properties: { termination: { type: 'string' } } },
      alternateBackends: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object' } },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
    },
  });
});

test('re-indents quoted continuation lines that Go accepts and yaml does not', () => {
  const text = [
    'a:',
    '  description: \'Number of seconds after the container has',
    "  started before probes. It''s fine",
    '  here.\'',
    '  type: integer',
  ].join('\n');
  assert.throws(() => parse(text));
  assert.deepEqual(parse(indentQuotedContinuations(text)), {
    a: { description: "Number of seconds after the container has started before probes. It's fine here.", type: 'integer' },
  });
  const fine = "x: 'one line'\ny: 2\n";
  assert.equal(indentQuotedContinuations(fine), fine);
});
