import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseResponseHead, UpstreamProtocolError } from './response-head.ts';

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

describe('parseResponseHead', () => {
  it('frames by Content-Length, chunked, or close', () => {
    assert.equal(parseResponseHead(head(['HTTP/1.1 200 OK', 'Content-Length: 4']), 'GET').framing, 'length');
    assert.equal(parseResponseHead(head(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked', 'Content-Length: 4']), 'GET').framing, 'chunked');
    const close = parseResponseHead(head(['HTTP/1.1 200 OK']), 'GET');
    assert.equal(close.framing, 'close');
    assert.equal(close.keepAlive, false);
  });

  it('knows bodiless responses', () => {
    assert.equal(parseResponseHead(head(['HTTP/1.1 200 OK', 'Content-Length: 4']), 'HEAD').framing, 'none');
    assert.equal(parseResponseHead(head(['HTTP/1.1 204 No Content']), 'GET').framing, 'none');
    assert.equal(parseResponseHead(head(['HTTP/1.1 304 Not Modified', 'Content-Length: 9']), 'GET').framing, 'none');
    assert.equal(parseResponseHead(head(['HTTP/1.1 100 Continue']), 'GET').framing, 'none');
  });

  it('reads keep-alive from version and Connection', () => {
    assert.equal(parseResponseHead(head(['HTTP/1.1 200 OK', 'Content-Length: 0', 'Connection: close']), 'GET').keepAlive, false);
    assert.equal(parseResponseHead(head(['HTTP/1.0 200 OK', 'Content-Length: 0']), 'GET').keepAlive, false);
    assert.equal(parseResponseHead(head(['HTTP/1.0 200 OK', 'Content-Length: 0', 'Connection: keep-alive']), 'GET').keepAlive, true);
  });

  it('takes an empty reason phrase', () => {
    assert.equal(parseResponseHead(head(['HTTP/1.1 200', 'Content-Length: 0']), 'GET').status, 200);
  });

  it('rejects garbage as a protocol error', () => {
    for (const bad of [head(['HTTP/2 200 OK']), head(['HTTP/1.1 20 OK']), head(['HTTP/1.1 200 OK', 'No colon']), head(['HTTP/1.1 200 OK', 'Content-Length: x'])]) {
      assert.throws(() => parseResponseHead(bad, 'GET'), UpstreamProtocolError);
    }
  });
});
