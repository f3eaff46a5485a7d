import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSkiffError } from '../../errors/skiff-error.ts';
import { evaluateJsonPath, parseJsonPath } from './index.ts';

describe('parseJsonPath', () => {
  it('keeps escaped dots inside quoted bracket keys as one field', () => {
    assert.deepEqual(parseJsonPath("{.metadata.labels['serving\\.knative\\.dev/configuration']}").root.nodes, [{
      type: 'list',
      nodes: [{ type: 'field', name: 'metadata' }, { type: 'field', name: 'labels' }, { type: 'field', name: 'serving.knative.dev/configuration' }],
    }]);
  });

  it('splits unescaped dots in bracket keys, as client-go does', () => {
    const [action] = parseJsonPath("{['a.b']}").root.nodes;
    assert.deepEqual(action, { type: 'list', nodes: [{ type: 'field', name: 'a' }, { type: 'field', name: 'b' }] });
  });

  it('parses filters in both quote styles into the same tree', () => {
    assert.deepEqual(parseJsonPath('{[?(@.type=="Ready")]}').root, parseJsonPath("{[?(@.type=='Ready')]}").root);
  });

  it('reports syntax errors as SKF_API_BAD_REQUEST with client-go wording', () => {
    for (const [template, reason] of [['{.a', 'unclosed action'], ['{.a["x"]}', 'invalid array index "x"'], ['{%}', "unrecognized character in action: U+0025 '%'"]]) {
      assert.throws(() => parseJsonPath(template as string), (err: unknown) => isSkiffError(err, 'SKF_API_BAD_REQUEST') && err.details?.reason === reason && err.message.includes(JSON.stringify(template)));
    }
  });
});

describe('evaluateJsonPath', () => {
  const pod = { metadata: { name: 'p', labels: { app: 'web' } }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }] } };

  it('wraps a bare path and concatenates every result list', () => {
    assert.deepEqual(evaluateJsonPath('.metadata.name', pod), ['p']);
    assert.deepEqual(evaluateJsonPath('{.metadata.name}/{.metadata.labels.app}', pod), ['p', '/', 'web']);
    assert.deepEqual(evaluateJsonPath('.status.conditions[*].type', pod), ['Ready', 'Initialized']);
  });

  it('supports recursive descent, unions, negative indices and slices', () => {
    assert.deepEqual(evaluateJsonPath('..type', pod), ['Ready', 'Initialized']);
    assert.deepEqual(evaluateJsonPath('.status.conditions[-1].type', pod), ['Initialized']);
    assert.deepEqual(evaluateJsonPath('.status.conditions[0:1].type', pod), ['Ready']);
    assert.deepEqual(evaluateJsonPath(".status.conditions[0]['type','status']", pod), ['Ready', 'True']);
  });

  it('fails on missing keys unless they are allowed', () => {
    assert.deepEqual(evaluateJsonPath('.spec.nodeName', pod, { allowMissingKeys: true }), []);
    assert.throws(() => evaluateJsonPath('.spec.nodeName', pod), (err: unknown) => isSkiffError(err, 'SKF_API_BAD_REQUEST') && err.message === 'spec is not found');
  });
});
