/**
 * Cases ported from structured-merge-diff's merge tests (set_test.go,
 * multiple_appliers_test.go): sequences of applies and updates with the resulting object
 * and each manager's field set, checked against the engine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.ts';
import type { JSONSchemaProps } from '../../../api/schema-types.ts';
import { pathsFromFieldsV1 } from '../fieldpath/fields-v1.ts';
import { pathToString } from '../fieldpath/path-element.ts';
import { serverSideApply } from './server-side-apply.ts';
import { updateManagedFields } from './update-managed-fields.ts';

type Op = { apply: string; list: unknown[]; conflicts?: string[] } | { update: string; list: unknown[] };
interface Case { name: string; schema: JSONSchemaProps; ops: Op[]; list: unknown[]; managed: Record<string, string[]> }

const setSchema: JSONSchemaProps = { type: 'object', properties: { list: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' } } };
const keyedSchema: JSONSchemaProps = {
  type: 'object',
  properties: { list: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'integer' } } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] } },
};
const n = (...names: string[]): unknown[] => names.map((name) => ({ name }));
const v = (...values: string[]): string[] => values.map((x) => `.list[="${x}"]`);
const k = (...names: string[]): string[] => names.flatMap((x) => [`.list[name="${x}"]`, `.list[name="${x}"].name`]);

const cases: Case[] = [
  { name: 'set: apply_twice', schema: setSchema, ops: [{ apply: 'default', list: ['a', 'c'] }, { apply: 'default', list: ['a', 'b', 'c', 'd'] }], list: ['a', 'b', 'c', 'd'], managed: { default: v('a', 'b', 'c', 'd') } },
  {
    name: 'set: apply_update_apply_no_overlap', schema: setSchema,
    ops: [{ apply: 'default', list: ['a', 'c'] }, { update: 'controller', list: ['a', 'b', 'c', 'd'] }, { apply: 'default', list: ['a', 'aprime', 'c', 'cprime'] }],
    list: ['a', 'b', 'aprime', 'c', 'd', 'cprime'], managed: { default: v('a', 'aprime', 'c', 'cprime'), controller: v('b', 'd') },
  },
  {
    name: 'set: apply_update_apply_with_overlap', schema: setSchema,
    ops: [{ apply: 'default', list: ['a', 'c'] }, { update: 'controller', list: ['a', 'b', 'c', 'd'] }, { apply: 'default', list: ['a', 'b', 'c'] }],
    list: ['a', 'b', 'c', 'd'], managed: { default: v('a', 'b', 'c'), controller: v('b', 'd') },
  },
  { name: 'set: apply_twice_reorder', schema: setSchema, ops: [{ apply: 'default', list: ['a', 'b', 'c', 'd'] }, { apply: 'default', list: ['a', 'd', 'c', 'b'] }], list: ['a', 'd', 'c', 'b'], managed: { default: v('a', 'b', 'c', 'd') } },
  {
    name: 'set: apply_update_apply_reorder', schema: setSchema,
    ops: [{ apply: 'default', list: ['a', 'b', 'c', 'd'] }, { update: 'controller', list: ['a', 'd', 'c', 'b'] }, { apply: 'default', list: ['a', 'b', 'c', 'd'] }],
    list: ['a', 'b', 'c', 'd'], managed: { default: v('a', 'b', 'c', 'd') },
  },
  { name: 'set: apply_twice_remove', schema: setSchema, ops: [{ apply: 'default', list: ['a', 'b', 'c', 'd'] }, { apply: 'default', list: ['a', 'c'] }], list: ['a', 'c'], managed: { default: v('a', 'c') } },
  {
    name: 'appliers: remove_one', schema: keyedSchema,
    ops: [{ apply: 'apply-one', list: n('a', 'b') }, { apply: 'apply-two', list: n('c') }, { apply: 'apply-one', list: n('a') }],
    list: n('a', 'c'), managed: { 'apply-one': k('a'), 'apply-two': k('c') },
  },
  {
    name: 'appliers: same_value_no_conflict', schema: keyedSchema,
    ops: [{ apply: 'apply-one', list: [{ name: 'a', value: 0 }] }, { apply: 'apply-two', list: [{ name: 'a', value: 0 }] }],
    list: [{ name: 'a', value: 0 }], managed: { 'apply-one': [...k('a'), '.list[name="a"].value'], 'apply-two': [...k('a'), '.list[name="a"].value'] },
  },
  {
    name: 'appliers: change_value_yes_conflict', schema: keyedSchema,
    ops: [{ apply: 'apply-one', list: [{ name: 'a', value: 0 }] }, { apply: 'apply-two', list: [{ name: 'a', value: 1 }], conflicts: ['apply-one .list[name="a"].value'] }],
    list: [{ name: 'a', value: 0 }], managed: { 'apply-one': [...k('a'), '.list[name="a"].value'] },
  },
  {
    name: 'appliers: remove_one_keep_one', schema: keyedSchema,
    ops: [{ apply: 'apply-one', list: n('a', 'b', 'c') }, { apply: 'apply-two', list: n('c', 'd') }, { apply: 'apply-one', list: n('a') }],
    list: n('a', 'c', 'd'), managed: { 'apply-one': k('a'), 'apply-two': k('c', 'd') },
  },
];

for (const c of cases) {
  test(`structured-merge-diff ${c.name}`, () => {
    let live: KubeObject | undefined;
    for (const op of c.ops) {
      const body: KubeObject = { apiVersion: 'v1', kind: 'T', metadata: { name: 'x' }, list: op.list };
      if ('apply' in op) {
        const result = serverSideApply(live, body, { manager: op.apply, force: false, schema: c.schema, apiVersion: 'v1', now: '2025-01-01T00:00:00Z' });
        assert.deepEqual(result.conflicts.map((x) => `${x.manager} ${x.field}`), op.conflicts ?? []);
        if (result.conflicts.length > 0) continue;
        live = result.object;
      } else {
        live = updateManagedFields(live, { ...body, metadata: { ...live!.metadata } }, { manager: op.update, operation: 'Update', apiVersion: 'v1', now: '2025-01-01T00:00:00Z', schema: c.schema });
      }
      live = { ...live, metadata: { ...live.metadata, uid: 'u-1' } };
    }
    assert.deepEqual(live!.list, c.list);
    const managed = Object.fromEntries((live!.metadata.managedFields ?? []).map((e) => [e.manager, pathsFromFieldsV1(e.fieldsV1).paths().map(pathToString).sort()]));
    assert.deepEqual(managed, Object.fromEntries(Object.entries(c.managed).map(([m, paths]) => [m, [...paths].sort()])));
  });
}
