import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SkiffError } from '../../errors/skiff-error.ts';
import { statusFromError } from './status.ts';

describe('statusFromError', () => {
  it('omits empty details fields as Go does (omitempty)', () => {
    const err = new SkiffError('SKF_API_CONFLICT', 'Operation cannot be fulfilled on configmaps "a": x', { details: { status: { name: 'a', group: '', kind: 'configmaps', causes: [] } } });
    assert.deepEqual(statusFromError(err), {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'Operation cannot be fulfilled on configmaps "a": x', reason: 'Conflict',
      details: { name: 'a', kind: 'configmaps' },
      code: 409,
    });
  });

  it('keeps a group and causes, dropping empty cause fields', () => {
    const err = new SkiffError('SKF_API_INVALID', 'm', { details: { status: { name: 'w', group: 'example.com', kind: 'Widget', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: '' }] } } });
    assert.deepEqual(statusFromError(err).details, { name: 'w', group: 'example.com', kind: 'Widget', causes: [{ reason: 'FieldValueRequired', message: 'Required value' }] });
  });
});
