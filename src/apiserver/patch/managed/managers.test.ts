import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeManagedFields, encodeManagedFields } from './managers.ts';

const entry = (manager: string, fieldsV1: Record<string, unknown>) => ({ manager, operation: 'Update', apiVersion: 'v1', time: '2026-11-24T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1 });

describe('managedFields encoding', () => {
  it('gives an unchanged manager back the FieldsV1 it encoded, and decodes that to a read-only set', () => {
    const first = encodeManagedFields(decodeManagedFields([entry('kubelet', { 'f:status': { 'f:phase': {} } })]))!;
    const decoded = decodeManagedFields(first);
    const [manager] = [...decoded.values()];
    assert.throws(() => manager!.set.insert([{ kind: 'field', name: 'x' } as never]), /read-only/);
    const second = encodeManagedFields(decoded)!;
    assert.equal(second[0]!.fieldsV1, first[0]!.fieldsV1, 'the same object: no encode');
    assert.equal(decodeManagedFields(second).get([...decoded.keys()][0]!)!.set, manager!.set, 'the same set: no decode');
  });

  it('still normalises what a client sent', () => {
    const sent = { 'f:status': { 'f:phase': {} }, 'f:metadata': { 'f:labels': { 'f:app': {} } } };
    const [out] = encodeManagedFields(decodeManagedFields([entry('kubectl', sent)]))!;
    assert.notEqual(out!.fieldsV1, sent);
    assert.deepEqual(Object.keys(out!.fieldsV1), ['f:metadata', 'f:status'], 'encoded in field order');
  });
});
