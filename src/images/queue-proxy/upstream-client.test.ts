import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { UpstreamPool, type UpstreamHead } from './upstream-client.ts';

/** A raw TCP app answering each request head with the next canned reply; counts connections. */
async function rawApp(replies: string[]) {
  let connections = 0;
  const server = createTcpServer((socket: Socket) => {
    connections++;
    let buffered = '';
    socket.on('data', (d) => {
      buffered += d.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
        const reply = replies.shift() ?? '';
        if (reply === 'CLOSE') socket.destroy();
        else socket.write(reply);
        if (reply.includes('Connection: close')) socket.end();
      }
    });
  });
  const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as AddressInfo).port)));
  return { port, connections: () => connections, close: () => server.close() };
}

function exchange(pool: UpstreamPool, method = 'GET') {
  return new Promise<{ head?: UpstreamHead; body: string; error?: string; reused?: boolean }>((resolve) => {
    let head: UpstreamHead | undefined;
    let body = '';
    pool.request(`${method} / HTTP/1.1\r\nHost: x\r\n\r\n`, method === 'HEAD', {
      head: (h) => void (head = h),
      data: (c) => ((body += c.toString('latin1')), true),
      end: () => resolve({ head, body }),
      error: (e, reused) => resolve({ head, body, error: e.code, reused }),
    });
  });
}

describe('UpstreamPool', () => {
  it('reads length, chunked, bodiless and interim responses, reusing one connection', async () => {
    const app = await rawApp([
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: b\r\n\r\nok',
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      'HTTP/1.1 204 No Content\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n',
    ]);
    const pool = new UpstreamPool('127.0.0.1', app.port, 10);
    try {
      const first = await exchange(pool);
      assert.deepEqual([first.head?.status, first.head?.statusMessage, first.head?.rawHeaders, first.body], [200, 'OK', ['Content-Length', '2', 'X-A', 'b'], 'ok']);
      const chunked = await exchange(pool);
      assert.deepEqual([chunked.head?.status, chunked.body], [201, 'abc']);
      assert.equal((await exchange(pool)).head?.status, 204);
      const head = await exchange(pool, 'HEAD');
      assert.deepEqual([head.head?.status, head.body], [200, '']);
      assert.equal(app.connections(), 1);
    } finally {
      pool.destroy();
      app.close();
    }
  });

  it('reads a body to the connection end, and reports a reused connection the app closed', async () => {
    const app = await rawApp(['HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na', 'CLOSE', 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end']);
    const pool = new UpstreamPool('127.0.0.1', app.port, 10);
    try {
      assert.equal((await exchange(pool)).body, 'a');
      assert.deepEqual(await exchange(pool), { head: undefined, body: '', error: 'ECONNRESET', reused: true });
      const untilEnd = await exchange(pool);
      assert.deepEqual([untilEnd.head?.status, untilEnd.body], [200, 'until the end']);
    } finally {
      pool.destroy();
      app.close();
    }
  });

  it('reports a refused connection as not reused', async () => {
    const app = await rawApp([]);
    app.close();
    const pool = new UpstreamPool('127.0.0.1', app.port, 10);
    assert.deepEqual(await exchange(pool), { head: undefined, body: '', error: 'ECONNREFUSED', reused: false });
    pool.destroy();
  });
});
