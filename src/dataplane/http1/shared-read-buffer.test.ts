/**
 * Upstream connections read into one shared buffer (upstream-pool.ts, READ_BUFFER): every
 * byte the engine keeps or queues must be copied before the next read overwrites it. These
 * cases make the engine queue a lot — slow clients (back-pressure), chunked bodies split
 * across reads, a tunnel echoing large blocks, several transfers interleaving — and check
 * every byte that arrives against what the upstream sent.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { startProxy, startUpstream } from './test-support.ts';

/** Deterministic bytes that differ at every offset and between seeds (so a stale overwrite shows). */
function pattern(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed * 2654435761 >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Sends a GET on a raw socket and reads the whole response; `slow` pauses the reader often so the proxy must queue. */
function download(port: number, path: string, slow: boolean): Promise<{ head: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      if (slow && chunks.length % 4 === 0) {
        socket.pause();
        setTimeout(() => socket.resume(), 5);
      }
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      resolve({ head: all.subarray(0, end).toString('latin1'), body: all.subarray(end + 4) });
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  });
}

/** Decodes a chunked body (the proxy keeps the upstream's chunked framing). */
function unchunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', pos);
    const size = parseInt(body.toString('latin1', pos, lineEnd), 16);
    if (size === 0) return Buffer.concat(parts);
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    pos = lineEnd + 2 + size + 2;
  }
}

describe('HTTP/1.1 engine over the shared upstream read buffer', () => {
  const bodies = [pattern(6 * 1024 * 1024 + 13, 1), pattern(5 * 1024 * 1024 + 7, 2), pattern(3 * 1024 * 1024 + 1, 3)];
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let proxy: Awaited<ReturnType<typeof startProxy>>;

  before(async () => {
    upstream = await startUpstream((req, res) => {
      const n = Number(req.url!.slice(req.url!.lastIndexOf('/') + 1));
      const body = bodies[n]!;
      if (req.url!.startsWith('/chunked/')) {
        // Odd-sized chunks, so chunk boundaries fall anywhere in the proxy's reads.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        for (let at = 0; at < body.length; at += 7001) res.write(body.subarray(at, at + 7001));
        res.end();
      } else {
        res.writeHead(200, { 'content-length': String(body.length), 'content-type': 'application/octet-stream' });
        res.end(body);
      }
    });
    upstream.server.on('upgrade', (_req, socket: Socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (d: Buffer) => socket.write(d));
      socket.on('end', () => socket.end());
    });
    proxy = await startProxy(() => ({ kind: 'forward', upstream: { host: '127.0.0.1', port: upstream.port } }));
  });
  after(async () => {
    await proxy.close();
    await upstream.close();
  });

  it('delivers every byte of concurrent length-delimited downloads, slow and fast readers mixed', async () => {
    const got = await Promise.all([download(proxy.port, '/len/0', true), download(proxy.port, '/len/1', false), download(proxy.port, '/len/2', true)]);
    got.forEach((g, i) => {
      assert.match(g.head, /^HTTP\/1\.1 200 /);
      assert.equal(g.body.length, bodies[i]!.length);
      assert.equal(sha(g.body), sha(bodies[i]!), `download ${i} is intact`);
    });
  });

  it('delivers chunked bodies intact while other transfers share the reads', async () => {
    const got = await Promise.all([download(proxy.port, '/chunked/0', true), download(proxy.port, '/len/1', true), download(proxy.port, '/chunked/2', false)]);
    assert.equal(sha(unchunk(got[0]!.body)), sha(bodies[0]!));
    assert.equal(sha(got[1]!.body), sha(bodies[1]!));
    assert.equal(sha(unchunk(got[2]!.body)), sha(bodies[2]!));
  });

  it('echoes large blocks through a tunnel unchanged', async () => {
    const socket = connect({ host: '127.0.0.1', port: proxy.port });
    const block = pattern(4 * 1024 * 1024 + 3, 9);
    const received: Buffer[] = [];
    let total = 0;
    let headSeen = false;
    const done = new Promise<void>((resolve) => {
      socket.on('data', (d: Buffer) => {
        if (!headSeen) {
          const all = Buffer.concat([...received.splice(0), d]);
          const end = all.indexOf('\r\n\r\n');
          if (end < 0) return void received.push(all);
          headSeen = true;
          d = all.subarray(end + 4);
          socket.write(block);
        }
        received.push(d);
        total += d.length;
        if (total === block.length) resolve();
      });
    });
    socket.write('GET /tunnel HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
    await done;
    socket.destroy();
    assert.equal(sha(Buffer.concat(received)), sha(block));
  });
});
