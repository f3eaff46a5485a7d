/**
 * Hostile and malformed clients on raw sockets: every smuggling shape, header floods and
 * slowloris get a clear status and a closed connection, nothing reaches the upstream, and
 * the proxy keeps serving. Pipelined requests are answered in order.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { STATUS_CODES } from 'node:http';
import { curl, rawExchange, startProxy, startUpstream, statuses, type TestProxy } from './test-support.ts';

describe('HTTP/1.1 engine against malformed and hostile clients', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let proxy: TestProxy;
  const upstreamSaw: string[] = [];

  before(async () => {
    upstream = await startUpstream((req, res) => {
      upstreamSaw.push(`${req.method} ${req.url}`);
      let n = 0;
      req.on('data', (d: Buffer) => (n += d.length));
      req.on('end', () => res.end(`${req.url} ${n}`));
    });
    proxy = await startProxy(() => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: upstream.port } }), { requestHeadersTimeoutMs: 300 });
  });

  after(async () => {
    await proxy.close();
    await upstream.close();
  });

  async function expectRejected(request: string | Buffer | Array<string | Buffer>, status: number): Promise<void> {
    const before = upstreamSaw.length;
    const r = await rawExchange(proxy.port, request);
    assert.deepEqual(statuses(r.text), [status], r.text);
    assert.ok(r.closed, 'the connection is closed');
    assert.match(r.text, /\r\nconnection: close\r\n/);
    if (status !== 426) assert.ok(r.text.endsWith(`\r\n\r\n${STATUS_CODES[status]!}`), 'Envoy\'s body: the status text');
    assert.equal(upstreamSaw.length, before, 'nothing reached the upstream');
    const ok = await curl([`http://127.0.0.1:${proxy.port}/still-serving`]);
    assert.equal(ok.status, 200);
  }

  const req = (...lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

  it('rejects Content-Length with Transfer-Encoding (CL.TE / TE.CL)', async () => {
    await expectRejected(req('POST / HTTP/1.1', 'Host: x', 'Content-Length: 4', 'Transfer-Encoding: chunked') + '0\r\n\r\n', 400);
    await expectRejected(req('POST / HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked', 'Content-Length: 4') + '0\r\n\r\n', 400);
  });

  it('rejects differing Content-Lengths and unsupported transfer codings', async () => {
    await expectRejected(req('POST / HTTP/1.1', 'Host: x', 'Content-Length: 1', 'Content-Length: 2') + 'ab', 400);
    await expectRejected(req('POST / HTTP/1.1', 'Host: x', 'Transfer-Encoding: xchunked') + '0\r\n\r\n', 501);
    await expectRejected(req('POST / HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked, identity') + '0\r\n\r\n', 501);
  });

  it('rejects obs-fold, bad names, control characters and bare LF', async () => {
    await expectRejected(req('GET / HTTP/1.1', 'Host: x', 'X-A: 1', '\tcontinued'), 400);
    await expectRejected(req('GET / HTTP/1.1', 'Host: x', 'X A: 1'), 400);
    await expectRejected(req('GET / HTTP/1.1', 'Host : x'), 400);
    await expectRejected(req('GET / HTTP/1.1', 'Host: x', 'X-A: a\x01b'), 400);
    await expectRejected(req('GET / HTTP/1.1', 'Host: x\nTransfer-Encoding: chunked'), 400);
    await expectRejected(req('GET / HTTP/1.1', 'Host: a', 'Host: b'), 400);
    await expectRejected(req('GET / HTTP/1.1'), 400);
    await expectRejected(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0x0d, 0x0a, 0x0d, 0x0a]), 400);
  });

  it('answers HTTP/1.0 with 426 as Envoy does by default', async () => {
    await expectRejected('GET / HTTP/1.0\r\n\r\n', 426);
  });

  it('rejects a bad chunk size and resets the upstream exchange', async () => {
    const r = await rawExchange(proxy.port, req('POST /c HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked') + 'zz\r\nhello\r\n0\r\n\r\n');
    assert.deepEqual(statuses(r.text), [400]);
    assert.ok(r.closed);
    assert.deepEqual(proxy.records.at(-1)!.responseFlags, ['DPE']);
    assert.equal((await curl([`http://127.0.0.1:${proxy.port}/after`])).status, 200);
  });

  it('answers a header flood with 431: too many bytes, too many fields, no end of head', async () => {
    await expectRejected(req('GET / HTTP/1.1', 'Host: x', `X-Big: ${'a'.repeat(61 * 1024)}`), 431);
    const many = ['GET / HTTP/1.1', 'Host: x'];
    for (let i = 0; i < 101; i++) many.push(`X-H${i}: v`);
    await expectRejected(req(...many), 431);
    const endless: string[] = ['GET / HTTP/1.1\r\nHost: x\r\n'];
    for (let i = 0; i < 100; i++) endless.push(`X-${i}: ${'b'.repeat(1000)}\r\n`);
    await expectRejected(endless, 431);
  });

  it('times out a slowloris client with 408 and keeps serving others', async () => {
    const slow = rawExchange(proxy.port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ', { timeoutMs: 10_000 });
    assert.equal((await curl([`http://127.0.0.1:${proxy.port}/meanwhile`])).status, 200);
    const r = await slow;
    assert.deepEqual(statuses(r.text), [408]);
    assert.ok(r.text.endsWith('\r\n\r\nrequest header timeout'), r.text);
    assert.equal(proxy.records.at(-1)!.responseCodeDetails, 'request_header_timeout');
    assert.ok(r.closed);
  });

  it('answers pipelined requests in order, bodies included', async () => {
    const r = await rawExchange(proxy.port, [
      req('GET /p1 HTTP/1.1', 'Host: x') +
        req('POST /p2 HTTP/1.1', 'Host: x', 'Content-Length: 5') + 'hello' +
        req('POST /p3 HTTP/1.1', 'Host: x', 'Transfer-Encoding: chunked') + '3\r\nabc\r\n0\r\n\r\n' +
        req('GET /p4 HTTP/1.1', 'Host: x', 'Connection: close'),
    ]);
    assert.deepEqual(statuses(r.text), [200, 200, 200, 200]);
    const bodies = [...r.text.matchAll(/\r\n\r\n(\/p\d \d+)/g)].map((m) => m[1]);
    assert.deepEqual(bodies, ['/p1 0', '/p2 5', '/p3 3', '/p4 0']);
    assert.ok(r.closed, 'Connection: close ends the connection after the last response');
  });

  it('answers the good pipelined requests before a malformed one, then closes', async () => {
    const r = await rawExchange(proxy.port, req('GET /ok HTTP/1.1', 'Host: x') + req('GET /bad HTTP/1.1', 'Host: x', 'Content-Length: 1', 'Content-Length: 2') + req('GET /never HTTP/1.1', 'Host: x'));
    assert.deepEqual(statuses(r.text), [200, 400]);
    assert.ok(r.closed);
    assert.ok(!upstreamSaw.includes('GET /never'));
  });

  it('answers thousands of pipelined requests that the handler answers at once, in order, without nesting', async () => {
    // A handler that replies synchronously finishes each exchange inside the parse loop.
    const local = await startProxy(() => ({ kind: 'reply', status: 204, details: 'direct_response' }), { maxHeadBytes: 1024 * 1024 });
    try {
      const n = 4000;
      const r = await rawExchange(local.port, Array.from({ length: n }, (_, i) => req(`GET /q${i} HTTP/1.1`, 'Host: x', ...(i === n - 1 ? ['Connection: close'] : []))).join(''));
      const got = statuses(r.text);
      assert.equal(got.length, n);
      assert.ok(got.every((s) => s === 204));
      assert.ok(r.closed);
    } finally {
      await local.close();
    }
  });

  it('tolerates empty lines before a request', async () => {
    const r = await rawExchange(proxy.port, '\r\n\r\n' + req('GET /blank HTTP/1.1', 'Host: x', 'Connection: close'));
    assert.deepEqual(statuses(r.text), [200]);
  });
});
