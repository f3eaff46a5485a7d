import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindFromCrd } from '../../api/crd/from-crd.ts';
import type { KindDefinition } from '../../api/kind.ts';
import type { KubeObject } from '../../api/object.ts';
import { decodeStored } from './stored-decoding.ts';

const crd = (specProps: Record<string, unknown>): KubeObject => ({
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gizmos.example.com' },
  spec: {
    group: 'example.com', scope: 'Namespaced', names: { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo', listKind: 'GizmoList' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: specProps } } } } }],
  },
});
const gizmo = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Gizmo', metadata: { name: 'g', namespace: 'default', resourceVersion: '7' }, spec });

test('a stored custom resource is pruned and defaulted by the storage version\'s schema', () => {
  const def = kindFromCrd(crd({ size: { type: 'integer' }, shape: { type: 'string', default: 'round' } }));
  const stored = gizmo({ size: 1, legacy: 'x' });
  const decoded = decodeStored(def, stored);
  assert.deepEqual(decoded.spec, { size: 1, shape: 'round' });
  assert.deepEqual(stored.spec, { size: 1, legacy: 'x' }, 'the stored object itself is not touched');
  assert.equal(decodeStored(def, stored), decoded, 'decoded once per stored object and schema');
});

test('an object the schema leaves as it is comes back itself; a new schema decodes it again', () => {
  const plain = kindFromCrd(crd({ size: { type: 'integer' } }));
  const stored = gizmo({ size: 2 });
  assert.equal(decodeStored(plain, stored), stored);
  const withDefault = kindFromCrd(crd({ size: { type: 'integer' }, shape: { type: 'string', default: 'square' } }));
  assert.deepEqual(decodeStored(withDefault, stored).spec, { size: 2, shape: 'square' });
});

test('built-in kinds pass as stored: their objects were pruned and defaulted when written', () => {
  const def = { ...kindFromCrd(crd({})), fromCrd: false } as KindDefinition;
  const stored = gizmo({ anything: true });
  assert.equal(decodeStored(def, stored), stored);
});

test('an object stored in an older version is decoded with that version\'s schema', () => {
  const twoVersions = crd({});
  const versions = (twoVersions.spec as { versions: Array<Record<string, unknown>> }).versions;
  versions[0] = { ...versions[0], storage: false, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { old: { type: 'string', default: 'v1-default' } } } } } } };
  versions.push({ name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { fresh: { type: 'string', default: 'v2-default' } } } } } } });
  const def = kindFromCrd(twoVersions);
  assert.deepEqual(decodeStored(def, gizmo({})).spec, { old: 'v1-default' }, 'stored as example.com/v1');
  assert.deepEqual(decodeStored(def, { ...gizmo({}), apiVersion: 'example.com/v2' }).spec, { fresh: 'v2-default' });
});

test('a stored null the schema does not allow is dropped, then defaulted', () => {
  const def = kindFromCrd(crd({ size: { type: 'integer' }, shape: { type: 'string', default: 'round' }, note: { type: 'string', nullable: true } }));
  assert.deepEqual(decodeStored(def, gizmo({ size: null, shape: null, note: null })).spec, { shape: 'round', note: null });
});
