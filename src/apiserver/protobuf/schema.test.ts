import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileSchema, parseFieldSpec } from './schema.ts';

describe('protobuf schema notation', () => {
  it('parses pointers, slices, maps, inline structs, unsupported fields and the no-omitempty mark', () => {
    assert.deepEqual(parseFieldSpec('2 selector *LabelSelector!'), {
      no: 2, name: 'selector', type: 'LabelSelector', pointer: true, repeated: false, map: false, omitEmpty: false, inline: false, unsupported: false,
    });
    assert.equal(parseFieldSpec('2 containers Container[]!').repeated, true);
    assert.deepEqual(parseFieldSpec('32 overhead map<string,Quantity>'), {
      no: 32, name: 'overhead', type: 'Quantity', pointer: false, repeated: false, map: true, omitEmpty: true, inline: false, unsupported: false,
    });
    assert.equal(parseFieldSpec('1 ...ProbeHandler').inline, true);
    assert.equal(parseFieldSpec('18 affinity -').unsupported, true);
    assert.throws(() => parseFieldSpec('two name string'), /cannot parse field/);
  });

  it('rejects tables with dangling references or repeated field numbers', () => {
    assert.throws(() => compileSchema({ A: ['1 b B'] }), /refers to unknown message B/);
    assert.throws(() => compileSchema({ A: ['1 x string', '1 y string'] }), /field number 1 twice/);
    assert.throws(() => compileSchema({ A: [] }, { A: [] }), /defined twice/);
    assert.equal(compileSchema({ A: ['1 t Time', '2 b *B'], B: ['1 s string[]'] }).size, 2);
  });
});
