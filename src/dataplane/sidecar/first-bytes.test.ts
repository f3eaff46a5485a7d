import assert from 'node:assert/strict';
import { createServer, connect, type AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, it, mock } from 'node:test';
import { classifyFirstBytes, peekFirstBytes } from './first-bytes.ts';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('classifyFirstBytes', () => {
  it('a TLS handshake record is tls, whatever follows', () => {
    assert.equal(classifyFirstBytes(Buffer.from([0x16, 0x03, 0x01])), 'tls');
    assert.equal(classifyFirstBytes(b('G'), true), 'other');
    assert.equal(classifyFirstBytes(Buffer.alloc(0), true), 'need-more');
  });

  it('an HTTP/1.x request line is http1 once the line ended', () => {
    assert.equal(classifyFirstBytes(b('GET /x HTTP/1.1\r\nHost: a\r\n')), 'http1');
    assert.equal(classifyFirstBytes(b('OPTIONS * HTTP/1.0\r\n')), 'http1');
    assert.equal(classifyFirstBytes(b('GET /x HT')), 'need-more');
    assert.equal(classifyFirstBytes(b('GET /x HTTP/2.0\r\n')), 'other');
  });

  it('the HTTP/2 preface is h2; binary or server-first bytes are other', () => {
    assert.equal(classifyFirstBytes(b('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')), 'h2');
    assert.equal(classifyFirstBytes(b('PRI * HT')), 'need-more');
    assert.equal(classifyFirstBytes(Buffer.from([0, 0, 0, 8, 4, 210, 22, 47])), 'other');
    assert.equal(classifyFirstBytes(b('hello world\r\n')), 'other');
    assert.equal(classifyFirstBytes(b('A'.repeat(9000))), 'other');
  });
});

describe('peekFirstBytes', () => {
  it('decides on what arrived and leaves the bytes on the socket; a silent client times out as other', async () => {
    const seen: string[] = [];
    const server = createServer(async (socket) => {
      const peeked = await peekFirstBytes(socket, 200);
      seen.push(peeked.kind);
      socket.once('data', (d: Buffer) => {
        seen.push(d.toString('latin1'));
        socket.end();
      });
      socket.resume();
      if (peeked.kind === 'other') socket.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const exchange = (data: string | undefined) => new Promise<void>((resolve) => {
      const c = connect(port, '127.0.0.1', () => {
        if (data === undefined) return;
        c.write(data.slice(0, 4));
        setImmediate(() => c.write(data.slice(4)));
      });
      c.on('data', () => {});
      c.on('close', () => resolve());
    });
    try {
      await exchange('GET / HTTP/1.1\r\n\r\n');
      await exchange(undefined);
      assert.deepEqual(seen, ['http1', 'GET / HTTP/1.1\r\n\r\n', 'other']);
    } finally {
      server.close();
    }
  });

  it('a timeout of 0 waits however long the client is silent (Istio\'s protocolDetectionTimeout: 0s)', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const socket = new PassThrough();
      const peeked = peekFirstBytes(socket, 0);
      // An hour passes with no byte: a timer, had one been armed, would have settled as `other`.
      mock.timers.tick(3_600_000);
      socket.write('GET / HTTP/1.1\r\n\r\n');
      assert.equal((await peeked).kind, 'http1');
    } finally {
      mock.timers.reset();
    }
  });
});
