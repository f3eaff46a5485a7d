import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractFragmentAfter, extractSeedBlocks, stripCallouts } from './seed-documents.ts';

test('callout markers come off values, list items and parent keys, never off real numbers', () => {
  assert.deepEqual(stripCallouts([
    '  mtls: true 1',
    'members: 1',
    '  - <namespace> 1',
    'excludedPorts: 4',
    '- 8444 # metrics',
    'number: 443',
    'name: https',
    '- port: 15443',
    '  name: tls',
    '"sidecar.istio.io/inject": "true" 2',
  ]), [
    '  mtls: true',
    'members:',
    '  - <namespace>',
    'excludedPorts:',
    '- 8444 # metrics',
    'number: 443',
    'name: https',
    '- port: 15443',
    '  name: tls',
    '"sidecar.istio.io/inject": "true"',
  ]);
});

test('blocks end where prose resumes; lone callout lines and placeholders are handled', () => {
  const text = [
    'Prose before.',
    '',
    '    apiVersion: maistra.io/v1',
    '    kind: ServiceMeshMemberRoll',
    '    metadata:',
    '      name: default',
    '    spec:',
    '      members:',
    '    1',
    '',
    '        - <namespace>',
    '    Copy to Clipboard Toggle word wrap',
    '    1',
    '    A list of namespaces.',
    'apiVersion: maistra.io/v1 kind: ServiceMeshMemberRoll metadata: name: default',
    '    status:',
    '      members: []',
  ].join('\n');
  const blocks = extractSeedBlocks(text);
  assert.deepEqual(blocks.map((b) => [b.line, b.shape, b.docs]), [
    [3, 'document', [{ apiVersion: 'maistra.io/v1', kind: 'ServiceMeshMemberRoll', metadata: { name: 'default' }, spec: { members: ['default'] } }]],
    [16, 'status', [{ status: { members: [] } }]],
  ]);
});

test('a fragment after a caption', () => {
  assert.deepEqual(extractFragmentAfter('Example\n\n  gateways:\n     ingress:\n      enabled: true\n\nNext', 'Example'), { gateways: { ingress: { enabled: true } } });
});
