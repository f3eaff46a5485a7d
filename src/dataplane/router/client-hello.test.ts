import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { parseClientHello } from './client-hello.ts';

/** The bytes a real TLS client (node's OpenSSL) sends first. */
async function clientHelloBytes(servername?: string): Promise<Buffer> {
  const server = createServer();
  const received = new Promise<Buffer>((resolve) => server.on('connection', (s) => s.once('data', (d: Buffer) => { resolve(d); s.destroy(); })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const client = connectTls({ host: '127.0.0.1', port, ...(servername ? { servername } : {}), rejectUnauthorized: false });
  client.on('error', () => {});
  const data = await received;
  client.destroy();
  server.close();
  return data;
}

describe('parseClientHello', () => {
  it('reads the server name, lower-cased, from a real ClientHello', async () => {
    const hello = await clientHelloBytes('Pass.Example.Test');
    assert.deepEqual(parseClientHello(hello), { kind: 'hello', serverName: 'pass.example.test' });
    assert.deepEqual(parseClientHello(hello.subarray(0, 20)), { kind: 'incomplete' });
  });

  it('has no name without SNI, and tells plain text from TLS', async () => {
    assert.deepEqual(parseClientHello(await clientHelloBytes()), { kind: 'hello', serverName: undefined });
    assert.deepEqual(parseClientHello(Buffer.from('GET / HTTP/1.1\r\n')), { kind: 'not-tls' });
    assert.deepEqual(parseClientHello(Buffer.from([0x16, 3, 1, 0, 4, 2, 0, 0, 0])), { kind: 'not-tls' });
    // Garbage inside a well-framed record does not throw.
    assert.deepEqual(parseClientHello(Buffer.from([0x16, 3, 1, 0, 6, 1, 0, 0, 2, 3, 3])), { kind: 'hello', serverName: undefined });
  });
});
