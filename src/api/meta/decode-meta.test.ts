import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropStoredMalformedMetadata, objectMetaDecodeError } from './decode-meta.ts';

test('metadata decoding: the first wrong type, as encoding/json reports it', () => {
  assert.equal(objectMetaDecodeError({ name: 'a', labels: { tier: 'web' } }), undefined);
  assert.equal(objectMetaDecodeError({ name: 'a', labels: { tier: 5 } }), 'json: cannot unmarshal number into Go struct field ObjectMeta.labels of type string');
});

test('a write keeps no malformed metadata field it did not bring: those the stored object has are dropped, as on reading it', () => {
  const stored = { name: 'a', labels: { tier: 5 }, annotations: { note: 'x' } };
  const written: Record<string, unknown> = { name: 'a', labels: { tier: 5 }, annotations: { note: 'x', more: 'y' } };
  dropStoredMalformedMetadata(written, stored);
  assert.deepEqual(written, { name: 'a', annotations: { note: 'x', more: 'y' } });
  assert.equal(objectMetaDecodeError(written), undefined);
  // A malformed field the write brings (or changes) stays, and is refused.
  const changed: Record<string, unknown> = { name: 'a', labels: { tier: 6 } };
  dropStoredMalformedMetadata(changed, stored);
  assert.deepEqual(changed, { name: 'a', labels: { tier: 6 } });
});
