import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkedScanner } from './chunked-scanner.ts';

function scanAll(text: string, split = 0): { end: number; done: boolean; payload: number } {
  const buf = Buffer.from(text, 'latin1');
  const s = new ChunkedScanner();
  if (split > 0) {
    let pos = 0;
    while (pos < buf.length && !s.done) {
      const r = s.scan(buf, pos, Math.min(pos + split, buf.length));
      if (r < 0) return { end: -1, done: false, payload: s.payloadBytes };
      pos = r;
    }
    return { end: pos, done: s.done, payload: s.payloadBytes };
  }
  return { end: s.scan(buf, 0, buf.length), done: s.done, payload: s.payloadBytes };
}

describe('ChunkedScanner', () => {
  it('finds the end of a chunked body and counts payload bytes, byte by byte too', () => {
    const body = '5\r\nhello\r\nA;ext=1\r\n0123456789\r\n0\r\n\r\n';
    for (const split of [0, 1, 3]) {
      const r = scanAll(`${body}GET / HTTP/1.1`, split);
      assert.equal(r.done, true);
      assert.equal(r.payload, 15);
      if (split === 0) assert.equal(r.end, body.length);
    }
  });

  it('passes trailers', () => {
    const body = '1\r\na\r\n0\r\nX-Trailer: v\r\n\r\n';
    assert.deepEqual(scanAll(body), { end: body.length, done: true, payload: 1 });
  });

  it('waits for more bytes', () => {
    assert.deepEqual(scanAll('5\r\nhel'), { end: 6, done: false, payload: 3 });
  });

  it('rejects bad framing', () => {
    for (const bad of ['x\r\n', '\r\n', ' 5\r\nhello\r\n', '5\nhello\r\n', '5\r\nhelloXX', '-1\r\n', '123456789\r\n', '5 \r\nhello\r\n0\r\n\r\n', '0\r\nX: 1\n\r\n']) {
      assert.equal(scanAll(bad).end, -1, JSON.stringify(bad));
    }
  });
});
