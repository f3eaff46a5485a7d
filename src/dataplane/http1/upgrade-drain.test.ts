/**
 * Upgrades become byte tunnels after a 101; drain closes idle connections at once, lets
 * in-flight requests finish with `connection: close`, refuses new connections, and resets
 * what is left at the deadline.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { rawExchange, startProxy, startUpstream, statuses } from './test-support.ts';

describe('HTTP/1.1 engine upgrades', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let proxy: Awaited<ReturnType<typeof startProxy>>;

  before(async () => {
    upstream = await startUpstream((req, res) => res.end(`plain ${req.headers.upgrade ?? ''}`));
    upstream.server.on('upgrade', (req, socket, head) => {
      if (req.headers.upgrade !== 'websocket') {
        socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nhello-from-upstream;');
      if (head.length) socket.write(head);
      socket.on('data', (d: Buffer) => socket.write(d)); // echo
      socket.on('end', () => socket.end());
    });
    proxy = await startProxy(() => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: upstream.port } }));
  });
  after(async () => {
    await proxy.close();
    await upstream.close();
  });

  it('tunnels bytes both ways after a 101 and records the exchange at close', async () => {
    const socket = connect({ host: '127.0.0.1', port: proxy.port });
    let text = '';
    const got = (needle: string) =>
      new Promise<void>((resolve) => {
        const check = () => (text.includes(needle) ? resolve() : socket.once('data', check));
        check();
      });
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.write('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nearly;');
    await got('early;');
    assert.match(text, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(text, /\r\nConnection: Upgrade\r\n/i);
    assert.match(text, /hello-from-upstream;/);
    socket.write('ping;');
    await got('ping;');
    const before = proxy.records.length;
    socket.end();
    await new Promise((r) => socket.on('close', r));
    const rec = (await proxy.recordsAtLeast(before + 1)).at(-1)!;
    assert.equal(rec.responseCode, 101);
    assert.equal(rec.bytesReceived, 'early;ping;'.length);
    assert.equal(rec.bytesSent, 'hello-from-upstream;early;ping;'.length);
    assert.deepEqual(rec.responseFlags, []);
  });

  it('forwards a refused upgrade as a normal response', async () => {
    const r = await rawExchange(proxy.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: other\r\n\r\n');
    assert.deepEqual(statuses(r.text), [400]);
  });
});

describe('HTTP/1.1 engine drain', () => {
  it('closes idle connections, finishes in-flight requests with connection: close, refuses new ones', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const slowArrived = new Promise<void>((r) => (arrived = r));
    const upstream = await startUpstream((req, res) => {
      if (req.url === '/slow') {
        arrived();
        void released.then(() => res.end('slow-done'));
      } else res.end('fast');
    });
    const proxy = await startProxy(() => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: upstream.port } }));
    try {
      // An idle kept-alive connection.
      const idle = connect({ host: '127.0.0.1', port: proxy.port });
      const idleClosed = new Promise((r) => idle.on('close', r));
      idle.write('GET /fast HTTP/1.1\r\nHost: x\r\n\r\n');
      await new Promise((r) => idle.once('data', r));
      // An in-flight one.
      const slow = rawExchange(proxy.port, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 10_000 });
      await slowArrived;
      const drained = proxy.listener.drain(10_000);
      await idleClosed;
      const refused = await rawExchange(proxy.port, 'GET /fast HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.equal(refused.text, '', 'no new connection is served while draining');
      release();
      const r = await slow;
      assert.deepEqual(statuses(r.text), [200]);
      assert.match(r.text, /\r\nconnection: close\r\n/);
      assert.ok(r.text.endsWith('slow-done'));
      assert.ok(r.closed);
      await drained;
      assert.equal(proxy.listener.connectionCount, 0);
    } finally {
      release();
      await proxy.close();
      await upstream.close();
    }
  });

  it('resets what is still in flight at the deadline', async () => {
    const upstream = await startUpstream(() => undefined); // never answers
    const proxy = await startProxy(() => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: upstream.port } }));
    try {
      const stuck = rawExchange(proxy.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', { timeoutMs: 10_000 });
      while (proxy.listener.connectionCount === 0) await new Promise((r) => setTimeout(r, 5));
      await proxy.listener.drain(100);
      const r = await stuck;
      assert.ok(r.closed);
      const rec = (await proxy.recordsAtLeast(1)).at(-1)!;
      assert.deepEqual(rec.responseFlags, ['DC']);
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });
});
