import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JSONSchemaProps } from '../schema-types.ts';
import { formatFieldError } from '../field-error.ts';
import { parseFieldValidation, strictDecodingOutcome, strictPatchError } from './field-validation.ts';
import { pruneUnknownFields, strictDecodingMessage, unknownFieldMessage } from './prune.ts';
import { seedSmcp, smcpSchema } from './testdata/smcp-schema.ts';

describe('pruneUnknownFields', () => {
  it('keeps the seed document intact', () => {
    const obj = seedSmcp();
    assert.deepEqual(pruneUnknownFields(obj, smcpSchema), []);
    assert.deepEqual(obj, seedSmcp());
  });

  it('drops undeclared fields at any depth, inside list items and map values, and reports them sorted', () => {
    const obj = seedSmcp();
    const spec = obj['spec'] as Record<string, unknown>;
    spec['zeta'] = 1;
    spec['alpha'] = { nested: true };
    spec['gateways'] = {
      ingress: { service: { ports: [{ name: 'http', port: 80, extra: 'x' }, { name: 'https', port: 443 }] } },
      additionalIngress: { fed: { enabled: true, bogus: 1 } },
    };
    const paths = pruneUnknownFields(obj, smcpSchema);
    assert.deepEqual(paths, ['spec.alpha', 'spec.gateways.additionalIngress.fed.bogus', 'spec.gateways.ingress.service.ports[0].extra', 'spec.zeta']);
    assert.deepEqual(spec['gateways'], {
      ingress: { service: { ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] } },
      additionalIngress: { fed: { enabled: true } },
    });
    assert.equal('zeta' in spec, false);
  });

  it('keeps everything under x-kubernetes-preserve-unknown-fields', () => {
    const obj = seedSmcp();
    (obj['spec'] as Record<string, unknown>)['techPreview'] = { anything: { at: ['all', { levels: 1 }] } };
    assert.deepEqual(pruneUnknownFields(obj, smcpSchema), []);
    assert.deepEqual((obj['spec'] as Record<string, unknown>)['techPreview'], { anything: { at: ['all', { levels: 1 }] } });
  });

  it('still prunes declared properties below a preserve-unknown-fields node', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { a: { type: 'string' } } } } } },
    };
    const obj = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'x' }, spec: { free: 1, known: { a: 'ok', b: 'gone' } } };
    assert.deepEqual(pruneUnknownFields(obj, schema), ['spec.known.b']);
    assert.deepEqual(obj.spec, { free: 1, known: { a: 'ok' } });
  });

  it('cuts metadata down to ObjectMeta, reporting metadata fields first in document order', () => {
    const obj: Record<string, unknown> = {
      apiVersion: 'maistra.io/v2', kind: 'ServiceMeshControlPlane',
      metadata: { name: 'basic', zz: 1, labels: { a: 'b' }, ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u', extra: 1 }], aa: 2 },
      spec: { nope: 1 },
    };
    assert.deepEqual(pruneUnknownFields(obj, smcpSchema), ['metadata.zz', 'metadata.ownerReferences[0].extra', 'metadata.aa', 'spec.nope']);
    assert.deepEqual(obj['metadata'], { name: 'basic', labels: { a: 'b' }, ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u' }] });
  });

  it('keeps apiVersion, kind and metadata of embedded resources, pruning their metadata last', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { x: { type: 'string' } } } } },
            templates: { type: 'object', additionalProperties: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } },
          },
        },
      },
    };
    const obj = {
      apiVersion: 'x/v1', kind: 'X', metadata: { name: 'x' },
      spec: {
        template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', junk: 1 }, spec: { x: 'a', y: 'b' } },
        templates: { one: { apiVersion: 'v1', kind: 'Pod', metadata: { other: 2 }, free: true } },
      },
    };
    assert.deepEqual(pruneUnknownFields(obj, schema), ['spec.template.spec.y', 'spec.template.metadata.junk', 'spec.templates[one].metadata.other']);
    assert.deepEqual(obj.spec.template, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { x: 'a' } });
    assert.deepEqual(obj.spec.templates.one, { apiVersion: 'v1', kind: 'Pod', metadata: {}, free: true });
  });

  it('treats fields of an undeclared object as unknown one level down only', () => {
    const schema: JSONSchemaProps = { type: 'object', properties: { spec: { type: 'object', properties: {} } } };
    const obj = { apiVersion: 'a/v1', kind: 'A', metadata: {}, spec: { a: { b: { c: 1 } } }, status: { x: 1 } };
    assert.deepEqual(pruneUnknownFields(obj, schema), ['spec.a', 'status']);
    assert.deepEqual(obj, { apiVersion: 'a/v1', kind: 'A', metadata: {}, spec: {} });
  });
});

describe('strict decoding messages', () => {
  it('builds the 400 message kubectl prints for Strict', () => {
    const problems = ['spec.broker.sink', 'spec.foo'].map(unknownFieldMessage);
    assert.equal(
      strictDecodingMessage('KnativeKafka', 'v1alpha1', problems),
      'KnativeKafka in version "v1alpha1" cannot be handled as a KnativeKafka: strict decoding error: unknown field "spec.broker.sink", unknown field "spec.foo"',
    );
  });
});

describe('fieldValidation directive', () => {
  it('defaults to Warn and rejects unknown values with apimachinery\'s message', () => {
    assert.deepEqual(parseFieldValidation(null), { directive: 'Warn' });
    assert.deepEqual(parseFieldValidation('Strict'), { directive: 'Strict' });
    const bad = parseFieldValidation('strict');
    assert.ok('error' in bad);
    assert.equal(formatFieldError(bad.error), 'fieldValidation: Unsupported value: "strict": supported values: "", "Ignore", "Strict", "Warn"');
  });

  it('turns problems into a rejection, warnings or nothing', () => {
    const problems = ['duplicate field "spec.a"', 'unknown field "spec.foo"'];
    assert.deepEqual(strictDecodingOutcome('Strict', problems), { reject: true, warnings: [] });
    assert.deepEqual(strictDecodingOutcome('Warn', problems), { reject: false, warnings: problems });
    assert.deepEqual(strictDecodingOutcome('Ignore', problems), { reject: false, warnings: [] });
    assert.deepEqual(strictDecodingOutcome('Strict', []), { reject: false, warnings: [] });
  });

  it('words a Strict patch failure on the patch field', () => {
    assert.equal(formatFieldError(strictPatchError('{"spec":{"foo":1}}', ['unknown field "spec.foo"'])), 'patch: Invalid value: "{\\"spec\\":{\\"foo\\":1}}": strict decoding error: unknown field "spec.foo"');
  });
});
