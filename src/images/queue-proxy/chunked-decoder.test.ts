import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkedDecoder } from './chunked-decoder.ts';

const decodeAll = (pieces: string[]) => {
  const d = new ChunkedDecoder();
  let body = '';
  for (const p of pieces) {
    const out = d.push(Buffer.from(p, 'latin1'));
    if (out instanceof Error) return out;
    body += Buffer.concat(out).toString('latin1');
  }
  return { body, finished: d.finished };
};

describe('ChunkedDecoder', () => {
  it('decodes chunks split anywhere, with extensions and trailers', () => {
    const wire = '5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n';
    for (let cut = 0; cut <= wire.length; cut++) {
      assert.deepEqual(decodeAll([wire.slice(0, cut), wire.slice(cut)]), { body: 'hello 0123456789', finished: true }, `cut at ${cut}`);
    }
    assert.deepEqual(decodeAll([...wire]), { body: 'hello 0123456789', finished: true });
  });

  it('waits for the end and rejects broken framing', () => {
    assert.deepEqual(decodeAll(['3\r\nabc\r\n']), { body: 'abc', finished: false });
    assert.ok(decodeAll(['zz\r\n']) instanceof Error);
    assert.ok(decodeAll(['3\r\nabcd\r\n']) instanceof Error);
  });
});
