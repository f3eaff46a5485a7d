import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HEAD_LIMITS, HeadError, parseRequestHead } from './request-head.ts';

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
const rejects = (text: string, status: number, details?: string) =>
  assert.throws(
    () => parseRequestHead(text),
    (e: unknown) => e instanceof HeadError && e.status === status && (details === undefined || e.details === details),
  );

describe('parseRequestHead', () => {
  it('reads the request line, raw headers in order, authority and framing', () => {
    const h = parseRequestHead(head(['POST /a?b=1 HTTP/1.1', 'Host: example.com', 'X-One: 1', 'content-length: 5', 'X-One: 2']));
    assert.equal(h.method, 'POST');
    assert.equal(h.path, '/a?b=1');
    assert.equal(h.authority, 'example.com');
    assert.deepEqual(h.headers, ['Host', 'example.com', 'X-One', '1', 'content-length', '5', 'X-One', '2']);
    assert.equal(h.framing, 'length');
    assert.equal(h.contentLength, 5);
    assert.equal(h.keepAlive, true);
  });

  it('knows chunked, close, upgrade and 100-continue', () => {
    const h = parseRequestHead(head(['PUT / HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked', 'Connection: close', 'Expect: 100-continue']));
    assert.equal(h.framing, 'chunked');
    assert.equal(h.keepAlive, false);
    assert.equal(h.expectContinue, true);
    const u = parseRequestHead(head(['GET /ws HTTP/1.1', 'Host: x', 'Connection: keep-alive, Upgrade', 'Upgrade: websocket']));
    assert.equal(u.upgrade, 'websocket');
    const h2c = parseRequestHead(head(['GET / HTTP/1.1', 'Host: x', 'Connection: Upgrade, HTTP2-Settings', 'Upgrade: h2c']));
    assert.equal(h2c.upgrade, undefined);
  });

  it('takes the authority from an absolute-form target', () => {
    const h = parseRequestHead(head(['GET http://other.example:8080/p HTTP/1.1', 'Host: ignored']));
    assert.equal(h.authority, 'other.example:8080');
    assert.equal(h.path, '/p');
  });

  it('accepts identical repeated Content-Length and rejects differing ones', () => {
    assert.equal(parseRequestHead(head(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 3', 'Content-Length: 3'])).contentLength, 3);
    assert.equal(parseRequestHead(head(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 3, 3'])).contentLength, 3);
    rejects(head(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 3', 'Content-Length: 4']), 400);
    rejects(head(['POST / HTTP/1.1', 'Host: x', 'Content-Length: -1']), 400);
    rejects(head(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 0x10']), 400);
    rejects(head(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 99999999999999999999']), 400);
  });

  it('rejects the request-smuggling shapes', () => {
    rejects(head(['POST / HTTP/1.1', 'Host: x', 'Content-Length: 3', 'Transfer-Encoding: chunked']), 400, 'http1.content_length_and_chunked_not_allowed');
    rejects(head(['POST / HTTP/1.1', 'Host: x', 'Transfer-Encoding: gzip, chunked']), 501);
    rejects(head(['POST / HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked', 'Transfer-Encoding: identity']), 501);
    rejects(head(['GET / HTTP/1.1', 'Host: x', 'X-A: 1', ' folded']), 400); // obs-fold
    rejects(head(['GET / HTTP/1.1', 'Host: x', 'Bad Name: 1']), 400);
    rejects(head(['GET / HTTP/1.1', 'Host : x']), 400);
    rejects(head(['GET / HTTP/1.1', 'Host: x', 'X-A: a\x00b']), 400);
    rejects(head(['GET / HTTP/1.1', 'Host: x\nX-Smuggled: 1']), 400);
    rejects(head(['GET / HTTP/1.1', 'Host: x', 'Host: y']), 400);
    rejects(head(['GET / HTTP/1.1']), 400, 'missing_host_header');
  });

  it('rejects bad request lines', () => {
    rejects(head(['GET /a b HTTP/1.1', 'Host: x']), 400);
    rejects(head(['GET  HTTP/1.1', 'Host: x']), 400);
    rejects(head(['G(T / HTTP/1.1', 'Host: x']), 400);
    rejects(head(['GET / HTTP/2.0', 'Host: x']), 400);
    rejects(head(['GET /\x7f HTTP/1.1', 'Host: x']), 400);
    rejects(head(['GET relative HTTP/1.1', 'Host: x']), 400);
    rejects(head(['CONNECT x:443 HTTP/1.1', 'Host: x']), 400);
  });

  it('answers HTTP/1.0 with 426 unless accepted, then keep-alive only on request', () => {
    rejects(head(['GET / HTTP/1.0']), 426);
    const limits = { ...DEFAULT_HEAD_LIMITS, acceptHttp10: true };
    assert.equal(parseRequestHead(head(['GET / HTTP/1.0']), limits).keepAlive, false);
    assert.equal(parseRequestHead(head(['GET / HTTP/1.0', 'Connection: keep-alive']), limits).keepAlive, true);
  });

  it('limits the number of headers (431)', () => {
    const lines = ['GET / HTTP/1.1', 'Host: x'];
    for (let i = 0; i < 100; i++) lines.push(`X-${i}: v`);
    rejects(head(lines), 431);
  });
});
